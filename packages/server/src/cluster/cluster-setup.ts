import { hostname } from 'node:os';
import type { Inspector } from '@chorus/inspector';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { GatewayMetrics } from '../metrics.js';
import type { InspectPolicy } from '../room-host.js';
import type { ServableFactory } from '../servable.js';
import type { TurnTracer } from '../tracing/turn-tracer.js';
import { newProcessId } from './cluster-bus.js';
import { registerClusterMetrics } from './cluster-metrics.js';
import type { ClusterOptions } from './cluster-options.js';
import { ClusterRoomHost } from './cluster-room-host.js';
import { RedisBus } from './redis-bus.js';
import { DEFAULT_HISTORY_ITEMS } from './room-history.js';

export interface ClusterSetup {
  readonly host: ClusterRoomHost;
  close(): Promise<void>;
}

/** Builds the room host of a gateway on a bus: its bus and metrics; turns are traced by `tracer`. */
export function setUpCluster(
  options: ClusterOptions,
  rooms: Readonly<Record<string, ServableFactory>>,
  inspector: Inspector,
  metrics: GatewayMetrics,
  logger: Logger,
  clock: Clock,
  inspect: InspectPolicy,
  tracer: TurnTracer | undefined,
): ClusterSetup {
  const ownBus = typeof options.bus === 'string';
  const bus =
    typeof options.bus === 'string'
      ? new RedisBus({ url: options.bus, processId: newProcessId(hostname(), process.pid) })
      : options.bus;
  if (bus instanceof RedisBus && ownBus) {
    bus.connect().catch((error: unknown) => {
      logger.warn({ err: error }, 'the bus is unreachable; shared rooms wait for it, private sessions go on');
    });
  }
  const leaseMs = options.leaseMs ?? 5000;
  if (!(leaseMs >= 30)) throw new Error(`cluster.leaseMs must be at least 30, got ${leaseMs}`);
  const host = new ClusterRoomHost(
    rooms,
    inspector,
    metrics,
    logger,
    clock,
    inspect,
    {
      bus,
      leaseMs,
      historyItems: options.historyItems ?? DEFAULT_HISTORY_ITEMS,
      prefix: options.prefix ?? 'chorus',
      joinTimeoutMs: options.joinTimeoutMs ?? 2000,
    },
    tracer,
  );
  registerClusterMetrics(metrics, host);
  return {
    host,
    async close() {
      await host.closeCluster();
      if (ownBus) await bus.close();
    },
  };
}
