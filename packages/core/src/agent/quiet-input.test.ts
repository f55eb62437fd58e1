import { describe, expect, it } from 'vitest';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

// The OpenAI dialect adds items without answering: only an explicit response request starts a
// response. The Chorus dialect keeps "typed text answers by itself" (respond absent).
describe('RealtimeAgent input that asks for no answer (respond: false)', () => {
  it('adds typed text to the history and answers only on client_response_create', async () => {
    const { agent, model, clock, events } = await startedAgent({
      script: [{ match: 'Hi', reply: { text: 'Hello' } }],
    });
    agent.handleInput({ type: 'client_text_append', text: 'Hi', respond: false });
    await advance(clock, 200);
    expect(model.callsOf('createResponse')).toHaveLength(0);
    expect(model.sent).toContainEqual({ type: 'text', text: 'Hi', role: 'user' });
    expect(agent.history.map((i) => (i.type === 'message' ? i.text : i.type))).toEqual(['Hi']);
    agent.handleInput({ type: 'client_response_create' });
    await advance(clock, 200);
    expect(model.callsOf('createResponse')).toHaveLength(1);
    expect(ofType(events, 'agent_response_done').map((e) => e.status)).toEqual(['completed']);
    await agent.stop();
  });

  it('does not cut off a running response when quiet text arrives', async () => {
    const { agent, clock, events } = await startedAgent({
      script: [{ match: 'story', reply: { text: 'a b c d e f g h' } }],
      chunkMs: 40,
    });
    agent.handleInput({ type: 'client_text_append', text: 'story' });
    await settle();
    expect(agent.state).toBe('responding');
    agent.handleInput({ type: 'client_text_append', text: 'and more', respond: false });
    await advance(clock, 600);
    expect(ofType(events, 'agent_response_done').map((e) => e.status)).toEqual(['completed']);
    await agent.stop();
  });

  it('records a client tool result without starting a response when respond is false', async () => {
    const { agent, model, clock } = await startedAgent();
    agent.handleInput({ type: 'client_tool_result', id: 'call_9', name: 'x', output: '{}', respond: false });
    await advance(clock, 100);
    expect(model.sent).toContainEqual({ type: 'tool_result', callId: 'call_9', name: 'x', output: '{}' });
    expect(model.callsOf('createResponse')).toHaveLength(0);
    await agent.stop();
  });
});
