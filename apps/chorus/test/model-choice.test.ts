import { rulesBrain } from '@chorus/local';
import { describe, expect, it } from 'vitest';
import { chooseModels, parseModelSpec, UsageError } from '../src/index.js';

const brain = rulesBrain({ intents: [] });

describe('--model', () => {
  it('parses local and provider specs, with default model names', () => {
    expect(parseModelSpec('local')).toEqual({ provider: 'local' });
    expect(parseModelSpec('openai:gpt-realtime-mini')).toEqual({
      provider: 'openai',
      model: 'gpt-realtime-mini',
    });
    expect(parseModelSpec('openai')).toEqual({ provider: 'openai', model: 'gpt-realtime' });
    expect(parseModelSpec('Gemini:gemini-2.5-flash-native-audio-preview-09-2025')).toEqual({
      provider: 'gemini',
      model: 'gemini-2.5-flash-native-audio-preview-09-2025',
    });
    expect(parseModelSpec('dashscope')).toEqual({
      provider: 'dashscope',
      model: 'qwen3-omni-flash-realtime',
    });
    expect(() => parseModelSpec('anthropic:claude')).toThrow(UsageError);
    expect(() => parseModelSpec('anthropic:claude')).toThrow(
      'unknown model "anthropic:claude": use local, openai:<model>, gemini:<model> or dashscope:<model>',
    );
  });

  it('falls back to the local model, with a notice naming the variable, when the key is missing', async () => {
    const choice = await chooseModels('gemini:gemini-live-2.5-flash-preview', { GEMINI_API_KEY: ' ' });
    expect(choice.label).toBe('local');
    expect(choice.notice).toBe(
      'gemini:gemini-live-2.5-flash-preview needs GEMINI_API_KEY, which is not set: using the local model instead (no key, no network). Set GEMINI_API_KEY to use gemini.',
    );
    expect(choice.factory({ agent: 'a', brain }).provider).toBe('local');
    expect(choice.voice('alloy')).toBe('alloy');
  });

  it('builds provider models when the key is set, mapping voices to the provider', async () => {
    const openai = await chooseModels('openai:gpt-realtime', { OPENAI_API_KEY: 'sk-test' });
    expect([openai.label, openai.notice, openai.factory({ agent: 'a', brain }).provider]).toEqual([
      'openai:gpt-realtime',
      undefined,
      'openai',
    ]);
    expect(openai.voice('alloy')).toBe('alloy');
    const gemini = await chooseModels('gemini', { GEMINI_API_KEY: 'k' });
    expect(gemini.factory({ agent: 'a', brain }).provider).toBe('gemini');
    expect([gemini.voice('alloy'), gemini.voice('shimmer'), gemini.voice('nova')]).toEqual([
      'Puck',
      'Kore',
      undefined,
    ]);
    const dashscope = await chooseModels('dashscope', { DASHSCOPE_API_KEY: 'k' });
    expect(dashscope.factory({ agent: 'a', brain }).provider).toBe('dashscope');
  });

  it('reads CHORUS_MODEL when --model is not given', async () => {
    const choice = await chooseModels(undefined, { CHORUS_MODEL: 'openai:gpt-realtime' });
    expect(choice.notice).toContain('needs OPENAI_API_KEY');
    expect((await chooseModels(undefined, {})).label).toBe('local');
  });
});
