import { describe, expect, it } from 'vitest';
import { type JsonSchemaToolOptions, jsonSchemaTool } from '../tools/json-schema-tool.js';
import type { AnyTool } from '../tools/tool.js';
import type { ToolSource, ToolSourceContext } from '../tools/tool-source.js';
import { ofType, settle, startedAgent } from './test-helpers.fixture.js';

/** A tool source kept in memory: tools set by the test, start and close counted. */
class MemorySource implements ToolSource {
  tools: readonly AnyTool[] = [];
  starts = 0;
  closes = 0;
  context: ToolSourceContext | undefined;
  private readonly listeners = new Set<() => void>();
  constructor(readonly name: string) {}
  async start(context: ToolSourceContext): Promise<void> {
    this.starts++;
    this.context = context;
  }
  onToolsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async close(): Promise<void> {
    this.closes++;
  }
  set(tools: readonly AnyTool[]): void {
    this.tools = tools;
    for (const listener of this.listeners) listener();
  }
}

const lookup = (name: string, execute: JsonSchemaToolOptions['execute'] = async () => `${name} done`) =>
  jsonSchemaTool({
    name,
    description: `${name} tool`,
    parameters: { type: 'object', properties: { q: { type: 'string', maxLength: 5 } } },
    execute,
  });

describe('tool sources (mcpServers)', () => {
  it('joins the source tools to the session with their JSON Schema unchanged, follows changes with one update, closes on stop', async () => {
    const source = new MemorySource('mem');
    source.tools = [lookup('first')];
    const { agent, model } = await startedAgent({}, { mcpServers: [source] });
    expect(source.starts).toBe(1);
    expect(model.currentSession?.tools).toEqual([
      {
        name: 'first',
        description: 'first tool',
        parameters: { type: 'object', properties: { q: { type: 'string', maxLength: 5 } } },
      },
    ]);
    source.set([lookup('first'), lookup('second')]);
    const updates = model.calls.filter((c) => c.method === 'updateSession');
    expect(updates).toHaveLength(1);
    expect(agent.tools.map((t) => t.name)).toEqual(['first', 'second']);
    source.set([lookup('first'), lookup('second')]); // the same list: no update
    expect(model.calls.filter((c) => c.method === 'updateSession')).toHaveLength(1);
    await agent.stop();
    expect(source.closes).toBe(1);
  });

  it("an agent's own tool wins a name clash, and the left-out tool is reported", async () => {
    const source = new MemorySource('mem');
    source.tools = [lookup('same', async () => 'from source')];
    const own = lookup('same', async () => 'own');
    const { agent, events } = await startedAgent({}, { tools: [own], mcpServers: [source] });
    expect(agent.tools).toEqual([own]);
    expect(ofType(events, 'agent_error').map((e) => [e.code, e.message, e.fatal])).toContainEqual([
      'tool_dropped',
      'tool same from mem left out: the name is taken',
      false,
    ]);
    await agent.stop();
  });

  it('a source problem reaches clients as a non-fatal agent_error', async () => {
    const source = new MemorySource('mem');
    const { agent, events } = await startedAgent({}, { mcpServers: [source] });
    source.context?.report({ code: 'tool_source_down', message: 'mem went away' });
    expect(ofType(events, 'agent_error').at(-1)).toMatchObject({ code: 'tool_source_down', fatal: false });
    expect(agent.state).toBe('listening');
    await agent.stop();
  });

  it('barge-in while only tools run cancels them: aborted, reported as cancelled, model told without a response', async () => {
    let signal: AbortSignal | undefined;
    const source = new MemorySource('mem');
    source.tools = [
      lookup('slow', (_args, context) => {
        signal = context.signal;
        return new Promise<string>(() => {});
      }),
    ];
    const { agent, model, events } = await startedAgent(
      { script: [{ match: 'go', reply: { toolCalls: [{ name: 'slow', arguments: {}, id: 'c1' }] } }] },
      { mcpServers: [source], modalities: ['text'] },
    );
    agent.handleInput({ type: 'client_text_append', text: 'go' });
    await settle();
    expect(agent.state).toBe('runningTools');
    const responses = model.calls.filter((c) => c.method === 'createResponse').length;
    model.startSpeaking();
    await settle();
    expect(signal?.aborted).toBe(true);
    expect(agent.state).toBe('listening');
    expect(ofType(events, 'agent_response_tool_result')[0]?.tool_result).toMatchObject({
      id: 'c1',
      output: 'slow was cancelled by the user before it finished',
      is_error: true,
    });
    expect(model.sent.filter((input) => input.type === 'tool_result')).toHaveLength(1);
    expect(model.calls.filter((c) => c.method === 'createResponse')).toHaveLength(responses);
    await agent.stop();
  });
});
