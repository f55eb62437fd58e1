import { describe, expect, it } from 'vitest';
import {
  agentAudioDeltaOf,
  agentAudioDeltaWith,
  audioDeltaBytes,
  audioDeltaJson,
  modelAudioDeltaFromBytes,
  relayedAudioAppend,
} from './audio-delta-bytes.js';
import { clientAudioBytes } from './client-audio-bytes.js';
import { MAX_AUDIO_BASE64_CHARS } from './limits.js';
import { parseClientEvent, parseModelEvent, parseServerEvent } from './parse.js';

const format = { type: 'audio/pcm', rate: 24000 } as const;
const bytes = new Uint8Array([0, 1, 2, 3, 254, 255]);
const text = Buffer.from(bytes).toString('base64');

function counting() {
  let calls = 0;
  const toBase64 = (audio: Uint8Array) => {
    calls++;
    return Buffer.from(audio).toString('base64');
  };
  return { toBase64, calls: () => calls };
}

describe('audio deltas that carry bytes', () => {
  it('serialize exactly as the base64 event would, encoding once, on first read', () => {
    const encoder = counting();
    const event = modelAudioDeltaFromBytes('resp_1', 'item_1', format, bytes, encoder.toBase64);
    expect(encoder.calls()).toBe(0);
    expect(audioDeltaBytes(event)).toBe(bytes);
    const plain = {
      type: 'model_response_audio_delta',
      response_id: 'resp_1',
      item_id: 'item_1',
      delta: text,
      format,
    };
    expect(JSON.stringify(event)).toBe(JSON.stringify(plain));
    expect(JSON.stringify(event)).toBe(JSON.stringify(plain));
    expect(event.delta).toBe(text);
    expect({ ...event }).toEqual(plain);
    expect(encoder.calls()).toBe(1);
    const parsed = parseModelEvent(JSON.parse(JSON.stringify(event)));
    expect(parsed.ok && parsed.event).toEqual(plain);
  });

  it('the agent mirror and a room-stamped copy keep the bytes, the key order and the one encoding', () => {
    const encoder = counting();
    const model = modelAudioDeltaFromBytes('resp_1', 'item_1', format, bytes, encoder.toBase64);
    const event = agentAudioDeltaOf({ agentId: 'a1', agentName: 'Ann' }, model);
    const plain = {
      type: 'agent_response_audio_delta',
      agent_id: 'a1',
      agent_name: 'Ann',
      response_id: 'resp_1',
      item_id: 'item_1',
      delta: text,
      format,
    };
    expect(audioDeltaBytes(event)).toBe(bytes);
    expect(audioDeltaJson(event)).toBe(JSON.stringify(plain));
    expect(JSON.stringify(event)).toBe(JSON.stringify(plain));
    expect(parseServerEvent(JSON.parse(JSON.stringify(event))).ok).toBe(true);
    const stamped = agentAudioDeltaWith(event, { room_id: 'room_1' });
    expect(audioDeltaBytes(stamped)).toBe(bytes);
    expect(audioDeltaJson(stamped)).toBe(JSON.stringify({ ...plain, room_id: 'room_1' }));
    expect(JSON.stringify(stamped)).toBe(JSON.stringify({ ...event, room_id: 'room_1' }));
    expect(model.delta).toBe(text);
    expect(encoder.calls()).toBe(1);
  });

  it('a spread copy is plain data: it has the text and no bytes, so it cannot carry stale audio', () => {
    const event = modelAudioDeltaFromBytes('resp_1', 'item_1', format, bytes, counting().toBase64);
    const copy = { ...event, delta: 'QUJD' };
    expect(audioDeltaBytes(copy)).toBeUndefined();
    expect(audioDeltaJson(copy)).toBeUndefined();
    expect(audioDeltaBytes({ ...event })).toBeUndefined();
    expect({ ...event }.delta).toBe(text);
  });

  it('the mirror of a base64 delta carries its text', () => {
    const model = {
      type: 'model_response_audio_delta',
      response_id: 'r',
      item_id: 'i',
      delta: text,
      format,
    } as const;
    const event = agentAudioDeltaOf({ agentId: 'a1', agentName: 'Ann' }, model);
    expect(event.delta).toBe(text);
    expect(audioDeltaBytes(event)).toBeUndefined();
    expect(audioDeltaJson(event)).toBeUndefined();
  });

  it('set to other audio, the event no longer hands on the bytes', () => {
    const encoder = counting();
    const event = modelAudioDeltaFromBytes('resp_1', 'item_1', format, bytes, encoder.toBase64);
    event.delta = 'QUJD';
    expect(event.delta).toBe('QUJD');
    expect(audioDeltaBytes(event)).toBeUndefined();
    expect(encoder.calls()).toBe(0);
  });

  it('an event built with base64 text carries no bytes', () => {
    expect(
      audioDeltaBytes({
        type: 'model_response_audio_delta',
        response_id: 'r',
        item_id: 'i',
        delta: text,
        format,
      }),
    ).toBeUndefined();
  });
});

describe("relayed audio appends (a room relaying one agent's audio to the others)", () => {
  const agent = { agentId: 'a1', agentName: 'Agent1' };

  it("hand the delta's bytes to the listener without encoding them", () => {
    const encoder = counting();
    const delta = agentAudioDeltaOf(
      agent,
      modelAudioDeltaFromBytes('resp_1', 'item_1', format, bytes, encoder.toBase64),
    );
    const append = relayedAudioAppend(delta);
    expect(clientAudioBytes(append)).toBe(bytes);
    expect(encoder.calls()).toBe(0);
    // What a listener that reads the text sees: the event the base64 relay made.
    expect(JSON.parse(JSON.stringify(append))).toEqual({ type: 'client_audio_append', audio: text, format });
    // Already a valid client event: parsing it again is not needed and gives the same event.
    expect(parseClientEvent(append)).toEqual({ ok: true, event: append });
  });

  it('carry base64 text as it is when the delta holds no bytes', () => {
    const delta = agentAudioDeltaOf(agent, {
      type: 'model_response_audio_delta',
      response_id: 'resp_1',
      item_id: 'item_1',
      delta: text,
      format,
    });
    const append = relayedAudioAppend(delta);
    expect(append).toEqual({ type: 'client_audio_append', audio: text, format });
    expect(clientAudioBytes(append)).toBeUndefined();
  });

  it('keep the bytes they were made from when the delta is given other audio afterwards', () => {
    const delta = agentAudioDeltaOf(
      agent,
      modelAudioDeltaFromBytes('resp_1', 'item_1', format, bytes, (b) => Buffer.from(b).toString('base64')),
    );
    const append = relayedAudioAppend(delta);
    delta.delta = 'AAAA';
    expect(append.audio).toBe(text);
    expect(clientAudioBytes(append)).toBe(bytes);
  });

  it('put audio longer than a client may send in as base64, which the listener refuses as before', () => {
    const long = new Uint8Array((MAX_AUDIO_BASE64_CHARS / 4) * 3 + 3);
    const delta = agentAudioDeltaOf(
      agent,
      modelAudioDeltaFromBytes('resp_1', 'item_1', format, long, (b) => Buffer.from(b).toString('base64')),
    );
    const append = relayedAudioAppend(delta);
    expect(append.audio).toBe(Buffer.from(long).toString('base64'));
    expect(clientAudioBytes(append)).toBeUndefined();
    const parsed = parseClientEvent(append);
    expect(parsed.ok ? undefined : parsed.error.message).toMatch(/too long/);
  });
});
