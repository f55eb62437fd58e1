import { describe, expect, it } from 'vitest';
import { parseBacktrace } from './backtrace.js';
import { dictionarySubset, parseDictionaryLines } from './dictionary-subset.js';
import { phoneLoopDictionary, phoneLoopGrammar } from './phone-loop.js';

// As pocketsphinx_continuous 0.8+5prealpha logs it with `-backtrace yes` (a phrase-grammar decode).
const LOG = [
  'INFO: fsg_search.c(868): fsg 0.03 CPU 0.013 xRT',
  "INFO: pocketsphinx.c(1168): what's the weather in paris (-5744)",
  'word                 start end   pprob ascr       lscr       lback',
  '<sil>                0     28    1.000 -331       -337       1  ',
  "what's               29    59    1.000 -727       0          1  ",
  'the                  60    71    1.000 -562       0          1  ',
  '(NULL)               71    71    1.000 0          0          1  ',
  'paris(2)             109   148   1.000 -1829      0          1  ',
  '<sil>                149   194   1.000 -442       -337       1  ',
  'INFO: fsg_search.c(263): TOTAL fsg 0.03 CPU 0.013 xRT',
].join('\n');

describe('pocketsphinx backtrace', () => {
  it('sums the best path acoustic scores and tells word frames from silence', () => {
    expect(parseBacktrace(LOG)).toEqual({
      acousticScore: -331 - 727 - 562 - 1829 - 442,
      frames: 195,
      wordFrames: 31 + 12 + 40,
      words: ['<sil>', "what's", 'the', 'paris(2)', '<sil>'],
    });
  });

  it('sums every utterance when pocketsphinx split the file at a pause (frames counted from the start)', () => {
    const second = [
      'INFO: pocketsphinx.c(1168): thank you (-2100)',
      'word                 start end   pprob ascr       lscr       lback',
      '<sil>                307   320   1.000 -150       -337       1  ',
      'thank                321   345   1.000 -900       0          1  ',
      'you                  346   370   1.000 -800       0          1  ',
      '<sil>                371   400   1.000 -250       -337       1  ',
    ].join('\n');
    const both = parseBacktrace(`${LOG}\n${second}`);
    expect(both).toEqual({
      acousticScore: -331 - 727 - 562 - 1829 - 442 - 150 - 900 - 800 - 250,
      // 195 frames of the first path and 94 of the second, not the file's 401
      frames: 195 + 94,
      wordFrames: 31 + 12 + 40 + 25 + 25,
      words: ['<sil>', "what's", 'the', 'paris(2)', '<sil>', '<sil>', 'thank', 'you', '<sil>'],
    });
  });

  it('finds nothing in a log without a backtrace', () => {
    expect(parseBacktrace('INFO: nothing decoded\n')).toBeUndefined();
    expect(parseBacktrace('word start end pprob ascr lscr lback\nINFO: end\n')).toBeUndefined();
  });
});

describe('dictionaries for small decodes', () => {
  const dictionary = parseDictionaryLines('paris P EH R IH S\nparis(2) P AE R IH S\nthe DH AH\n');

  it('keeps every pronunciation of the words asked for', () => {
    expect(dictionarySubset(['paris', 'paris'], dictionary)).toBe(
      'paris P EH R IH S\nparis(2) P AE R IH S\n',
    );
    expect(dictionarySubset(['zzyzx'], dictionary)).toBeUndefined();
  });

  it('writes a phone loop of one-phone words', () => {
    expect(phoneLoopDictionary(['AA', 'B'])).toBe('phaa AA\nphb B\n');
    expect(phoneLoopGrammar(['AA', 'B'])).toContain('<phone> = phaa | phb;');
  });
});
