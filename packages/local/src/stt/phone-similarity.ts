import { normalizeUtterance } from '../brain/rules-brain.js';
import { editSimilarity } from './request-match.js';

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
  for (const word of normalizeUtterance(text).split(' ')) {
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
  return editSimilarity(phonesOf(a, dictionary), phonesOf(b, dictionary));
}
