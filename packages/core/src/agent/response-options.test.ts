import { describe, expect, it } from 'vitest';
import { advance, ofType, startedAgent } from './test-helpers.fixture.js';

describe('per-response options of client_response_create', () => {
  it('an out-of-band response is answered but never enters the history', async () => {
    const { agent, clock, events } = await startedAgent({
      fallback: (turn) => ({ text: `Reply ${turn.index + 1}` }),
    });
    agent.handleInput({ type: 'client_text_append', text: 'Hi', respond: false });
    agent.handleInput({ type: 'client_response_create', conversation: 'none' });
    await advance(clock, 500);
    expect(ofType(events, 'agent_response_created')[0]).toMatchObject({ conversation: 'none' });
    expect(ofType(events, 'agent_response_audio_transcript_done').map((e) => e.transcript)).toEqual([
      'Reply 1',
    ]);
    agent.handleInput({ type: 'client_response_create' });
    await advance(clock, 500);
    expect(agent.history.map((item) => (item.type === 'message' ? item.text : item.type))).toEqual([
      'Hi',
      'Reply 2',
    ]);
    await agent.stop();
  });

  it('a model that cannot take a per-response input, tools or tool_choice refuses the request by name', async () => {
    const { agent, model, clock, events } = await startedAgent({ capabilities: { responseInput: false } });
    agent.handleInput({
      type: 'client_response_create',
      input: [{ type: 'message', role: 'user', text: 'Summarise.' }],
    });
    await advance(clock, 100);
    expect(model.callsOf('createResponse')).toEqual([]);
    expect(ofType(events, 'agent_error').at(-1)).toMatchObject({
      error_type: 'invalid_request_error',
      code: 'unsupported_parameter',
    });
    await agent.stop();
  });
});
