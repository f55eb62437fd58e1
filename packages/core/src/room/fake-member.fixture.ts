import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import { type Observable, Subject } from 'rxjs';
import { type AnyActorRef, createActor, setup } from 'xstate';
import { type ChorusClock, systemClock } from '../clock.js';
import type { HeardMessage, MemberStartOptions, RoomMember } from './member.js';

// A stand-in room member for the room's own tests: it records what it hears and answers with a
// scripted reply, synchronously by default (the harshest case for re-entrancy) or after a delay on
// the (fake) clock. Its actor is spawned as a child of the room when the room offers `spawn`.

const fakeMemberMachine = setup({
  types: { events: {} as { type: 'respond' } | { type: 'done' } },
}).createMachine({
  id: 'fakeMember',
  initial: 'listening',
  states: {
    listening: { on: { respond: 'responding' } },
    responding: { on: { done: 'listening' } },
  },
});

export interface FakeMemberOptions {
  /** What to say when asked to respond; undefined says nothing (a response with no words). */
  readonly reply?: (heard: HeardMessage, member: FakeMember) => string | undefined;
  /** Answer after this many ms on the room's clock (the system clock alone) instead of synchronously. */
  readonly delayMs?: number;
  /** Never answer on its own; the test calls `say`. */
  readonly manual?: boolean;
  readonly failStart?: boolean;
  readonly failStop?: boolean;
}

export class FakeMember implements RoomMember {
  readonly heard: HeardMessage[] = [];
  readonly inputs: ClientEvent[] = [];
  readonly #events = new Subject<ServerEvent>();
  readonly events$: Observable<ServerEvent> = this.#events.asObservable();
  actorRef: AnyActorRef | undefined;
  startOptions: MemberStartOptions | undefined;
  #responses = 0;
  #timers = new Set<unknown>();
  #stopped = false;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly options: FakeMemberOptions = {},
  ) {}

  get state(): string {
    if (this.#stopped) return 'stopped';
    const value = this.actorRef?.getSnapshot().value;
    return typeof value === 'string' ? value : 'idle';
  }

  get #clock(): ChorusClock {
    return this.startOptions?.clock ?? systemClock;
  }

  /** Whether anybody (the room) is still subscribed to this member's events. */
  get observed(): boolean {
    return this.#events.observed;
  }

  async start(_outgoing?: unknown, options?: MemberStartOptions): Promise<void> {
    this.startOptions = options;
    if (this.options.failStart) throw new Error(`${this.name} cannot connect`);
    this.actorRef = options?.spawn
      ? await options.spawn(fakeMemberMachine, `member:${this.id}`)
      : createActor(fakeMemberMachine).start();
    this.emit({ type: 'agent_ready', agent_id: this.id, agent_name: this.name });
  }

  handleInput(event: ClientEvent): void {
    this.inputs.push(event);
  }

  hear(message: HeardMessage): void {
    this.heard.push(message);
    if (!message.respond || this.options.manual) return;
    const text = this.options.reply?.(message, this);
    if (this.options.delayMs === undefined) {
      this.say(text);
      return;
    }
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(timer);
      this.say(text);
    }, this.options.delayMs);
    this.#timers.add(timer);
  }

  /** Emits one whole response: created, final transcript (if any), done. */
  say(text: string | undefined): void {
    if (this.#stopped) return;
    this.#responses += 1;
    const response_id = `${this.id}_r${this.#responses}`;
    const item_id = `${this.id}_i${this.#responses}`;
    this.actorRef?.send({ type: 'respond' });
    this.emit({ type: 'agent_response_created', agent_id: this.id, agent_name: this.name, response_id });
    if (text !== undefined) {
      this.emit({
        type: 'agent_response_audio_transcript_done',
        agent_id: this.id,
        agent_name: this.name,
        response_id,
        item_id,
        transcript: text,
      });
    }
    this.actorRef?.send({ type: 'done' });
    this.emit({
      type: 'agent_response_done',
      agent_id: this.id,
      agent_name: this.name,
      response_id,
      input_tokens: 0,
      output_tokens: 0,
      metadata: {},
      status: 'completed',
    });
  }

  emit(event: ServerEvent): void {
    this.#events.next(event);
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers.clear();
    if (this.options.failStop) throw new Error(`${this.name} hung up badly`);
    this.emit({ type: 'agent_ended', agent_id: this.id, agent_name: this.name });
    this.#stopped = true;
    // A spawned actor belongs to the room, which stops it.
    if (!this.startOptions?.spawn) this.actorRef?.stop();
  }
}

/** The texts a member heard, as `speaker: text` (with `!` when asked to respond). */
export function heardLines(member: FakeMember): string[] {
  return member.heard.map((h) => `${h.respond ? '!' : ''}${h.speaker}: ${h.text}`);
}

/** A room's client stream as `who: text` lines: user messages, final agent words, floor changes. */
export function transcriptLines(events: readonly ServerEvent[]): string[] {
  return events.flatMap((event) => {
    switch (event.type) {
      case 'room_user_message':
        return [`${event.user_name ?? event.user_id}: ${event.text}`];
      case 'agent_response_audio_transcript_done':
        return [`${event.agent_name}: ${event.transcript}`];
      case 'room_floor_changed':
        return [`[floor ${event.agent_id ?? 'nobody'} (${event.reason ?? ''})]`];
      default:
        return [];
    }
  });
}
