/** Pronunciations: a word's phones (its first pronunciation in the dictionary). */
export type Pronunciations = ReadonlyMap<string, readonly string[]>;

/** Reads a CMU-style dictionary (`word PH ON ES`, alternates as `word(2)`), keeping the first of each. */
export function parsePronunciations(text: string): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    const head = parts[0];
    if (!head || parts.length < 2 || head.includes('(')) continue;
    if (!map.has(head)) map.set(head, parts.slice(1));
  }
  return map;
}

function phonesOf(text: string, dictionary: Pronunciations): string[] {
  const phones: string[] = [];
  for (const word of text.toLowerCase().split(/\s+/)) {
    const known = dictionary.get(word);
    if (known) phones.push(...known);
  }
  return phones;
}

/**
 * How alike two transcripts sound, 0 to 1: one minus the phone-level edit distance over the longer
 * phone string. "what's not whether we there is" and "what's the weather in paris" are close ("whether"
 * and "weather" are the same phones); a sentence forced onto an unrelated request is not.
 */
export function phoneSimilarity(a: string, b: string, dictionary: Pronunciations): number {
  const x = phonesOf(a, dictionary);
  const y = phonesOf(b, dictionary);
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
