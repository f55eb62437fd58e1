/**
 * A pronunciation dictionary cut down to the words a grammar uses. pocketsphinx spends most of a
 * short decode loading its 130,000-word dictionary; a grammar of a room's requests needs a few dozen
 * words, and with only those a decode starts in a fraction of the time.
 */

/** A CMU-style dictionary's lines by word, alternates (`paris(2)`) kept with their word. */
export type DictionaryLines = ReadonlyMap<string, readonly string[]>;

export function parseDictionaryLines(text: string): Map<string, readonly string[]> {
  const map = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const head = line.split(/\s+/, 1)[0];
    if (!head || !/\s/.test(line)) continue;
    const word = head.replace(/\(\d+\)$/, '');
    const lines = map.get(word) ?? [];
    lines.push(line);
    map.set(word, lines);
  }
  return map;
}

/** The dictionary text for `words` (every pronunciation of each); undefined when one is unknown. */
export function dictionarySubset(words: Iterable<string>, dictionary: DictionaryLines): string | undefined {
  const out: string[] = [];
  for (const word of new Set(words)) {
    const lines = dictionary.get(word);
    if (!lines) return undefined;
    out.push(...lines);
  }
  return `${out.join('\n')}\n`;
}
