import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import { Subject } from 'rxjs';
import type { RoomUser, Servable } from '../src/servable.js';

/**
 * A minimal agent-shaped Servable for gateway tests: it answers each `client_response_create` with a
 * transcript, `audioChunks` audio deltas (24 kHz PCM) and, when the last text mentions "weather",
 * a tool call it executes itself. Gateway behaviour is what is under test, not the agent.
 */
export class EchoAgent implements Servable {
  readonly #events = new Subject<ServerEvent>();
  readonly events$ = this.#events.asObservable();
  readonly inputs: { event: ClientEvent; user: RoomUser | undefined }[] = [];
  #lastText = '';
  #responding: string | undefined;
  #seq = 0;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  stopped = false;

  constructor(
    readonly name = 'echo',
    private readonly options: { audioChunks?: number; chunkDelayMs?: number; chunkBytes?: number } = {},
  ) {}

  async start(): Promise<void> {
    this.#emit({ type: 'agent_ready', agent_id: this.name, agent_name: this.name });
  }

  handleInput(event: ClientEvent, user?: RoomUser): boolean {
    this.inputs.push({ event, user });
    if (event.type === 'client_text_append') this.#lastText = event.text;
    if (event.type === 'client_response_create') this.#respond();
    if (event.type === 'client_response_cancel' && this.#responding) this.#cancel(this.#responding);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#emit({ type: 'agent_ended', agent_id: this.name, agent_name: this.name });
    this.#events.complete();
  }

  #emit(event: ServerEvent): void {
    if (!this.stopped || event.type === 'agent_ended') this.#events.next(event);
  }

  #later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #respond(): void {
    const response_id = `resp_${++this.#seq}`;
    const item_id = `item_${this.#seq}`;
    const who = { agent_id: this.name, agent_name: this.name };
    this.#responding = response_id;
    this.#emit({ type: 'agent_response_created', ...who, response_id });
    const text = `You said: ${this.#lastText}`;
    const steps: (() => void)[] = [];
    if (/weather/i.test(this.#lastText)) {
      const tool_use = {
        type: 'tool_use' as const,
        id: `call_${this.#seq}`,
        name: 'get_weather',
        input: { city: 'Paris' },
        raw_input: '{"city":"Paris"}',
      };
      steps.push(() =>
        this.#emit({
          type: 'agent_response_tool_use_done',
          ...who,
          response_id,
          item_id: `fc_${this.#seq}`,
          tool_use,
        }),
      );
      steps.push(() =>
        this.#emit({
          type: 'agent_response_tool_result',
          ...who,
          tool_result: { type: 'tool_result', id: tool_use.id, name: 'get_weather', output: '{"temp_c":21}' },
        }),
      );
    }
    steps.push(() =>
      this.#emit({
        type: 'agent_response_audio_transcript_delta',
        ...who,
        response_id,
        item_id,
        delta: text,
      }),
    );
    const chunkBytes = this.options.chunkBytes ?? 960;
    const audio = Buffer.alloc(chunkBytes, 1).toString('base64');
    for (let i = 0; i < (this.options.audioChunks ?? 3); i++) {
      steps.push(() =>
        this.#emit({
          type: 'agent_response_audio_delta',
          ...who,
          response_id,
          item_id,
          delta: audio,
          format: { type: 'audio/pcm', rate: 24000 },
        }),
      );
    }
    steps.push(() => this.#emit({ type: 'agent_response_audio_done', ...who, response_id, item_id }));
    steps.push(() =>
      this.#emit({
        type: 'agent_response_audio_transcript_done',
        ...who,
        response_id,
        item_id,
        transcript: text,
      }),
    );
    steps.push(() => {
      this.#responding = undefined;
      this.#emit({
        type: 'agent_response_done',
        ...who,
        response_id,
        input_tokens: 1,
        output_tokens: 2,
        metadata: {},
        status: 'completed',
      });
    });
    const delay = this.options.chunkDelayMs ?? 0;
    const run = (i: number) => {
      if (this.#responding !== response_id && i < steps.length - 1) return;
      steps[i]?.();
      if (i + 1 < steps.length) this.#later(() => run(i + 1), delay);
    };
    this.#later(() => run(0), 0);
  }

  #cancel(response_id: string): void {
    const who = { agent_id: this.name, agent_name: this.name };
    this.#responding = undefined;
    this.#emit({
      type: 'agent_response_interrupted',
      ...who,
      response_id,
      item_id: `item_${this.#seq}`,
      audio_end_ms: 40,
    });
    this.#emit({
      type: 'agent_response_done',
      ...who,
      response_id,
      input_tokens: 0,
      output_tokens: 0,
      metadata: {},
      status: 'cancelled',
    });
  }
}
