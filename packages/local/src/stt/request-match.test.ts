import { describe, expect, it } from 'vitest';
import { chooseFromHeard, type HeardChoiceContext } from './moonshine.js';
import { editSimilarity, letterSimilarity, nearestRequest } from './request-match.js';

describe('matching what was heard to the room requests', () => {
  it('measures edit similarity over any sequence', () => {
    expect(editSimilarity('abc', 'abc')).toBe(1);
    expect(editSimilarity('abcd', 'abxd')).toBe(0.75);
    expect(editSimilarity(['a', 'b'], [])).toBe(0);
    expect(editSimilarity('', '')).toBe(0);
  });

  it('compares spelling only, ignoring case, spaces and punctuation', () => {
    expect(letterSimilarity("What's the weather in London?", 'whats the weather in london')).toBe(1);
    expect(
      letterSimilarity("What's not where I'm in London?", "what's the weather in london"),
    ).toBeGreaterThan(0.6);
    expect(letterSimilarity('The quick brown fox', "what's the weather in london")).toBeLessThan(0.4);
  });

  it('finds the nearest request, or none when there are no requests', () => {
    const requests = ['i need help with billing', "what's the weather in paris", 'thank you'];
    expect(nearestRequest('I need help with bill Inc.', requests, letterSimilarity)?.request).toBe(
      'i need help with billing',
    );
    expect(nearestRequest('anything', [], letterSimilarity)).toBeUndefined();
  });
});

describe('chooseFromHeard', () => {
  const intents: Record<string, number> = { weather: 0, billing: 1 };
  const context: HeardChoiceContext = {
    rank: (text) => {
      const lower = text.toLowerCase();
      if (lower.includes('weather in')) return intents.weather;
      if (lower.includes('billing')) return intents.billing;
      return undefined;
    },
    phrases: ["what's the weather in paris", 'i need help with billing'],
    similarity: letterSimilarity,
    minSimilarity: 0.5,
    accepts: (decodes) => (decodes.fit ?? -99) >= -3,
  };

  it('keeps the heard text when the brain understands it', () => {
    expect(chooseFromHeard('I need help with billing.', undefined, context)).toEqual({
      text: 'I need help with billing.',
      heard: 'I need help with billing.',
      by: 'heard',
    });
  });

  it('takes the nearest request when the heard text is close to it', () => {
    const choice = chooseFromHeard("What's not where I'm in Paris?", undefined, context);
    expect(choice).toMatchObject({ text: "what's the weather in paris", by: 'nearest request' });
  });

  it("falls back to the request grammar's answer only when it fits the audio", () => {
    const heard = 'Bob said so';
    const fits = { open: '', constrained: 'i need help with billing', fit: 1, coverage: 1 };
    expect(chooseFromHeard(heard, fits, context)).toMatchObject({
      text: fits.constrained,
      by: 'request grammar',
    });
    expect(chooseFromHeard(heard, { ...fits, fit: -8 }, context)).toMatchObject({ text: heard, by: 'heard' });
  });

  it('leaves a free sentence as heard', () => {
    const heard = 'The quick brown fox jumps over the lazy dog.';
    expect(chooseFromHeard(heard, undefined, context)).toEqual({ text: heard, heard, by: 'heard' });
  });

  it('makes no choice without a rank', () => {
    const { rank: _rank, ...withoutRank } = context;
    expect(chooseFromHeard("What's not where I'm in Paris?", undefined, withoutRank).by).toBe('heard');
  });
});
