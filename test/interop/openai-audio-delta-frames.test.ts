import { startFakeOpenAIRealtime } from '@chorus/fakes';
import { type OpenAIAudioDeltaFrame, readOpenAIAudioDelta } from '@chorus/protocol/openai';
import type { ResponseAudioDeltaEvent as BetaAudioDelta } from 'openai/resources/beta/realtime/realtime';
import type { ResponseAudioDeltaEvent as GaAudioDelta } from 'openai/resources/realtime/realtime';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { typecheckAgainstSdk } from './support/sdk-typecheck.js';

// The fields `readOpenAIAudioDelta` takes are exactly those of the official `openai` SDK's audio
// delta events, GA and beta: checked by the compiler (an SDK that adds or drops a field fails to
// compile here), and at run time on frames written from SDK-typed values and sent by the fake.

type ReadKeys = Exclude<keyof OpenAIAudioDeltaFrame, 'audio' | 'dialect'> | 'type' | 'delta';
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const gaKeysMatch: Same<keyof GaAudioDelta, ReadKeys> = true;
const betaKeysMatch: Same<keyof BetaAudioDelta, ReadKeys> = true;

const audio = Buffer.from(Uint8Array.from({ length: 4800 }, (_, i) => (i * 29) & 0xff));

function expectRead(frame: GaAudioDelta | BetaAudioDelta, dialect: 'ga' | 'beta'): void {
  const read = readOpenAIAudioDelta(Buffer.from(JSON.stringify(frame)));
  expect(read).toBeDefined();
  const { audio: bytes, ...fields } = read as OpenAIAudioDeltaFrame;
  expect(fields).toEqual({
    dialect,
    event_id: frame.event_id,
    response_id: frame.response_id,
    item_id: frame.item_id,
    output_index: frame.output_index,
    content_index: frame.content_index,
  });
  expect(Buffer.from(bytes).equals(Buffer.from(frame.delta, 'base64'))).toBe(true);
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('OpenAI audio delta frames read in place, against the official openai SDK types', () => {
  it('takes exactly the SDK fields of response.output_audio.delta (GA) and response.audio.delta (beta)', () => {
    expect([gaKeysMatch, betaKeysMatch]).toEqual([true, true]);
    const ga: GaAudioDelta = {
      type: 'response.output_audio.delta',
      event_id: 'event_CJ1',
      response_id: 'resp_CJ2',
      item_id: 'item_CJ3',
      output_index: 0,
      content_index: 0,
      delta: audio.toString('base64'),
    };
    const beta: BetaAudioDelta = { ...ga, type: 'response.audio.delta', output_index: 1, content_index: 2 };
    expectRead(ga, 'ga');
    expectRead(beta, 'beta');
  });

  it('reads every audio delta the fake sends, each a RealtimeServerEvent of the SDK (unverified against live traffic: no recorded OpenAI session exists here; the live service may add fields, which then take the full parse)', async () => {
    const fake = await startFakeOpenAIRealtime();
    const ws = new WebSocket(`${fake.url}?model=gpt-realtime`, {
      headers: { Authorization: 'Bearer test-key' },
    });
    stop = async () => {
      ws.terminate();
      await fake.close();
    };
    const frames: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        const type = (JSON.parse(data.toString()) as { type: string }).type;
        if (type === 'response.output_audio.delta') frames.push(data);
        if (type === 'response.done') resolve();
      });
      ws.once('open', () => {
        ws.send(
          JSON.stringify({
            type: 'conversation.item.create',
            item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
          }),
        );
        ws.send(JSON.stringify({ type: 'response.create' }));
      });
    });
    expect(frames.length).toBeGreaterThan(1);
    const parsed = frames.map((frame) => JSON.parse(frame.toString()) as GaAudioDelta);
    expect(await typecheckAgainstSdk('RealtimeServerEvent', parsed)).toEqual([]);
    for (const [i, frame] of frames.entries()) {
      expect(readOpenAIAudioDelta(frame)?.audio).toEqual(
        Buffer.from((parsed[i] as GaAudioDelta).delta, 'base64'),
      );
    }
  });
});
