import { agentAudioDeltaOf, modelAudioDeltaFromBytes, type ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { agentDeltaFrame, BinaryAudioKind, encodeBinaryAudio } from '../src/binary-audio.js';

type Delta = Extract<ServerEvent, { type: 'agent_response_audio_delta' }>;

function delta(audio: Uint8Array | string, ids: Partial<Delta> = {}): Delta {
  return {
    type: 'agent_response_audio_delta',
    agent_id: 'a1',
    agent_name: 'Max',
    response_id: 'resp_1',
    item_id: 'item_1',
    delta: typeof audio === 'string' ? audio : Buffer.from(audio).toString('base64'),
    format: { type: 'audio/pcm', rate: 24000 },
    ...ids,
  };
}

/** What the gateway sent before frames were shared: decode the base64, then frame it. */
function reference(event: Delta): Uint8Array {
  return encodeBinaryAudio(BinaryAudioKind.agentDelta, event.format, Buffer.from(event.delta, 'base64'), {
    agent_id: event.agent_id,
    agent_name: event.agent_name,
    response_id: event.response_id,
    item_id: event.item_id,
  });
}

describe('agentDeltaFrame', () => {
  it('writes the same bytes as decoding the base64 and framing it, for any length and ids', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed;
    };
    for (let n = 0; n < 200; n++) {
      const audio = Uint8Array.from({ length: next() % 2000 }, () => next() & 0xff);
      const event = delta(audio, {
        agent_name: n % 3 === 0 ? 'Zoë "the voice" \u2603' : `agent ${n}`,
        item_id: `item_${next()}`,
        format: n % 2 ? { type: 'audio/pcmu', rate: 8000 } : { type: 'audio/pcm', rate: 24000 },
      });
      expect(Buffer.from(agentDeltaFrame(event))).toEqual(Buffer.from(reference(event)));
    }
  });

  it('keeps what the lenient decoder keeps from text that is not base64', () => {
    for (const text of ['AAEC', 'AAE=', 'AA==', 'A', 'AAECAw', '!!!!', 'AA EC', '']) {
      const event = delta(text);
      expect(Buffer.from(agentDeltaFrame(event))).toEqual(Buffer.from(reference(event)));
    }
  });

  it('frames an event once for every member of its room, and a new event anew', () => {
    const first = delta(new Uint8Array([1, 2, 3, 4]));
    const second = delta(new Uint8Array([1, 2, 3, 4]));
    const frame = agentDeltaFrame(first);
    expect(agentDeltaFrame(first)).toBe(frame);
    expect(agentDeltaFrame(second)).not.toBe(frame);
    expect(Buffer.from(agentDeltaFrame(second))).toEqual(Buffer.from(frame));
  });

  it('copies audio the agent holds as bytes into the frame without making its base64', () => {
    let encoded = 0;
    const toBase64 = (bytes: Uint8Array) => {
      encoded++;
      return Buffer.from(bytes).toString('base64');
    };
    for (const length of [0, 1, 5, 960, 4800]) {
      const audio = Uint8Array.from({ length }, (_, i) => (i * 31) & 0xff);
      const model = modelAudioDeltaFromBytes(
        'resp_1',
        'item_1',
        { type: 'audio/pcm', rate: 24000 },
        audio,
        toBase64,
      );
      const event = agentAudioDeltaOf({ agentId: 'a1', agentName: 'Max' }, model) as Delta;
      const frame = agentDeltaFrame(event);
      expect(encoded).toBe(0);
      expect(Buffer.from(frame)).toEqual(Buffer.from(reference(delta(audio))));
    }
  });
});
