/**
 * What pocketsphinx's `-backtrace yes` logs after a decode: one row per word of the best path, with
 * its frames and acoustic score, e.g.
 *
 *     word                 start end   pprob ascr       lscr       lback
 *     <sil>                0     28    1.000 -331       -337       1
 *     what's               29    59    1.000 -727       0          1
 *
 * The acoustic score is how well the sounds fit the path's phones (log scale, higher is better),
 * without the language model's or grammar's share, so two decodes of the same audio can be compared.
 */
export interface Backtrace {
  /** Sum of the rows' acoustic scores. */
  readonly acousticScore: number;
  /** Frames (10 ms) the path covers. */
  readonly frames: number;
  /** Frames the path gives to words, not to silence or noise fillers (`<sil>`, `[NOISE]`). */
  readonly wordFrames: number;
  /** The path's words as the dictionary spells them (alternates as `word(2)`, fillers included). */
  readonly words: readonly string[];
}

const HEADER = /^word\s+start\s+end\s+pprob\s+ascr\s+lscr\s+lback\s*$/;

/**
 * The backtrace of a pocketsphinx log, over every utterance in it; undefined when it has none (nothing
 * decoded). `pocketsphinx_continuous -infile` splits a file at its pauses and logs one backtrace per
 * part, with frame numbers counted from the file's start: the scores and word frames of all parts are
 * summed and `frames` is what the parts' paths cover, so a fit per frame weighs every part.
 */
export function parseBacktrace(log: string): Backtrace | undefined {
  const lines = log.split('\n');
  let acousticScore = 0;
  let frames = 0;
  let wordFrames = 0;
  const words: string[] = [];
  for (let header = 0; header < lines.length; header++) {
    if (!HEADER.test((lines[header] ?? '').trim())) continue;
    let first = Number.POSITIVE_INFINITY;
    let last = -1;
    for (const line of lines.slice(header + 1)) {
      const [word, start, end, , ascr, ...rest] = line.trim().split(/\s+/);
      if (!word || rest.length !== 2 || !/^-?\d+$/.test(ascr ?? '') || !/^\d+$/.test(end ?? '')) break;
      acousticScore += Number(ascr);
      first = Math.min(first, Number(start));
      last = Math.max(last, Number(end));
      if (!/^[<[(]/.test(word)) wordFrames += Number(end) - Number(start) + 1;
      if (word !== '(NULL)') words.push(word);
    }
    if (last >= first) frames += last - first + 1;
  }
  return words.length === 0 ? undefined : { acousticScore, frames, wordFrames, words };
}
