import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A tracer provider whose spans a test reads back as they end. */
export function memoryTracing(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  return {
    provider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    exporter,
  };
}

/** Milliseconds of an OpenTelemetry high-resolution time. */
export function ms(time: ReadableSpan['startTime']): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/** The finished spans of one trace, with lookups by name and parent. */
export class SpanTree {
  readonly spans: ReadableSpan[];

  constructor(
    all: readonly ReadableSpan[],
    readonly traceId: string,
  ) {
    this.spans = all.filter((s) => s.spanContext().traceId === traceId);
  }

  named(name: string): ReadableSpan[] {
    return this.spans.filter((s) => s.name === name);
  }

  one(name: string): ReadableSpan {
    const found = this.named(name);
    if (found.length !== 1) throw new Error(`expected one ${name} in the trace, found ${found.length}`);
    return found[0] as ReadableSpan;
  }

  childrenOf(parent: ReadableSpan, name?: string): ReadableSpan[] {
    const id = parent.spanContext().spanId;
    return this.spans.filter(
      (s) => s.parentSpanContext?.spanId === id && (name === undefined || s.name === name),
    );
  }

  /** The root span's name (the span of the trace without a parent in it). */
  get roots(): ReadableSpan[] {
    return this.spans.filter((s) => s.parentSpanContext === undefined);
  }
}
