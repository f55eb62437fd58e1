import { describe, expect, it } from 'vitest';
import { buildJsgfGrammar, buildPhraseGrammar } from './jsgf-grammar.js';
import { parsePronunciations, phoneSimilarity } from './phone-similarity.js';
import { chooseTranscript, parsePocketsphinxOutput } from './pocketsphinx.js';

describe('pocketsphinx output', () => {
  it('reads pocketsphinx_continuous lines and the JSON lines of pocketsphinx 5 `single`', () => {
    expect(parsePocketsphinxOutput('continuous', 'book an appointment\ntomorrow at two pm\n')).toBe(
      'book an appointment tomorrow at two pm',
    );
    expect(
      parsePocketsphinxOutput(
        'single',
        '{"b":0.0,"d":1.2,"p":1.0,"t":"book an appointment","w":[]}\nnot json\n',
      ),
    ).toBe('book an appointment');
  });
});

describe('JSGF grammar from a vocabulary', () => {
  it('weights phrases over words and keeps only words the dictionary knows', () => {
    const known = new Set(['book', 'an', 'appointment', 'paris', 'the', 'a']);
    const grammar = buildJsgfGrammar(['book an appointment', 'paris', 'zzyzx'], (w) => known.has(w));
    expect(grammar).toBe(
      '#JSGF V1.0;\ngrammar chorus;\npublic <utterance> = <word>+;\n' +
        '<word> = /10/ book an appointment | /1/ book | /1/ an | /1/ appointment | /1/ paris | /1/ a | /1/ the;\n',
    );
    expect(buildJsgfGrammar(['zzyzx'], (w) => known.has(w))).toBeUndefined();
  });
});

describe('choosing between the open and the constrained decode', () => {
  const dictionary = parsePronunciations(
    [
      "what's W AH T S",
      'the DH AH',
      'not N AA T',
      'weather W EH DH ER',
      'whether W EH DH ER',
      'in IH N',
      'we W IY',
      'there DH EH R',
      'is IH Z',
      'paris P EH R IH S',
      'please P L IY Z',
      'hello HH AH L OW',
      'quick K W IH K',
      'brown B R AW N',
      'fox F AA K S',
    ].join('\n'),
  );
  const rank = (text: string) => (/weather in \w+/.test(text) ? 0 : /hello/.test(text) ? 1 : undefined);
  const similar = (a: string, b: string) => phoneSimilarity(a, b, dictionary) >= 0.5;

  it('keeps a constrained request that sounds like what the open decode heard', () => {
    expect(
      chooseTranscript("what's not whether we there is", "what's the weather in paris", rank, similar),
    ).toBe("what's the weather in paris");
  });

  it('keeps the open text when the constrained request sounds like something else', () => {
    expect(chooseTranscript('the quick brown fox', 'please hello', rank, similar)).toBe(
      'the quick brown fox',
    );
  });

  it('keeps the open text when it already hits an intent at least as specific', () => {
    expect(chooseTranscript('weather in paris', 'hello', rank, similar)).toBe('weather in paris');
  });

  it('builds a grammar of whole requests, dropping those with unknown words', () => {
    expect(buildPhraseGrammar(['weather in paris', 'weather in zzyzx'], (w) => dictionary.has(w))).toBe(
      '#JSGF V1.0;\ngrammar chorus;\npublic <utterance> = weather in paris;\n',
    );
  });
});
