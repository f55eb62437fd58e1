import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { Servable } from '@chorus/server';
import { Subject } from 'rxjs';

/** Echoes each audio frame back as an agent audio delta (the gateway's work, without a model). */
export class EchoFrames implements Servable {
  readonly #events = new Subject<ServerEvent>();
  readonly events$ = this.#events.asObservable();
  async start() {}
  handleInput(event: ClientEvent) {
    if (event.type !== 'client_audio_append') return;
    this.#events.next({
      type: 'agent_response_audio_delta',
      agent_id: 'echo',
      agent_name: 'echo',
      response_id: 'r',
      item_id: event.event_id ?? 'i',
      delta: event.audio,
      format: event.format,
    });
  }
  async stop() {
    this.#events.complete();
  }
}
