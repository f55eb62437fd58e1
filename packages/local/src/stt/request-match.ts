import { normalizeUtterance } from '../brain/rules-brain.js';

/** Levenshtein distance over two sequences, as a similarity: 1 minus distance over the longer length. */
export function editSimilarity<T>(x: ArrayLike<T>, y: ArrayLike<T>): number {
  const longest = Math.max(x.length, y.length);
  if (longest === 0) return 0;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1);
    }
    previous = current;
  }
  return 1 - (previous[y.length] ?? longest) / longest;
}

/**
 * How alike two texts are spelled, 0 to 1, letters only ("what's not where I'm in London" and
 * "what's the weather in london" are close): the measure when no pronunciation dictionary is at hand.
 */
export function letterSimilarity(a: string, b: string): number {
  const letters = (text: string) => normalizeUtterance(text).replace(/[^a-z]/g, '');
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
