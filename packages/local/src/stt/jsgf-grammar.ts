// Words every spoken request tends to contain, so a grammar built from a few keywords still has
// somewhere to put the rest of the sentence instead of forcing it onto a keyword.
const COMMON_WORDS = (
  'a an the i me my you your we it is are am be to at in on of for with and or not no yes please ' +
  'thanks thank hello hi hey okay can could would will like want need help what when where who how ' +
  "one two three four five six seven eight nine ten eleven twelve fifteen thirty forty fifty o'clock " +
  'am pm today tomorrow morning afternoon evening night monday tuesday wednesday thursday friday ' +
  'saturday sunday this that there here do does did get make book check tell about'
).split(' ');

const PHRASE_WEIGHT = 10;

/**
 * A JSGF grammar that accepts any sequence of the given words and phrases: phrases weighted up so
 * that a whole keyword phrase wins over a scatter of single words. Only words the recogniser's
 * dictionary knows are kept (an unknown word makes pocketsphinx reject the grammar).
 */
export function buildJsgfGrammar(
  vocabulary: readonly string[],
  knows: (word: string) => boolean,
): string | undefined {
  const words = new Set<string>();
  const phrases = new Set<string>();
  const add = (entry: string) => {
    const tokens = entry.toLowerCase().split(/\s+/).filter(Boolean);
    if (tokens.length === 0 || !tokens.every((t) => /^[a-z][a-z']*$/.test(t) && knows(t))) return;
    if (tokens.length > 1) phrases.add(tokens.join(' '));
    for (const t of tokens) words.add(t);
  };
  for (const entry of vocabulary) add(entry);
  if (words.size === 0) return undefined;
  for (const word of COMMON_WORDS) add(word);
  const alternatives = [
    ...[...phrases].map((p) => `/${PHRASE_WEIGHT}/ ${p}`),
    ...[...words].map((w) => `/1/ ${w}`),
  ];
  return [
    '#JSGF V1.0;',
    'grammar chorus;',
    'public <utterance> = <word>+;',
    `<word> = ${alternatives.join(' | ')};`,
    '',
  ].join('\n');
}

/**
 * A JSGF grammar that accepts exactly one of the given requests. It forces whatever was said onto
 * one of them, so its result is only worth keeping when it sounds like what an open decode heard.
 */
export function buildPhraseGrammar(
  phrases: readonly string[],
  knows: (word: string) => boolean,
): string | undefined {
  const kept = new Set<string>();
  for (const phrase of phrases) {
    const tokens = phrase.toLowerCase().split(/\s+/).filter(Boolean);
    if (tokens.length > 0 && tokens.every((t) => /^[a-z][a-z']*$/.test(t) && knows(t)))
      kept.add(tokens.join(' '));
  }
  if (kept.size === 0) return undefined;
  return ['#JSGF V1.0;', 'grammar chorus;', `public <utterance> = ${[...kept].join(' | ')};`, ''].join('\n');
}
