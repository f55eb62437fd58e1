import { describe, expect, it } from 'vitest';
import { toolResultText } from './content-blocks.js';
import { parseClientEvent } from './parse.js';

describe('tool outputs as AgentScope blocks', () => {
  it('accepts text and media blocks, and gives the model their text', () => {
    const parsed = parseClientEvent({
      type: 'client_tool_result',
      id: 'c1',
      name: 'look',
      output: [
        { type: 'text', text: 'a cat' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'audio', source: { type: 'url', url: 'https://example.com/a.wav' } },
      ],
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.event.type !== 'client_tool_result') return;
    expect(toolResultText(parsed.event.output)).toBe(
      'a cat\n[image: image/png]\n[audio: https://example.com/a.wav]',
    );
    expect(toolResultText('plain')).toBe('plain');
  });

  it('refuses a block of another kind, a bad source, or too many blocks, naming the field', () => {
    const bad = (output: unknown) => {
      const parsed = parseClientEvent({ type: 'client_tool_result', id: 'c1', name: 'look', output });
      return parsed.ok ? undefined : parsed.error.path;
    };
    expect(bad([{ type: 'tool_use', id: 'x' }])).toMatch(/^output/);
    expect(bad([{ type: 'image', source: { type: 'file', path: '/etc/passwd' } }])).toMatch(/^output/);
    expect(bad(Array.from({ length: 17 }, () => ({ type: 'text', text: 'x' })))).toBe('output');
  });
});
