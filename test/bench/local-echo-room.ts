import { RealtimeAgent } from '@chorus/core';
import { LocalModel, rulesBrain } from '@chorus/local';
import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { Servable } from '@chorus/server';
import { merge, Subject } from 'rxjs';

/**
 * The density room: a RealtimeAgent on the local model with a scripted (rules) brain hears every frame
 * (conversion to 16 kHz, WebRTC VAD, turn detection), and each inbound frame also comes straight back
 * as an agent audio delta, so that every frame has a round trip the client can time, as with the relay.
 */
export class LocalEchoRoom implements Servable {
  readonly #echo = new Subject<ServerEvent>();
  readonly #agent = new RealtimeAgent({
    name: 'local',
    instructions: '',
    model: new LocalModel({
      brain: rulesBrain({ intents: [{ match: /.*/, reply: 'Sure.' }] }),
      transcriber: null,
      tts: null,
    }),
  });
  readonly events$ = merge(this.#agent.events$, this.#echo.asObservable());

  async start() {
    await this.#agent.start();
  }

  handleInput(event: ClientEvent) {
    this.#agent.handleInput(event);
    if (event.type !== 'client_audio_append') return;
    this.#echo.next({
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
    this.#echo.complete();
    await this.#agent.stop();
  }
}
