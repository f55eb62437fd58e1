import { hostname } from 'node:os';
import type { Inspector } from '@chorus/inspector';
import { type TracerProvider, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { GatewayMetrics } from '../metrics.js';
import type { InspectPolicy } from '../room-host.js';
import type { ServableFactory } from '../servable.js';
import { newProcessId } from './cluster-bus.js';
import { registerClusterMetrics } from './cluster-metrics.js';
import type { ClusterOptions } from './cluster-options.js';
import { ClusterRoomHost } from './cluster-room-host.js';
import { RedisBus } from './redis-bus.js';
import { DEFAULT_HISTORY_ITEMS } from './room-history.js';
import { TurnTracer } from './turn-tracer.js';

export interface ClusterSetup {
  readonly host: ClusterRoomHost;
  close(): Promise<void>;
}

/**
 * The tracer provider: the caller's, else one exporting over OTLP when the standard `OTEL_*`
 * variables name an endpoint, else the global one (a no-op unless the application registered one).
 * Nothing is exported, and no connection is attempted, unless one of these says so.
 */
export function tracerProviderFrom(
  given: TracerProvider | undefined,
  env: NodeJS.ProcessEnv,
): { provider: TracerProvider; shutdown?: () => Promise<void> } {
  if (given) return { provider: given };
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') {
    return { provider: trace.getTracerProvider() };
  }
  // The exporter reads the endpoint, headers, timeout and compression from OTEL_* itself.
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  return { provider, shutdown: () => provider.shutdown() };
}

/** Builds the room host of a gateway on a bus: its bus, metrics and tracer. */
export function setUpCluster(
  options: ClusterOptions,
  rooms: Readonly<Record<string, ServableFactory>>,
  inspector: Inspector,
  metrics: GatewayMetrics,
  logger: Logger,
  clock: Clock,
  inspect: InspectPolicy,
  tracing: { provider?: TracerProvider; env: NodeJS.ProcessEnv },
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
  const { provider, shutdown } = tracerProviderFrom(tracing.provider, tracing.env);
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
    new TurnTracer(provider),
  );
  registerClusterMetrics(metrics, host);
  return {
    host,
    async close() {
      await host.closeCluster();
      if (ownBus) await bus.close();
      await shutdown?.();
    },
  };
}
