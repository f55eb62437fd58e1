import { describe, expect, it } from 'vitest';
import { toolUseInput } from './tool-use-input.js';

describe('toolUseInput', () => {
  it('keeps a JSON object and refuses everything else', () => {
    expect(toolUseInput('{"city":"Paris","days":[1,2]}')).toEqual({ city: 'Paris', days: [1, 2] });
    expect(toolUseInput('{}')).toEqual({});
    expect(toolUseInput('[1]')).toBeNull();
    expect(toolUseInput('null')).toBeNull();
    expect(toolUseInput('"text"')).toBeNull();
    expect(toolUseInput('{"city":')).toBeNull();
    expect(toolUseInput('')).toBeNull();
  });
});
