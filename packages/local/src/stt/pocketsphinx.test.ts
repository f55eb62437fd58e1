import { describe, expect, it } from 'vitest';
import { buildJsgfGrammar } from './jsgf-grammar.js';
import { parsePocketsphinxOutput } from './pocketsphinx.js';

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
