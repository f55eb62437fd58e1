import { describe, expect, it } from 'vitest';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

describe('RealtimeAgent text and audio turns', () => {
  it('starts, connects and reports ready', async () => {
    const { agent, model, events } = await startedAgent();
    expect(agent.state).toBe('listening');
    expect(model.callsOf('connect')).toHaveLength(1);
    expect(ofType(events, 'agent_state_changed').map((e) => e.state)).toEqual(['connecting', 'listening']);
    expect(ofType(events, 'agent_ready')).toHaveLength(1);
    await agent.stop();
  });

  it('streams a spoken reply paced by the clock', async () => {
    const { agent, clock, events, types } = await startedAgent({
      script: [{ match: 'Hi', reply: { text: 'Hello there friend' } }],
      chunkMs: 40,
    });
    agent.handleInput({ type: 'client_text_append', text: 'Hi' });
    await settle();
    expect(agent.state).toBe('responding');
    expect(ofType(events, 'agent_response_audio_delta')).toHaveLength(1);
    await advance(clock, 80);
    expect(ofType(events, 'agent_response_audio_delta')).toHaveLength(3);
    expect(agent.state).toBe('responding');
    await advance(clock, 40);
    expect(agent.state).toBe('listening');
    expect(types()).toEqual([
      'agent_ready',
      'agent_response_created',
      'agent_response_audio_delta',
      'agent_response_audio_transcript_delta',
      'agent_response_audio_delta',
      'agent_response_audio_transcript_delta',
      'agent_response_audio_delta',
      'agent_response_audio_transcript_delta',
      'agent_response_audio_done',
      'agent_response_audio_transcript_done',
      'agent_response_done',
      'agent_turn_metrics',
    ]);
    expect(
      agent.history.map((item) => (item.type === 'message' ? [item.role, item.text] : item.type)),
    ).toEqual([
      ['user', 'Hi'],
      ['assistant', 'Hello there friend'],
    ]);
    await agent.stop();
  });

  it('answers the seed frontend flow (text append, then response create) with one response', async () => {
    const { agent, model, clock, events } = await startedAgent({
      script: [{ match: 'Hi', reply: { text: 'Hello' } }],
    });
    // Same tick: the model has not confirmed the first request yet.
    agent.handleInput({ type: 'client_text_append', text: 'Hi' });
    agent.handleInput({ type: 'client_response_create' });
    await settle();
    // Later, while the response streams.
    agent.handleInput({ type: 'client_response_create' });
    await advance(clock, 200);
    expect(model.callsOf('createResponse')).toHaveLength(1);
    expect(ofType(events, 'agent_response_done').map((e) => e.status)).toEqual(['completed']);
    expect(ofType(events, 'agent_response_audio_transcript_done').map((e) => e.transcript)).toEqual([
      'Hello',
    ]);
    await agent.stop();
  });

  it('starts a response on client_response_create when nothing is pending', async () => {
    const { agent, model, clock, events } = await startedAgent({
      script: [{ match: () => true, reply: { text: 'Yes?' } }],
    });
    agent.handleInput({ type: 'client_response_create' });
    await advance(clock, 200);
    expect(model.callsOf('createResponse')).toHaveLength(1);
    expect(ofType(events, 'agent_response_done')).toHaveLength(1);
    await agent.stop();
  });

  it('present(): ready and the current state once started, nothing before or after', async () => {
    const { agent } = await startedAgent();
    expect(agent.present()).toEqual([
      { type: 'agent_ready', agent_id: 'Ada', agent_name: 'Ada' },
      { type: 'agent_state_changed', agent_id: 'Ada', agent_name: 'Ada', state: 'listening' },
    ]);
    await agent.stop();
    expect(agent.present()).toEqual([]);
  });
});
