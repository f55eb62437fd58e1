/**
 * A reference decode for judging a constrained one: any sequence of the acoustic model's phones. Its
 * acoustic score is about the best any words could reach on the audio, so a request that scores
 * close to it fits what was said, and one far below it was forced onto sounds it does not match.
 * Each phone is a one-phone word of a tiny dictionary (`phaa AA`), so the decoder loads in a tenth of
 * the time the full dictionary takes.
 */

/** The phones of pocketsphinx's en-us model (its dictionary's phone set, fillers aside). */
export const EN_US_PHONES =
  'AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH'.split(
    ' ',
  );

const wordFor = (phone: string) => `ph${phone.toLowerCase()}`;

/** The dictionary of one-phone words. */
export function phoneLoopDictionary(phones: readonly string[] = EN_US_PHONES): string {
  return `${phones.map((p) => `${wordFor(p)} ${p}`).join('\n')}\n`;
}

/** A JSGF grammar accepting any sequence of the one-phone words. */
export function phoneLoopGrammar(phones: readonly string[] = EN_US_PHONES): string {
  return [
    '#JSGF V1.0;',
    'grammar phones;',
    'public <phones> = <phone>+;',
    `<phone> = ${phones.map(wordFor).join(' | ')};`,
    '',
  ].join('\n');
}
