import { describe, expect, it } from 'vitest';
import { TurnDetector, type TurnEvent } from './turn-detector.js';

/**
 * Feeds a pattern of 20 ms frames ('1' speech, '0' silence, 'v' voiced speech); returns the events with
 * their frame index.
 */
function run(detector: TurnDetector, pattern: string, interrupting = false): [number, TurnEvent][] {
  const events: [number, TurnEvent][] = [];
  [...pattern].forEach((flag, i) => {
    const event = detector.push(flag !== '0', i * 20, interrupting, flag === 'v');
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
      [54, { type: 'speech_stopped', audioEndMs: 1100, confirmed: true }],
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
      [40, { type: 'speech_stopped', audioEndMs: 820, confirmed: true }],
    ]);
  });

  it('ignores the start of the stream while the VAD adapts to the noise', () => {
    const detector = new TurnDetector({ frameMs: 20, minSpeechMs: 60, warmupMs: 120 });
    // the WebRTC VAD flags about the first 100 ms of a noisy stream
    expect(run(detector, `11111${'0'.repeat(20)}`)).toEqual([]);
  });

  describe('interrupt onset', () => {
    const options = {
      frameMs: 20,
      prefixPaddingMs: 0,
      silenceDurationMs: 100,
      minSpeechMs: 200,
      warmupMs: 0,
      interruptOnsetMs: 60,
    };

    it('starts after the onset while a response plays; the turn is confirmed once it reaches the minimum', () => {
      const pattern = `${'0'.repeat(5)}${'1'.repeat(15)}${'0'.repeat(5)}`;
      expect(run(new TurnDetector(options), pattern, true)).toEqual([
        // speech from 100 ms: 60 ms of it (3 frames) start the turn at 160 ms instead of 300 ms
        [7, { type: 'speech_started', audioStartMs: 100, detectedAtMs: 160 }],
        // 300 ms of speech, then 100 ms of silence
        [24, { type: 'speech_stopped', audioEndMs: 500, confirmed: true }],
      ]);
    });

    it('reports an onset that never reaches the minimum speech as unconfirmed', () => {
      // 120 ms of sound (a cough): enough to interrupt, not enough to count as speech
      const pattern = `${'0'.repeat(5)}${'1'.repeat(6)}${'0'.repeat(5)}`;
      expect(run(new TurnDetector(options), pattern, true)).toEqual([
        [7, { type: 'speech_started', audioStartMs: 100, detectedAtMs: 160 }],
        [15, { type: 'speech_stopped', audioEndMs: 320, confirmed: false }],
      ]);
    });

    it('counts voiced frames across short gaps towards the minimum', () => {
      // 100 + 120 ms of sound with a 40 ms gap: 220 ms voiced, confirmed
      const pattern = `${'0'.repeat(5)}${'1'.repeat(5)}00${'1'.repeat(6)}${'0'.repeat(5)}`;
      expect(run(new TurnDetector(options), pattern, true)).toEqual([
        [7, { type: 'speech_started', audioStartMs: 100, detectedAtMs: 160 }],
        [22, { type: 'speech_stopped', audioEndMs: 460, confirmed: true }],
      ]);
    });

    it('needs the full minimum when nothing is playing', () => {
      const pattern = `${'0'.repeat(5)}${'1'.repeat(6)}${'0'.repeat(5)}`;
      expect(run(new TurnDetector(options), pattern, false)).toEqual([]);
      const long = `${'0'.repeat(5)}${'1'.repeat(15)}${'0'.repeat(5)}`;
      expect(run(new TurnDetector(options), long, false)).toEqual([
        [14, { type: 'speech_started', audioStartMs: 100, detectedAtMs: 300 }],
        [24, { type: 'speech_stopped', audioEndMs: 500, confirmed: true }],
      ]);
    });

    it('defaults to the minimum speech and never exceeds it', () => {
      expect(new TurnDetector({ frameMs: 20 }).interruptOnsetMs).toBe(200);
      expect(
        new TurnDetector({ frameMs: 20, minSpeechMs: 100, interruptOnsetMs: 300 }).interruptOnsetMs,
      ).toBe(100);
      expect(() => new TurnDetector({ frameMs: 20, interruptOnsetMs: -5 })).toThrow(
        /interruptOnsetMs must be >= 0, got -5/,
      );
    });
  });

  describe('voiced interrupt onset', () => {
    const options = {
      frameMs: 20,
      prefixPaddingMs: 0,
      silenceDurationMs: 100,
      minSpeechMs: 200,
      warmupMs: 0,
      interruptOnsetMs: 60,
      onsetVoicedFrames: 2,
    };

    it('starts after the onset when 2 of its 3 frames are voiced', () => {
      for (const onset of ['vvv', '1vv', 'v1v', 'vv1']) {
        const pattern = `${'0'.repeat(5)}${onset}${'v'.repeat(12)}${'0'.repeat(5)}`;
        expect(run(new TurnDetector(options), pattern, true)).toEqual([
          [7, { type: 'speech_started', audioStartMs: 100, detectedAtMs: 160 }],
          [24, { type: 'speech_stopped', audioEndMs: 500, confirmed: true }],
        ]);
      }
    });

    it('does not start on a noise burst (speech flags, not voiced) shorter than the minimum speech', () => {
      // 100 ms of noise plus the VAD's hangover: 180 ms flagged, none of it voiced
      const burst = `${'0'.repeat(5)}${'1'.repeat(9)}${'0'.repeat(10)}`;
      expect(run(new TurnDetector(options), burst, true)).toEqual([]);
      // one voiced frame in three is not enough either
      const click = `${'0'.repeat(5)}1v1111${'0'.repeat(10)}`;
      expect(run(new TurnDetector(options), click, true)).toEqual([]);
    });

    it('falls back to the minimum speech when the run is not voiced', () => {
      const pattern = `${'0'.repeat(5)}${'1'.repeat(15)}${'0'.repeat(5)}`;
      expect(run(new TurnDetector(options), pattern, true)).toEqual([
        [14, { type: 'speech_started', audioStartMs: 100, detectedAtMs: 300 }],
        [24, { type: 'speech_stopped', audioEndMs: 500, confirmed: true }],
      ]);
    });

    it('starts once the last 3 frames become voiced, dated from the start of the run', () => {
      // an unvoiced 's' (80 ms) then a vowel: starts when the vowel's second frame arrives
      const pattern = `${'0'.repeat(5)}1111vv${'v'.repeat(8)}${'0'.repeat(5)}`;
      expect(run(new TurnDetector(options), pattern, true)).toEqual([
        [10, { type: 'speech_started', audioStartMs: 100, detectedAtMs: 220 }],
        // 280 ms of speech from 100 ms, then 100 ms of silence
        [23, { type: 'speech_stopped', audioEndMs: 480, confirmed: true }],
      ]);
    });

    it('forgets the voiced frames of an earlier run', () => {
      // 'vv' then silence, then unvoiced: the old flags must not complete the new onset
      const pattern = `${'0'.repeat(5)}vv${'0'.repeat(3)}1111${'0'.repeat(10)}`;
      expect(run(new TurnDetector(options), pattern, true)).toEqual([]);
    });

    it('a short voiced sound interrupts but stays unconfirmed', () => {
      const pattern = `${'0'.repeat(5)}vvv${'0'.repeat(6)}`;
      expect(run(new TurnDetector(options), pattern, true)).toEqual([
        [7, { type: 'speech_started', audioStartMs: 100, detectedAtMs: 160 }],
        [12, { type: 'speech_stopped', audioEndMs: 260, confirmed: false }],
      ]);
    });

    it('asks for voicing only where it decides something', () => {
      const detector = new TurnDetector(options);
      expect(detector.needsVoicing(true, true)).toBe(true);
      expect(detector.needsVoicing(false, true)).toBe(false);
      expect(detector.needsVoicing(true, false)).toBe(false);
      run(detector, 'vvv', true);
      expect(detector.inSpeech).toBe(true);
      expect(detector.needsVoicing(true, true)).toBe(false);
      expect(new TurnDetector({ ...options, onsetVoicedFrames: 0 }).needsVoicing(true, true)).toBe(false);
      // no shortcut: the onset is the minimum speech, the voicing cannot change anything
      expect(
        new TurnDetector({ ...options, interruptOnsetMs: 200, onsetVoicedFrames: 2 }).needsVoicing(
          true,
          true,
        ),
      ).toBe(false);
    });

    it('rejects more voiced frames than the onset holds', () => {
      expect(() => new TurnDetector({ ...options, onsetVoicedFrames: 4 })).toThrow(
        /onsetVoicedFrames must be a whole number of at most 3 \(the frames in interruptOnsetMs 60\), got 4/,
      );
      expect(() => new TurnDetector({ ...options, onsetVoicedFrames: 1.5 })).toThrow(/got 1.5/);
      expect(() => new TurnDetector({ ...options, onsetVoicedFrames: -1 })).toThrow(
        /onsetVoicedFrames must be >= 0, got -1/,
      );
    });
  });

  describe('with confirmedOnset (the speech-onset barge-in rule)', () => {
    const options = {
      frameMs: 20,
      prefixPaddingMs: 100,
      silenceDurationMs: 100,
      minSpeechMs: 100,
      warmupMs: 0,
      confirmedOnset: true,
    } as const;

    it('starts a turn on the first confirmed frame while a response plays, dated from the speech run', () => {
      // 'v' marks the frame the onset rule confirmed: the run of speech began 2 frames earlier
      expect(run(new TurnDetector(options), '0000011v11111', true)).toEqual([
        [7, { type: 'speech_started', audioStartMs: 0, detectedAtMs: 160 }],
      ]);
    });

    it('never starts a turn on the length of a sound while a response plays', () => {
      // 600 ms of VAD-flagged sound (a cough, a slam, music) with no confirmed onset: no turn
      expect(run(new TurnDetector(options), `00${'1'.repeat(30)}000000`, true)).toEqual([]);
      // the earlier rule started one after minSpeechMs
      const { confirmedOnset: _, ...earlier } = options;
      expect(run(new TurnDetector(earlier), `00${'1'.repeat(30)}000000`, true)[0]?.[0]).toBe(6);
    });

    it('starts turns as always while nothing plays', () => {
      expect(run(new TurnDetector(options), `00${'1'.repeat(10)}`)[0]).toEqual([
        6,
        { type: 'speech_started', audioStartMs: 0, detectedAtMs: 140 },
      ]);
    });

    it('a confirmed turn ends after the silence, confirmed only once minSpeechMs of speech was heard', () => {
      const short = run(new TurnDetector(options), '00v1000000', true);
      expect(short.map(([, e]) => e.type)).toEqual(['speech_started', 'speech_stopped']);
      expect(short[1]?.[1]).toMatchObject({ confirmed: false });
      const long = run(new TurnDetector(options), `00v${'1'.repeat(8)}000000`, true);
      expect(long[1]?.[1]).toMatchObject({ confirmed: true });
    });

    it('does not ask for the voicing test of the earlier rule', () => {
      expect(
        new TurnDetector({ ...options, interruptOnsetMs: 60, onsetVoicedFrames: 2 }).needsVoicing(true, true),
      ).toBe(false);
    });
  });

  it('rejects negative settings by name', () => {
    expect(() => new TurnDetector({ frameMs: 20, silenceDurationMs: -1 })).toThrow(
      /silenceDurationMs must be >= 0/,
    );
  });
});
