import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { Servable } from '@chorus/server';
import { Subject } from 'rxjs';

/**
 * A room that, once asked for a response, emits large audio deltas as fast as the event loop allows
 * until it is stopped: the worst producer a slow reader can face.
 */
export class Firehose implements Servable {
  readonly #events = new Subject<ServerEvent>();
  readonly events$ = this.#events.asObservable();
  readonly #delta: string;
  #running = false;
  #stopped = false;
  emitted = 0;

  constructor(deltaBytes: number) {
    this.#delta = Buffer.alloc(deltaBytes, 7).toString('base64');
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  async start(): Promise<void> {}

  handleInput(event: ClientEvent): boolean {
    if (event.type === 'client_response_create' && !this.#running) {
      this.#running = true;
      this.#pump();
    }
    return true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#events.complete();
  }

  #pump(): void {
    if (this.#stopped) return;
    for (let i = 0; i < 16; i++) {
      this.emitted++;
      this.#events.next({
        type: 'agent_response_audio_delta',
        agent_id: 'firehose',
        agent_name: 'firehose',
        response_id: 'resp_1',
        item_id: 'item_1',
        delta: this.#delta,
        format: { type: 'audio/pcm', rate: 24000 },
      });
    }
    setImmediate(() => this.#pump());
  }
}
