// A sentence ends at . ! ? or a newline, followed by whitespace. A dot between digits ("2.5") or after
// a one-letter initial is not an end, which keeps "Dr. No" together well enough for speech.
const SENTENCE_END = /([.!?]+["')\]]*|\n)(\s+)/g;

/**
 * Cuts streamed text into sentences as soon as each one is complete, so the first sentence can be
 * spoken while the rest is still being generated.
 */
export class SentenceSplitter {
  private buffer = '';

  /** Adds text; returns the sentences it completed (trimmed, non-empty). */
  push(text: string): string[] {
    this.buffer += text;
    const sentences: string[] = [];
    let start = 0;
    SENTENCE_END.lastIndex = 0;
    for (let m = SENTENCE_END.exec(this.buffer); m; m = SENTENCE_END.exec(this.buffer)) {
      const end = m.index + (m[1]?.length ?? 0);
      const candidate = this.buffer.slice(start, end);
      if (
        /(^|\s)[A-Z]\.$/.test(candidate) ||
        (/\d\.$/.test(candidate) && /^\d/.test(this.buffer.slice(SENTENCE_END.lastIndex)))
      ) {
        continue;
      }
      const sentence = candidate.trim();
      if (sentence) sentences.push(sentence);
      start = SENTENCE_END.lastIndex;
    }
    this.buffer = this.buffer.slice(start);
    return sentences;
  }

  /** Whatever is left once the text is complete. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest ? [rest] : [];
  }
}
