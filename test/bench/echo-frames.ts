import { base64FromBytes } from '@chorus/audio';
import {
  agentAudioDeltaOf,
  type ClientEvent,
  clientAudioBytes,
  modelAudioDeltaFromBytes,
  type ServerEvent,
} from '@chorus/protocol';
import type { Servable } from '@chorus/server';
import { Subject } from 'rxjs';

const ECHO = { agentId: 'echo', agentName: 'echo' };

/**
 * Echoes each audio frame back as an agent audio delta (the gateway's work, without a model). Audio
 * that arrived as bytes (a binary frame) goes back as bytes, as the provider adapters and the local
 * model emit their audio; audio that arrived as base64 goes back as that text.
 */
export class EchoFrames implements Servable {
  readonly #events = new Subject<ServerEvent>();
  readonly events$ = this.#events.asObservable();
  async start() {}
  handleInput(event: ClientEvent) {
    if (event.type !== 'client_audio_append') return;
    const itemId = event.event_id ?? 'i';
    const bytes = clientAudioBytes(event);
    this.#events.next(
      bytes
        ? agentAudioDeltaOf(ECHO, modelAudioDeltaFromBytes('r', itemId, event.format, bytes, base64FromBytes))
        : {
            type: 'agent_response_audio_delta',
            agent_id: ECHO.agentId,
            agent_name: ECHO.agentName,
            response_id: 'r',
            item_id: itemId,
            delta: event.audio,
            format: event.format,
          },
    );
  }
  async stop() {
    this.#events.complete();
  }
}
