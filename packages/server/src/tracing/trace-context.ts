import type { SpanContext } from '@opentelemetry/api';

/**
 * A turn's context as it travels on the bus: W3C `traceparent` with the sender's clock (epoch ms)
 * after it, `00-trace-span-01;1712345678901.5`, so the receiver can time the hop.
 */
export function encodeTraceContext(span: SpanContext, sentAt: number): string {
  return `00-${span.traceId}-${span.spanId}-${span.traceFlags.toString(16).padStart(2, '0')};${sentAt}`;
}

/** The context and send time of `tc`; undefined for anything malformed or longer than 128 chars. */
export function decodeTraceContext(
  tc: string | undefined,
): { context: SpanContext; sentAt: number } | undefined {
  if (tc === undefined || tc.length > 128) return undefined;
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2});(\d+(?:\.\d+)?)$/.exec(tc);
  if (!match) return undefined;
  return {
    context: {
      traceId: match[1] as string,
      spanId: match[2] as string,
      traceFlags: Number.parseInt(match[3] as string, 16),
      isRemote: true,
    },
    sentAt: Number(match[4]),
  };
}
