import { describe, expect, it } from 'vitest';
import { type ListedTool, modelToolName, toolsFromListing } from './mcp-tools.js';
import { DEFAULT_MCP_LIMITS } from './options.js';
import { cutToBytes, resultText } from './result-text.js';

const call = async () => 'ok';
const shaping = {
  server: 's',
  filter: undefined,
  approval: undefined,
  timeoutMs: undefined,
  limits: DEFAULT_MCP_LIMITS,
  call,
};
const listed = (name: string, inputSchema: ListedTool['inputSchema'] = { type: 'object' }): ListedTool => ({
  name,
  description: `${name} tool`,
  inputSchema,
});

describe('MCP listings as agent tools', () => {
  it('makes names model-safe and leaves out a name that clashes once made safe', () => {
    expect(modelToolName('fs/read.file')).toBe('fs_read_file');
    expect(modelToolName('x'.repeat(100))).toHaveLength(64);
    const { tools, problems } = toolsFromListing([listed('a.b'), listed('a_b')], shaping);
    expect(tools.map((t) => t.name)).toEqual(['a_b']);
    expect(problems).toEqual([
      'MCP tool a_b of s is left out: its name is empty or taken once made model-safe',
    ]);
  });

  it('passes the schema unchanged except $schema, and leaves out a schema over the byte limit', () => {
    const schema = {
      type: 'object' as const,
      $schema: 'http://json-schema.org/draft-07/schema#',
      properties: { q: { type: 'string', pattern: '^a' } },
    };
    const big = { type: 'object' as const, description: 'x'.repeat(20_000) };
    const { tools, problems } = toolsFromListing([listed('q', schema), listed('big', big)], shaping);
    expect(tools.map((t) => t.definition)).toEqual([
      {
        name: 'q',
        description: 'q tool',
        parameters: { type: 'object', properties: { q: { type: 'string', pattern: '^a' } } },
      },
    ]);
    expect(problems[0]).toMatch(
      /^MCP tool big of s is left out: its input schema has 20\d{3} bytes \(limit 16384\)$/,
    );
  });

  it('applies approval by server tool name, and refuses arguments that are not an object', async () => {
    const { tools } = toolsFromListing([listed('a.b'), listed('c')], { ...shaping, approval: ['a.b'] });
    const context = { callId: 'c1', agent: undefined as never };
    expect(await tools[0]?.requiresApproval({}, context)).toBe(true);
    expect(await tools[1]?.requiresApproval({}, context)).toBe(false);
    expect(tools[0]?.parseArguments('[1]')).toEqual({
      ok: false,
      message: 'invalid arguments for a_b: arguments must be a JSON object',
    });
  });

  it('turns results into bounded text', () => {
    expect(
      resultText(
        {
          content: [
            { type: 'text', text: 'a' },
            { type: 'image', mimeType: 'image/png', data: '' },
          ],
        },
        100,
      ),
    ).toBe('a\n[image image/png]');
    expect(resultText({ content: [], structuredContent: { n: 1 } }, 100)).toBe('{"n":1}');
    // Never splits a character: "é" is two bytes.
    expect(cutToBytes('éé', 3)).toBe('é\n[result cut: 2 more bytes]');
  });
});
