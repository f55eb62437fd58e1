import { describe, expect, it } from 'vitest';
import { TurnDetector, type TurnEvent } from './turn-detector.js';

/** Feeds a pattern of 20 ms frames ('1' speech, '0' silence); returns the events with their frame index. */
function run(detector: TurnDetector, pattern: string): [number, TurnEvent][] {
  const events: [number, TurnEvent][] = [];
  [...pattern].forEach((flag, i) => {
    const event = detector.push(flag === '1', i * 20);
    if (event) events.push([i, event]);
  });
  return events;
}

describe('TurnDetector', () => {
  it('starts after the minimum speech, dated back by the prefix padding, and stops after the silence', () => {
    const detector = new TurnDetector({
      frameMs: 20,
      prefixPaddingMs: 200,
      silenceDurationMs: 100,
      minSpeechMs: 100,
      warmupMs: 0,
    });
    const pattern = `${'0'.repeat(20)}${'1'.repeat(30)}${'0'.repeat(10)}`;
    expect(run(detector, pattern)).toEqual([
      // speech from 400 ms; 100 ms of it are needed, so the start is known at 500 ms and dated 400 - 200
      [24, { type: 'speech_started', audioStartMs: 200, detectedAtMs: 500 }],
      // speech ends at 1000 ms; 100 ms of silence later the turn is over
      [54, { type: 'speech_stopped', audioEndMs: 1100 }],
    ]);
  });

  it('ignores blips shorter than the minimum speech and gaps shorter than the silence', () => {
    const detector = new TurnDetector({
      frameMs: 20,
      prefixPaddingMs: 0,
      silenceDurationMs: 200,
      minSpeechMs: 100,
      warmupMs: 0,
    });
    const pattern = `0011110${'0'.repeat(5)}${'1'.repeat(10)}000001111${'0'.repeat(12)}`;
    expect(run(detector, pattern)).toEqual([
      [16, { type: 'speech_started', audioStartMs: 240, detectedAtMs: 340 }],
      [40, { type: 'speech_stopped', audioEndMs: 820 }],
    ]);
  });

  it('ignores the start of the stream while the VAD adapts to the noise', () => {
    const detector = new TurnDetector({ frameMs: 20, minSpeechMs: 60, warmupMs: 120 });
    // the WebRTC VAD flags about the first 100 ms of a noisy stream
    expect(run(detector, `11111${'0'.repeat(20)}`)).toEqual([]);
  });

  it('rejects negative settings by name', () => {
    expect(() => new TurnDetector({ frameMs: 20, silenceDurationMs: -1 })).toThrow(
      /silenceDurationMs must be >= 0/,
    );
  });
});
