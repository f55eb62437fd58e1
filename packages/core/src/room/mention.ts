/**
 * Finds which of `names` are addressed in `text`: case-insensitive, whole words only (so `Ann` is
 * not found in `Annabel` and `Agent1` not in `Agent10`), letters and digits of any script counting
 * as word characters. Returns the indices into `names`, in the order each name first appears.
 */
export function findMentions(text: string, names: readonly string[]): number[] {
  const found: { index: number; at: number }[] = [];
  names.forEach((name, index) => {
    const trimmed = name.trim();
    if (trimmed === '') return;
    const at = text.search(mentionPattern(trimmed));
    if (at >= 0) found.push({ index, at });
  });
  return found.sort((a, b) => a.at - b.at || a.index - b.index).map((f) => f.index);
}

function mentionPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'iu');
}
