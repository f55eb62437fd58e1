import { describe, expect, it } from 'vitest';
import { chooseFromHeard, type HeardChoiceContext } from './moonshine.js';
import {
  editSimilarity,
  keepSlots,
  letterSimilarity,
  nearestRequest,
  slotValues,
  spokenForm,
} from './request-match.js';

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

describe('slot values and keepSlots', () => {
  const requests = [
    "what's the weather in paris",
    "what's the weather in london",
    'i need help with billing',
  ];
  const slots = slotValues(requests);
  const context = {
    slots,
    vocabulary: new Set([...slots, 'berlin', 'weather', 'billing']),
    alike: letterSimilarity,
  };

  it('finds the words in which requests of one kind differ, not the keywords they share', () => {
    expect([...slots].sort()).toEqual(['london', 'paris']);
    // One-word requests differ in their only word, which is no slot.
    expect(slotValues(['hello', 'hi', 'thanks']).size).toBe(0);
  });

  it('compares times and small numbers as the examples spell them', () => {
    expect(spokenForm('Book an appointment tomorrow at 2pm.')).toBe('book an appointment tomorrow at two pm');
    expect(spokenForm('at 3 p.m.')).toBe('at three pm');
    const booking = {
      slots: slotValues(['book at two pm', 'book at three pm']),
      vocabulary: new Set(['two', 'three']),
      alike: letterSimilarity,
    };
    expect(keepSlots('Book at 3 p.m.', 'book at two pm', booking)).toBe('book at three pm');
  });

  it("keeps a vocabulary word heard in place of the request's", () => {
    expect(keepSlots("What's the whether in Berlin?", "what's the weather in paris", context)).toBe(
      "what's the weather in berlin",
    );
  });

  it("takes the request's words everywhere else", () => {
    expect(keepSlots("What's not where I'm in Paris?", "what's the weather in paris", context)).toBe(
      "what's the weather in paris",
    );
  });

  it('gives no request when a word outside the vocabulary stands where the request has a slot value', () => {
    // Answering for Paris to a question about Stockholm would be worse than not understanding it.
    expect(
      keepSlots("What's the weather in Stockholm?", "what's the weather in paris", context),
    ).toBeUndefined();
    // Nor a city only the request has, nor anything when nothing was heard.
    expect(keepSlots("What's not where I'm in?", "what's the weather in paris", context)).toBeUndefined();
    expect(keepSlots('', "what's the weather in paris", context)).toBeUndefined();
    // A different city that only sounds a little alike is still a different city.
    expect(keepSlots("What's the weather in Parma?", "what's the weather in paris", context)).toBeUndefined();
    // Spelled like the slot value, it may be a mishearing of it.
    expect(keepSlots("What's the weather in Pariss?", "what's the weather in paris", context)).toBe(
      "what's the weather in paris",
    );
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
    phrases: ["what's the weather in paris", "what's the weather in london", 'i need help with billing'],
    vocabulary: ['paris', 'berlin', 'billing'],
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

  it('answers for the city that was heard, not the one in the nearest request', () => {
    expect(chooseFromHeard("What's the whether in Berlin?", undefined, context)).toMatchObject({
      text: "what's the weather in berlin",
      by: 'nearest request',
    });
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

  it('takes a fitting request the brain understands better than what was heard', () => {
    const weatherAnywhere = {
      ...context,
      rank: (text: string) => (/weather in paris/i.test(text) ? 0 : /weather/i.test(text) ? 1 : undefined),
    };
    const decodes = { open: '', constrained: "what's the weather in paris", fit: 6, coverage: 1 };
    expect(chooseFromHeard("What's the weather in Pears?", decodes, weatherAnywhere)).toMatchObject({
      text: "what's the weather in paris",
      by: 'request grammar',
    });
    // Not when it does not fit the audio, nor when the heard text is understood as well.
    expect(chooseFromHeard("What's the weather in Pears?", { ...decodes, fit: -9 }, weatherAnywhere).by).toBe(
      'heard',
    );
    expect(chooseFromHeard("What's the weather in Paris?", decodes, weatherAnywhere).by).toBe('heard');
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
