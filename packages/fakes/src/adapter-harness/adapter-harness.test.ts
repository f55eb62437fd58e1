import { parseOpenAIServerEvent } from '@chorus/protocol/openai';
import { describe, expect, it } from 'vitest';
import type { FakeFrame } from '../openai/types.js';
import { invalidFrames } from './invalid-frames.js';
import { pcm16, pcm16Frames } from './pcm16.js';

function frame(raw: string): FakeFrame {
  return { connectionId: 1, raw, event: undefined };
}

describe('invalidFrames', () => {
  it('names refused and unknown frames and passes valid ones', () => {
    const valid = frame(JSON.stringify({ type: 'input_audio_buffer.cleared', event_id: 'e1' }));
    const unknown = frame(JSON.stringify({ type: 'made.up', event_id: 'e2' }));
    const broken = frame('{not json');
    expect(invalidFrames([valid], parseOpenAIServerEvent)).toEqual([]);
    const problems = invalidFrames([valid, unknown, broken], parseOpenAIServerEvent);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe(`unknown event: ${unknown.raw}`);
    expect(problems[1]).toMatch(/^\(root\): frame is not valid JSON .*: \{not json$/);
  });
});

describe('pcm16', () => {
  it('makes silence or a loud tone of the asked length, split into 20 ms frames', () => {
    const silence = pcm16(30, 16000, false);
    expect(silence.length).toBe(960);
    expect(silence.every((b) => b === 0)).toBe(true);
    const tone = new Int16Array(pcm16(10, 16000, true).buffer);
    expect(Math.max(...tone)).toBeGreaterThan(11_000);
    expect(pcm16Frames(silence, 16000).map((f) => f.length)).toEqual([640, 320]);
  });
});
