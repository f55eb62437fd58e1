import { normalizeUtterance } from '../brain/rules-brain.js';

/**
 * A heard word at least this like a slot value of the request may be a mishearing of it. At 0.4 by
 * sound "Parma" passed for Paris and "Lund" for London.
 */
const MIN_SLOT_LIKENESS = 0.7;

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];

/**
 * A text as the brain's examples spell it: lowercase words without punctuation, small numbers and
 * times in words ("2pm", "3 p.m." -> "two pm", "three pm"), as a recogniser that writes digits
 * ("Book at 2pm.") must be compared with "book an appointment tomorrow at two pm".
 */
export function spokenForm(text: string): string {
  return normalizeUtterance(
    text
      .toLowerCase()
      .replace(/\b([ap])\.\s?m\b\.?/g, '$1m')
      .replace(/\b(\d{1,2})\s*([ap]m)\b/g, '$1 $2')
      .replace(/\b(\d{1,2})\b/g, (digits: string) => NUMBER_WORDS[Number(digits)] ?? digits),
  );
}

/** Levenshtein distance between two sequences (letters, phones, words). */
export function editDistance<T>(x: ArrayLike<T>, y: ArrayLike<T>): number {
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1);
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** {@link editDistance} as a similarity: 1 minus the distance over the longer length (0 for two empty). */
export function editSimilarity<T>(x: ArrayLike<T>, y: ArrayLike<T>): number {
  const longest = Math.max(x.length, y.length);
  return longest === 0 ? 0 : 1 - editDistance(x, y) / longest;
}

/**
 * How alike two texts are spelled, 0 to 1, letters only ("what's not where I'm in London" and
 * "what's the weather in london" are close): the measure when no pronunciation dictionary is at hand.
 */
export function letterSimilarity(a: string, b: string): number {
  const letters = (text: string) => spokenForm(text).replace(/[^a-z]/g, '');
  return editSimilarity(letters(a), letters(b));
}

/** The request most like `text` and how alike they are (0 when there are no requests). */
export function nearestRequest(
  text: string,
  requests: readonly string[],
  similarity: (text: string, request: string) => number,
): { readonly request: string; readonly similarity: number } | undefined {
  let best: { request: string; similarity: number } | undefined;
  for (const request of requests) {
    const score = similarity(text, request);
    if (!best || score > best.similarity) best = { request, similarity: score };
  }
  return best;
}

/**
 * The slot values of a set of requests: words in which two requests of the same length differ, and
 * only there ("what's the weather in paris" and "... in london": `paris`, `london`). Keywords every
 * request of its kind shares ("weather") are not slots.
 */
export function slotValues(requests: readonly string[]): Set<string> {
  const slots = new Set<string>();
  const split = requests.map((r) => normalizeUtterance(r).split(' ').filter(Boolean));
  for (let a = 0; a < split.length; a++)
    for (let b = a + 1; b < split.length; b++) {
      const x = split[a] ?? [];
      const y = split[b] ?? [];
      // One-word requests ("hello", "thanks") differ in their only word: that is no slot.
      if (x.length !== y.length || x.length < 2) continue;
      const differ = x.flatMap((word, k) => (word === y[k] ? [] : [k]));
      if (differ.length !== 1) continue;
      const k = differ[0] ?? 0;
      slots.add(x[k] ?? '');
      slots.add(y[k] ?? '');
    }
  slots.delete('');
  return slots;
}

/** What {@link keepSlots} needs to know of the listener. */
export interface SlotContext {
  /** The requests' slot values ({@link slotValues}). */
  readonly slots: ReadonlySet<string>;
  /** Every word the listener knows (its vocabulary, slot values included). */
  readonly vocabulary: ReadonlySet<string>;
  /** How alike two words are, 0-1. */
  readonly alike: (a: string, b: string) => number;
}

/**
 * The request with the listener's own slot values put back, or undefined when taking it would change
 * one. Word for word: where the heard text has a known word in place of a slot value of the request,
 * the heard word stays ("What's the whether in Berlin?" near "what's the weather in paris" gives
 * "what's the weather in berlin"); where it has an unknown word unlike the slot value ("Stockholm" for
 * "paris" when the listener knows no Stockholm), the request would answer for the wrong city, so there is
 * none. Other differences take the request's words ("not where I'm" for "the weather").
 */
export function keepSlots(heard: string, request: string, context: SlotContext): string | undefined {
  const said = spokenForm(heard).split(' ').filter(Boolean);
  const words = spokenForm(request).split(' ').filter(Boolean);
  if (said.length === 0) return undefined;
  // Word-level edit distance with the table kept, to walk back the alignment.
  const rows = said.length + 1;
  const cols = words.length + 1;
  const cost = new Uint16Array(rows * cols);
  for (let i = 0; i < rows; i++) cost[i * cols] = i;
  for (let j = 0; j < cols; j++) cost[j] = j;
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      const same = said[i - 1] === words[j - 1] ? 0 : 1;
      cost[i * cols + j] = Math.min(
        (cost[(i - 1) * cols + j - 1] ?? 0) + same,
        (cost[(i - 1) * cols + j] ?? 0) + 1,
        (cost[i * cols + j - 1] ?? 0) + 1,
      );
    }
  const out = [...words];
  let i = said.length;
  let j = words.length;
  while (i > 0 && j > 0) {
    const here = cost[i * cols + j] ?? 0;
    const h = said[i - 1] ?? '';
    const w = words[j - 1] ?? '';
    if (here === (cost[(i - 1) * cols + j - 1] ?? 0) + (h === w ? 0 : 1)) {
      if (h !== w && context.slots.has(w)) {
        if (context.vocabulary.has(h)) {
          if (!words.includes(h)) out[j - 1] = h;
        } else if (context.alike(h, w) < MIN_SLOT_LIKENESS) return undefined;
      }
      i--;
      j--;
    } else if (here === (cost[(i - 1) * cols + j] ?? 0) + 1) i--;
    else {
      // A slot value of the request with nothing heard for it: the request would add a city unsaid.
      if (context.slots.has(words[j - 1] ?? '')) return undefined;
      j--;
    }
  }
  // Request words before the first heard one are unheard too.
  for (let k = 0; k < j; k++) if (context.slots.has(words[k] ?? '')) return undefined;
  return out.join(' ');
}
