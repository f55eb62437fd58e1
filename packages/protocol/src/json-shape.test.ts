import { describe, expect, it } from 'vitest';
import { checkJsonShape } from './json-shape.js';

const both = (text: string) => [checkJsonShape(text, 8, 3), checkJsonShape(Buffer.from(text), 8, 3)];

describe('checkJsonShape', () => {
  it('counts objects, arrays and members, text and bytes alike', () => {
    expect(both('{"a":[1,2,3],"b":{"c":1}}')).toEqual([undefined, undefined]);
    const many = `{"a":[${'{},'.repeat(9)}{}]}`;
    for (const problem of both(many)) expect(problem?.kind).toBe('nodes');
  });

  it('skips strings, escaped quotes and structural characters inside them included', () => {
    const text = `{"a":"${'[{,'.repeat(100)}\\"${'{'.repeat(10)}\\\\","b":"é\\u0022{{{{"}`;
    expect(JSON.parse(text)).toBeTypeOf('object');
    expect(both(text)).toEqual([undefined, undefined]);
  });

  it('refuses nesting deeper than the cap, not counting the top-level object', () => {
    expect(both('{"a":[[[1]]]}')).toEqual([undefined, undefined]);
    for (const problem of both('{"a":[[[[1]]]]}')) expect(problem?.kind).toBe('depth');
  });

  it('leaves malformed JSON to JSON.parse', () => {
    expect(both('{"a":"unterminated')).toEqual([undefined, undefined]);
  });
});
