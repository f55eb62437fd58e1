import type { ClientEvent, ServerEvent, ServerEventOf } from '@chorus/protocol';
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { Clock } from '../clock.js';
import { decodeTraceContext, encodeTraceContext } from './trace-context.js';

/** What the tracer knows of a running room or private session. */
export interface TracedRoom {
  /** The room's name in `rooms`. */
  readonly name: string;
  /** The host's key: the room name when shared, `session:<user>/<session>` for a private session. */
  readonly key: string;
  readonly shared: boolean;
  /** Model provider (`RealtimeModel.provider`) by agent name, for the agents that expose theirs. */
  readonly providers: ReadonlyMap<string, string>;
}

/** A reply of one agent, from `agent_response_created` to its done. */
interface Reply {
  readonly span: Span;
  readonly agent: string;
  readonly createdAt: number;
  firstOutAt?: number;
  audio: boolean;
}

interface RoomTurns {
  readonly room: TracedRoom;
  readonly attributes: Attributes;
  /** The turn replies join: the context of the latest input that starts one. */
  turn?: Context;
  /** No reply joined the turn yet: the model ending speech it already has is not a new turn. */
  unanswered?: { readonly speech: boolean; readonly at: number };
  /** When the last audio frame of a user arrived (a spoken turn starts there), and whose it was. */
  lastAudioAt?: number;
  lastAudioUser?: string | undefined;
  readonly replies: Map<string, Reply>;
  /** Tool calls running, by call id (they outlive the reply that asked for them). */
  readonly tools: Map<string, Span>;
  /** A reply that is done: its model request waits for the agent's `agent_turn_metrics`, next. */
  awaiting?: { readonly id: string; readonly reply: Reply; readonly doneAt: number };
}

/** Replies and tool calls followed at once per room; older ones are ended when more start. */
const MAX_OPEN = 32;

/** Client events that start a turn; audio frames are not traced one by one (50 a second). */
function startsTurn(event: ClientEvent): boolean {
  switch (event.type) {
    case 'client_text_append':
      // OpenAI's `conversation.item.create` arrives as text that answers nothing by itself.
      return event.respond !== false;
    case 'client_audio_commit':
    case 'client_response_create':
      return true;
    default:
      return false;
  }
}

/**
 * One trace per turn, for every path into a room: a private session (Chorus protocol or
 * `/v1/realtime`), a phone call, and a shared room across gateway processes.
 *
 * - `chorus.gateway.receive`: the input that starts the turn (text, a commit, a response request),
 *   or, for speech the model segments itself, the user's last audio frame before the agent's
 *   `agent_input_done`. Inputs that follow before any reply join the turn (a child receive each).
 *   On a gateway that forwards to a shared room's owner, `chorus.bus.hop` follows on the owner (the
 *   context travels in the bus message), then `chorus.room.input` for shared rooms.
 * - `chorus.agent.response`: each reply of the turn's agents, with `chorus.model.request` (from the
 *   model opening the reply to its first output, lasting what the agent itself measured,
 *   `agent_turn_metrics.time_to_first_audio_ms`), `chorus.tool.call` per tool the reply ran, and
 *   `chorus.audio.first_out` when the reply's first audio left the room for its sessions.
 *
 * Times come from the gateway's clock (so tests with the simulated clock get exact figures);
 * contexts are passed explicitly, so no global context manager is needed.
 */
export class TurnTracer {
  readonly #tracer: Tracer;
  readonly #rooms = new Map<string, RoomTurns>();
  /** The context an input handed on by {@link fromBus} runs under. */
  #given: Context | undefined;

  constructor(
    provider: TracerProvider,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.#tracer = provider.getTracer('@chorus/server');
  }

  /** Epoch milliseconds on the gateway's clock (the SDK's own time base for real clocks). */
  now(): number {
    return performance.timeOrigin + this.clock.now();
  }

