/**
 * Cuts an assistant transcript to the part the listener heard. Providers give no word timings, so
 * the cut is proportional: a listener who heard 40% of the audio heard about 40% of the words. The
 * cut moves back to the end of the last whole word, so no half word is kept.
 */
export function truncateToHeard(text: string, heardMs: number, totalMs: number): string {
  if (totalMs <= 0 || heardMs >= totalMs) return text;
  if (heardMs <= 0) return '';
  const cut = Math.floor((text.length * heardMs) / totalMs);
  if (cut >= text.length) return text;
  // Keep a word that ends exactly at the cut; otherwise drop the partial word.
  const atBoundary = cut === 0 || /\s/.test(text.charAt(cut));
  const kept = atBoundary ? text.slice(0, cut) : text.slice(0, cut).replace(/\S+$/, '');
  return kept.trimEnd();
}

/**
 * The position to truncate an interrupted item to: what the client reported playing, when it
 * reported, else the audio actually sent. Never more than was sent (a client cannot have played
 * audio it never got) and never negative.
 */
export function heardPositionMs(sentMs: number, playbackMs: number | undefined): number {
  const heard = playbackMs === undefined ? sentMs : Math.min(playbackMs, sentMs);
  return Math.max(0, Math.round(heard));
}
