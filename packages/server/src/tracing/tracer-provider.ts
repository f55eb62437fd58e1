import { ProxyTracerProvider, type TracerProvider, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

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

/** The delegate of a global provider nobody registered: the API's no-op. */
const UNREGISTERED = new ProxyTracerProvider().getDelegate();

/**
 * Whether spans from this provider can go anywhere. The global provider with nothing registered
 * behind it records nothing, so the gateway then skips tracing altogether (no wrapper, no clock
 * read per frame) rather than paying for spans that are dropped.
 */
export function records(provider: TracerProvider): boolean {
  return !(provider instanceof ProxyTracerProvider && provider.getDelegate() === UNREGISTERED);
}