  /** A room or private session started: its turns are followed from now. */
  opened(room: TracedRoom): void {
    this.#rooms.set(room.key, {
      room,
      attributes: room.shared
        ? { 'chorus.room': room.name }
        : { 'chorus.room': room.name, 'chorus.session': room.key },
      replies: new Map(),
      tools: new Map(),
    });
  }

  /** The room stopped: whatever is still open ends now. */
  closed(key: string): void {
    const turns = this.#rooms.get(key);
    if (!turns) return;
    this.#rooms.delete(key);
    this.#settle(turns, undefined);
    const now = this.now();
    for (const reply of turns.replies.values()) {
      reply.span.setAttribute('chorus.status', 'unfinished');
      reply.span.end(now);
    }
    for (const tool of turns.tools.values()) tool.end(now);
  }

  /**
   * Input from a session, about to be handed to the room (`run`). Audio frames only note their
   * time; an input that starts a turn opens it.
   */
  input(key: string, event: ClientEvent, user: string | undefined, run: () => unknown): unknown {
    const turns = this.#rooms.get(key);
    const given = this.#given;
    this.#given = undefined;
    if (!turns) return run();
    if (event.type === 'client_audio_append') {
      this.heard(key, user);
      return run();
    }
    if (!startsTurn(event)) return run();
    const at = this.now();
    const unansweredTurn = turns.unanswered && turns.turn;
    if (!given && unansweredTurn) {
      // A turn is what the user sent until a reply came (OpenAI's commit, then its response.create):
      // this input joins it rather than leaving the first as a trace of its own.
      this.#receive(
        turns,
        at,
        at,
        { 'chorus.event': event.type, 'chorus.turn.joined': true },
        user,
        unansweredTurn,
      );
      return run();
    }
    const parent = given ?? this.#receive(turns, at, at, { 'chorus.event': event.type }, user);
    if (!turns.room.shared) {
      this.#startTurn(turns, parent, false);
      return run();
    }
    const span = this.#tracer.startSpan(
      'chorus.room.input',
      { startTime: at, attributes: { ...turns.attributes, 'chorus.event': event.type } },
      parent,
    );
    this.#startTurn(turns, trace.setSpan(parent, span), false);
    try {
      return run();
    } finally {
      span.end(this.now());
    }
  }

  /** An audio frame of `user` reached the room: a spoken turn that ends next starts here. */
  heard(key: string, user: string | undefined): void {
    const turns = this.#rooms.get(key);
    if (!turns) return;
    turns.lastAudioAt = this.now();
    turns.lastAudioUser = user;
  }

  /** A user's input arrives at a gateway that forwards it to a shared room's owner: the context to send along. */
  forward(room: string, event: ClientEvent, user: string | undefined): string | undefined {
    if (!startsTurn(event)) return undefined;
    const at = this.now();
    const span = this.#tracer.startSpan('chorus.gateway.receive', {
      startTime: at,
      attributes: {
        'chorus.room': room,
        'chorus.event': event.type,
        'chorus.forwarded': true,
        ...(user === undefined ? {} : { 'chorus.user': user }),
      },
    });
    span.end(at);
    return encodeTraceContext(span.spanContext(), at);
  }

  /** The owner received forwarded input: the bus hop, then `run` hands it to the room under it. */
  fromBus(room: string, event: ClientEvent, tc: string | undefined, run: () => unknown): unknown {
    const remote = decodeTraceContext(tc);
    if (!remote || !startsTurn(event)) return run();
    const parent = trace.setSpanContext(ROOT_CONTEXT, remote.context);
    const hop = this.#tracer.startSpan(
      'chorus.bus.hop',
      { startTime: remote.sentAt, attributes: { 'chorus.room': room } },
      parent,
    );
    hop.end(Math.max(remote.sentAt, this.now()));
    this.#given = trace.setSpan(parent, hop);
    try {
      return run();
    } finally {
      this.#given = undefined;
    }
  }

  /** An event of the room (every event once, as the room emits it). */
  roomEvent(key: string, event: ServerEvent): void {
    const turns = this.#rooms.get(key);
    if (!turns) return;
    if (turns.awaiting && this.#settle(turns, event)) return;
    switch (event.type) {
      case 'agent_input_done':
        this.#speechTurn(turns, event);
        return;
      case 'agent_response_created':
        this.#replyCreated(turns, event);
        return;
      case 'agent_response_audio_delta':
      case 'agent_response_text_delta':
        this.#firstOut(turns, event.response_id, event.type === 'agent_response_audio_delta');
        return;
      case 'agent_response_tool_use_done':
        this.#toolStarted(turns, event);
        return;
      case 'agent_response_tool_result': {
        const tool = turns.tools.get(event.tool_result.id);
        if (!tool) return;
        turns.tools.delete(event.tool_result.id);
        tool.setAttribute('chorus.tool.error', event.tool_result.is_error === true);
        tool.end(this.now());
        return;
      }
      case 'agent_response_done': {
        const reply = turns.replies.get(event.response_id);
        if (!reply) return;
        turns.replies.delete(event.response_id);
        const doneAt = this.now();
        reply.span.setAttribute('chorus.status', event.status ?? 'completed');
        reply.span.end(doneAt);
        const awaiting = { id: event.response_id, reply, doneAt };
        turns.awaiting = awaiting;
        // An agent without metrics (or a room that drops them) sends nothing more for this reply.
        queueMicrotask(() => {
          if (turns.awaiting === awaiting) this.#settle(turns, undefined);
        });
        return;
      }
      default:
        return;
    }
  }

  /** A `chorus.gateway.receive` of this gateway (a root unless `parent`); returns its context. */
  #receive(
    turns: RoomTurns,
    start: number,
    end: number,
    attributes: Attributes,
    user: string | undefined,
    parent: Context = ROOT_CONTEXT,
  ): Context {
    const span = this.#tracer.startSpan(
      'chorus.gateway.receive',
      {
        startTime: start,
        attributes: {
          ...turns.attributes,
          ...attributes,
          'chorus.forwarded': false,
          ...(user === undefined ? {} : { 'chorus.user': user }),
        },
      },
      parent,
    );
    span.end(end);
    return trace.setSpan(parent, span);
  }

  #startTurn(turns: RoomTurns, context: Context, speech: boolean): void {
    turns.turn = context;
    turns.unanswered = { speech, at: this.now() };
  }

  /** The model ended the user's speech: the turn starts at the last audio frame that arrived. */
  #speechTurn(turns: RoomTurns, event: ServerEventOf<'agent_input_done'>): void {
    // Several agents hearing the same speech end it each: one turn until someone replies. Audio the
    // user committed by hand (a turn already) may be ended by the model too: no audio came since.
    const open = turns.unanswered;
    if (open && (open.speech || (turns.lastAudioAt ?? Number.NEGATIVE_INFINITY) <= open.at)) return;
    const now = this.now();
    const attributes = {
      'chorus.event': 'client_audio_append',
      'chorus.turn_detection': 'model',
      'chorus.agent': event.agent_name,
    };
    const receive = this.#receive(
      turns,
      Math.min(turns.lastAudioAt ?? now, now),
      now,
      attributes,
      turns.lastAudioUser,
    );
    this.#startTurn(turns, receive, true);
  }

  #replyCreated(turns: RoomTurns, event: ServerEventOf<'agent_response_created'>): void {
    const createdAt = this.now();
    const provider = this.#provider(turns, event.agent_name);
    const span = this.#tracer.startSpan(
      'chorus.agent.response',
      {
        startTime: createdAt,
        attributes: {
          ...turns.attributes,
          'chorus.agent': event.agent_name,
          'chorus.response': event.response_id,
          ...(provider === undefined ? {} : { 'chorus.model.provider': provider }),
        },
      },
      turns.turn ?? ROOT_CONTEXT,
    );
    turns.unanswered = undefined;
    if (turns.replies.size >= MAX_OPEN) {
      const [oldest] = turns.replies;
      if (oldest) {
        oldest[1].span.setAttribute('chorus.status', 'untracked');
        oldest[1].span.end(createdAt);
        turns.replies.delete(oldest[0]);
      }
    }
    turns.replies.set(event.response_id, { span, agent: event.agent_name, createdAt, audio: false });
  }

  #firstOut(turns: RoomTurns, responseId: string, audio: boolean): void {
    const reply = turns.replies.get(responseId);
    if (!reply || reply.firstOutAt !== undefined) return;
    const at = this.now();
    reply.firstOutAt = at;
    reply.audio = audio;
    if (!audio) return;
    this.#tracer
      .startSpan(
        'chorus.audio.first_out',
        { startTime: at, attributes: { ...turns.attributes, 'chorus.agent': reply.agent } },
        trace.setSpan(ROOT_CONTEXT, reply.span),
      )
      .end(at);
  }

  #toolStarted(turns: RoomTurns, event: ServerEventOf<'agent_response_tool_use_done'>): void {
    const reply = turns.replies.get(event.response_id);
    const at = this.now();
    const span = this.#tracer.startSpan(
      'chorus.tool.call',
      {
        startTime: at,
        attributes: {
          ...turns.attributes,
          'chorus.agent': event.agent_name,
          'chorus.tool': event.tool_use.name,
          'chorus.tool.call_id': event.tool_use.id,
          'chorus.tool.client': event.client_tool === true,
        },
      },
      reply ? trace.setSpan(ROOT_CONTEXT, reply.span) : (turns.turn ?? ROOT_CONTEXT),
    );
    if (turns.tools.size >= MAX_OPEN) {
      const [oldest] = turns.tools;
      if (oldest) {
        oldest[1].end(at);
        turns.tools.delete(oldest[0]);
      }
    }
    turns.tools.set(event.tool_use.id, span);
  }

  /**
   * Records the model request of the reply that is done, with the agent's own figures when `event`
   * is its `agent_turn_metrics` (which the agent emits right after the done). True: `event` was it.
   */
  #settle(turns: RoomTurns, event: ServerEvent | undefined): boolean {
    const awaiting = turns.awaiting;
    if (!awaiting) return false;
    turns.awaiting = undefined;
    const { reply, doneAt } = awaiting;
    const metrics =
      event?.type === 'agent_turn_metrics' && event.response_id === awaiting.id ? event : undefined;
    const measured = metrics?.time_to_first_audio_ms;
    const end = measured !== undefined ? reply.createdAt + measured : (reply.firstOutAt ?? doneAt);
    const provider = this.#provider(turns, reply.agent);
    const span = this.#tracer.startSpan(
      'chorus.model.request',
      {
        startTime: reply.createdAt,
        attributes: {
          ...turns.attributes,
          'chorus.agent': reply.agent,
          'chorus.response': awaiting.id,
          'chorus.model.output': reply.firstOutAt === undefined ? 'none' : reply.audio ? 'audio' : 'text',
          ...(provider === undefined ? {} : { 'chorus.model.provider': provider }),
          ...(measured === undefined ? {} : { 'chorus.model.time_to_first_audio_ms': measured }),
          ...(metrics?.e2e_ms === undefined ? {} : { 'chorus.turn.e2e_ms': metrics.e2e_ms }),
        },
      },
      trace.setSpan(ROOT_CONTEXT, reply.span),
    );
    span.end(end);
    return metrics !== undefined;
  }

  #provider(turns: RoomTurns, agent: string): string | undefined {
    const providers = turns.room.providers;
    const own = providers.get(agent);
    if (own !== undefined || providers.size === 0) return own;
    // A handoff or a client's shaping renames the agent; with one provider in the room it is still that one.
    const all = new Set(providers.values());
    return all.size === 1 ? (all.values().next().value as string) : undefined;
  }
}
