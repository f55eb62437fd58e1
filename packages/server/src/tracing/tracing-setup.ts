import type { TracerProvider } from '@opentelemetry/api';
import type { Clock } from '../clock.js';
import { records, tracerProviderFrom } from './tracer-provider.js';
import { TurnTracer } from './turn-tracer.js';

export interface TracingSetup {
  /** Absent when no span could go anywhere: then nothing is traced, at no cost. */
  readonly tracer: TurnTracer | undefined;
  /** Flushes and stops an exporter the gateway created itself (OTLP from `OTEL_*`). */
  shutdown(): Promise<void>;
}

/** The gateway's turn tracer, from `tracerProvider`, else the `OTEL_*` variables, else the global provider. */
export function setUpTracing(
  given: TracerProvider | undefined,
  env: NodeJS.ProcessEnv,
  clock: Pick<Clock, 'now'>,
): TracingSetup {
  const { provider, shutdown } = tracerProviderFrom(given, env);
  return {
    tracer: records(provider) ? new TurnTracer(provider, clock) : undefined,
    shutdown: async () => {
      await shutdown?.();
    },
  };
}
