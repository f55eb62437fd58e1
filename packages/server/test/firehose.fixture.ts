import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import { Subject } from 'rxjs';
import type { Servable } from '../src/servable.js';

/** An agent that answers `client_response_create` with `frames` large audio deltas, as fast as it can. */
export class FirehoseAgent implements Servable {
  readonly #events = new Subject<ServerEvent>();
  readonly events$ = this.#events.asObservable();
  #stopped = false;

  constructor(
    private readonly frames = 2000,
    private readonly frameBytes = 16 * 1024,
  ) {}

  async start(): Promise<void> {}

  handleInput(event: ClientEvent): boolean {
    if (event.type !== 'client_response_create') return true;
    const delta = Buffer.alloc(this.frameBytes, 7).toString('base64');
    let sent = 0;
    const pump = () => {
      for (let i = 0; i < 20 && sent < this.frames && !this.#stopped; i++, sent++) {
        this.#events.next({
          type: 'agent_response_audio_delta',
          agent_id: 'fire',
          agent_name: 'fire',
          response_id: 'r',
          item_id: 'i',
          delta,
          format: { type: 'audio/pcm', rate: 24000 },
        });
      }
      if (sent < this.frames && !this.#stopped) setTimeout(pump, 2);
    };
    pump();
    return true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#events.complete();
  }
}
