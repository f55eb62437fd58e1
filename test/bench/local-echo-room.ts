import { RealtimeAgent } from '@chorus/core';
import { LocalModel, rulesBrain } from '@chorus/local';
import type { ClientEvent } from '@chorus/protocol';
import type { Servable } from '@chorus/server';
import { merge } from 'rxjs';
import { EchoFrames } from './echo-frames.js';

/**
 * The density room: a RealtimeAgent on the local model with a scripted (rules) brain hears every frame
 * (conversion to 16 kHz, WebRTC VAD, turn detection), and each inbound frame also comes straight back
 * as an agent audio delta, so that every frame has a round trip the client can time, as with the relay.
 */
export class LocalEchoRoom implements Servable {
  readonly #echo = new EchoFrames();
  readonly #agent = new RealtimeAgent({
    name: 'local',
    instructions: '',
    model: new LocalModel({
      brain: rulesBrain({ intents: [{ match: /.*/, reply: 'Sure.' }] }),
      transcriber: null,
      tts: null,
    }),
  });
  readonly events$ = merge(this.#agent.events$, this.#echo.events$);

  async start() {
    await this.#agent.start();
  }

  handleInput(event: ClientEvent) {
    this.#agent.handleInput(event);
    this.#echo.handleInput(event);
  }

  async stop() {
    await this.#echo.stop();
    await this.#agent.stop();
  }
}
