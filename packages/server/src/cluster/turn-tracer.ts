import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import {
  type Context,
  context as contexts,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

/** Client events that start a turn; audio frames are not traced one by one (50 a second). */
const TURN_INPUT = new Set<ClientEvent['type']>([
  'client_text_append',
  'client_audio_commit',
  'client_response_create',
]);
/** Most responses followed at once per room; older ones are ended when more start. */
const MAX_OPEN = 32;

interface Turn {
  readonly context: Context;
  readonly model?: Span;
}

interface Response {
  readonly span: Span;
  model?: Span;
  firstOut: boolean;
}

/** `traceparent` (W3C) with the sender's clock in ms after it: `00-trace-span-01;1712345678901.5`. */
function encode(span: SpanContext, sentAt: number): string {
  return `00-${span.traceId}-${span.spanId}-${span.traceFlags.toString(16).padStart(2, '0')};${sentAt}`;
}

function decode(tc: string | undefined): { context: SpanContext; sentAt: number } | undefined {
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

/**
 * One trace per turn of a shared room, across processes: `chorus.gateway.receive` where the user's
 * input arrives, `chorus.bus.hop` from its publish to the owner's receipt (the context travels in
 * the bus message), `chorus.room.input` on the owner, then `chorus.agent.response` for each reply
 * with `chorus.model.request` (from the turn's input to the model's first output) and
 * `chorus.audio.first_out` (the first audio leaving the room). Contexts are passed explicitly, so
 * no global context manager is needed.
 */
export class TurnTracer {
  readonly #tracer: Tracer;
  readonly #turns = new Map<string, Turn>();
  readonly #responses = new Map<string, Response>();

  constructor(provider: TracerProvider = trace.getTracerProvider()) {
    this.#tracer = provider.getTracer('@chorus/server');
  }

  /** A user's input arrives at a gateway that forwards it; returns the context to send along. */
  gatewayInput(room: string, event: ClientEvent): string | undefined {
    if (!TURN_INPUT.has(event.type)) return undefined;
    const span = this.#tracer.startSpan('chorus.gateway.receive', {
      attributes: { 'chorus.room': room, 'chorus.event': event.type, 'chorus.forwarded': true },
    });
    span.end();
    return encode(span.spanContext(), Date.now());
  }

  /** The owner received forwarded input: the bus hop, then the room taking it. */
  busInput(room: string, event: ClientEvent, tc: string | undefined, run: () => unknown): unknown {
    const remote = decode(tc);
    if (!remote || !TURN_INPUT.has(event.type)) return run();
    const parent = trace.setSpanContext(ROOT_CONTEXT, remote.context);
    const hop = this.#tracer.startSpan(
      'chorus.bus.hop',
      { startTime: remote.sentAt, attributes: { 'chorus.room': room } },
      parent,
    );
    hop.end();
    return this.#roomInput(room, event, trace.setSpan(parent, hop), run);
  }

  /** Input from a user of the owner's own process. */
  localInput(room: string, event: ClientEvent, run: () => unknown): unknown {
    if (!TURN_INPUT.has(event.type)) return run();
    const span = this.#tracer.startSpan('chorus.gateway.receive', {
      attributes: { 'chorus.room': room, 'chorus.event': event.type, 'chorus.forwarded': false },
    });
    span.end();
    return this.#roomInput(room, event, trace.setSpan(ROOT_CONTEXT, span), run);
  }

  #roomInput(room: string, event: ClientEvent, parent: Context, run: () => unknown): unknown {
    const span = this.#tracer.startSpan(
      'chorus.room.input',
      { attributes: { 'chorus.room': room, 'chorus.event': event.type } },
      parent,
    );
    const context = trace.setSpan(parent, span);
    this.#turns.get(room)?.model?.end();
    const model = this.#tracer.startSpan(
      'chorus.model.request',
      { attributes: { 'chorus.room': room } },
      context,
    );
    this.#turns.set(room, { context, model });
    try {
      return contexts.with(context, run);
    } finally {
      span.end();
    }
  }

  /** The owner's room emitted an event: replies and their first output. */
  roomEvent(room: string, event: ServerEvent): void {
    if (event.type === 'agent_response_created') {
      const turn = this.#turns.get(room);
      const span = this.#tracer.startSpan(
        'chorus.agent.response',
        {
          attributes: {
            'chorus.room': room,
            'chorus.agent': event.agent_name,
            'chorus.response': event.response_id,
          },
        },
        turn?.context ?? ROOT_CONTEXT,
      );
      if (this.#responses.size >= MAX_OPEN) {
        const [oldest] = this.#responses;
        if (oldest) {
          oldest[1].span.end();
          this.#responses.delete(oldest[0]);
        }
      }
      const model = turn?.model;
      this.#responses.set(event.response_id, { span, firstOut: false, ...(model ? { model } : {}) });
      return;
    }
    if (event.type === 'agent_response_audio_delta' || event.type === 'agent_response_text_delta') {
      const response = this.#responses.get(event.response_id);
      if (!response || response.firstOut) return;
      response.firstOut = true;
      response.model?.end();
      this.#turns.delete(room);
      if (event.type === 'agent_response_audio_delta') {
        this.#tracer
          .startSpan(
            'chorus.audio.first_out',
            { attributes: { 'chorus.room': room } },
            trace.setSpan(ROOT_CONTEXT, response.span),
          )
          .end();
      }
      return;
    }
    if (event.type === 'agent_response_done') {
      const response = this.#responses.get(event.response_id);
      if (!response) return;
      response.span.setAttribute('chorus.status', event.status ?? 'completed');
      response.span.end();
      this.#responses.delete(event.response_id);
    }
  }
}
