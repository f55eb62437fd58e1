import { describe, expect, it } from 'vitest';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

const STORY = 'one two three four five six seven eight nine ten';

async function speakingAgent(agentOptions = {}) {
  const fixture = await startedAgent(
    { script: [{ match: 'story', reply: { text: STORY } }], chunkMs: 40 },
    agentOptions,
  );
  fixture.agent.handleInput({ type: 'client_text_append', text: 'story' });
  await settle();
  // Chunks go out at t = 0, 40, 80, 120: 160 ms of audio sent, one word per chunk.
  await advance(fixture.clock, 120);
  expect(ofType(fixture.events, 'agent_response_audio_delta')).toHaveLength(4);
  return fixture;
}

describe('barge-in', () => {
  it('truncates to the latest playback position the client reported', async () => {
    const { agent, model, events } = await speakingAgent();
    agent.handleInput({ type: 'client_playback_position', item_id: 'item_1', audio_end_ms: 60 });
    agent.handleInput({ type: 'client_playback_position', item_id: 'item_1', audio_end_ms: 100 });
    model.startSpeaking();
    expect(agent.state).toBe('interrupted');
    const [interrupted] = ofType(events, 'agent_response_interrupted');
    expect(interrupted).toMatchObject({ item_id: 'item_1', response_id: 'resp_1', audio_end_ms: 100 });
    expect(model.callsOf('truncate')).toEqual([{ method: 'truncate', itemId: 'item_1', audioEndMs: 100 }]);
    expect(model.callsOf('cancelResponse')).toHaveLength(1);
    await settle();
    expect(agent.state).toBe('listening');
    // 100 of 160 ms heard: 62% of "one two three four " is "one two thr", cut back to whole words.
    const assistant = agent.history.find((item) => item.type === 'message' && item.role === 'assistant');
    expect(assistant).toMatchObject({ id: 'item_1', text: 'one two' });
    const [done] = ofType(events, 'agent_response_done');
    expect(done?.status).toBe('cancelled');
    expect(ofType(events, 'agent_turn_metrics')[0]?.interrupted).toBe(true);
    await agent.stop();
  });

  it('closes the cut reply with the words heard, before its response ends', async () => {
    const { agent, model, events } = await speakingAgent();
    agent.handleInput({ type: 'client_playback_position', item_id: 'item_1', audio_end_ms: 100 });
    model.startSpeaking();
    await settle();
    const ofCut = events.filter((e) => 'response_id' in e && e.response_id === 'resp_1').map((e) => e.type);
    const tail = ofCut.slice(ofCut.indexOf('agent_response_interrupted'));
    expect(tail).toEqual([
      'agent_response_interrupted',
      'agent_response_audio_transcript_done',
      'agent_response_audio_done',
      'agent_response_done',
      'agent_turn_metrics',
    ]);
    expect(ofType(events, 'agent_response_audio_transcript_done')[0]).toMatchObject({
      item_id: 'item_1',
      transcript: 'one two',
      interrupted: true,
    });
    await agent.stop();
  });

  it('a room asking it to answer while it speaks cuts the reply first, closed with the words heard', async () => {
    const { agent, model, events } = await speakingAgent();
    agent.hear({ speaker: 'Ann', text: 'what time is it', respond: true });
    expect(ofType(events, 'agent_response_interrupted')).toHaveLength(1);
    expect(ofType(events, 'agent_response_audio_transcript_done')[0]).toMatchObject({
      response_id: 'resp_1',
      transcript: 'one two three four ',
      interrupted: true,
    });
    const order = model.calls.map((c) => c.method).filter((m) => /Response$/.test(m));
    expect(order).toEqual(['createResponse', 'cancelResponse', 'createResponse']);
    await agent.stop();
  });

  it('without playback reports, truncates to the audio duration actually sent', async () => {
    const { agent, model, events } = await speakingAgent();
    model.startSpeaking();
    expect(ofType(events, 'agent_response_interrupted')[0]?.audio_end_ms).toBe(160);
    expect(model.callsOf('truncate')[0]?.audioEndMs).toBe(160);
    await settle();
    expect(agent.history.find((item) => item.id === 'item_1')).toMatchObject({ text: 'one two three four ' });
    await agent.stop();
  });

  it('treats a cancel that arrives after the interruption as already done', async () => {
    const { agent, model, events } = await speakingAgent();
    model.startSpeaking();
    expect(agent.state).toBe('interrupted');
    // OpenAI clients send both conversation.item.truncate and response.cancel on an interrupt.
    agent.handleInput({ type: 'client_response_cancel' });
    expect(ofType(events, 'agent_error')).toEqual([]);
    expect(model.callsOf('cancelResponse')).toHaveLength(1);
    expect(ofType(events, 'agent_response_interrupted')).toHaveLength(1);
    await agent.stop();
  });

  it('clamps a playback position beyond what was sent', async () => {
    const { agent, model, events } = await speakingAgent();
    agent.handleInput({ type: 'client_playback_position', item_id: 'item_1', audio_end_ms: 5000 });
    model.startSpeaking();
    expect(ofType(events, 'agent_response_interrupted')[0]?.audio_end_ms).toBe(160);
    await agent.stop();
  });

  it('client_response_cancel interrupts the same way', async () => {
    const { agent, model, events } = await speakingAgent();
    agent.handleInput({ type: 'client_response_cancel' });
    expect(ofType(events, 'agent_response_interrupted')[0]).toMatchObject({
      item_id: 'item_1',
      audio_end_ms: 160,
    });
    expect(model.callsOf('cancelResponse')).toHaveLength(1);
    await settle();
    expect(agent.state).toBe('listening');
    await agent.stop();
  });

  it('drops late audio and transcript of the interrupted response', async () => {
    const { agent, model, events } = await speakingAgent();
    model.startSpeaking();
    const before = events.length;
    model.emit({
      type: 'model_response_audio_delta',
      response_id: 'resp_1',
      item_id: 'item_1',
      delta: 'AAAA',
      format: { type: 'audio/pcm', rate: 24000 },
    });
    model.emit({
      type: 'model_response_audio_transcript_delta',
      response_id: 'resp_1',
      item_id: 'item_1',
      delta: 'x',
    });
    expect(events.slice(before).map((e) => e.type)).toEqual([]);
    await agent.stop();
  });

  it('with interruptResponse false, speech does not cut the agent off', async () => {
    const { agent, model, clock, events } = await speakingAgent({
      turnDetection: { type: 'server_vad', interruptResponse: false },
    });
    model.startSpeaking();
    expect(agent.state).toBe('responding');
    expect(ofType(events, 'agent_response_interrupted')).toHaveLength(0);
    await advance(clock, 400);
    expect(ofType(events, 'agent_response_done')[0]?.status).toBe('completed');
    await agent.stop();
  });

  it('goes back to listening if the model never confirms the cancel', async () => {
    const { agent, model, clock, events } = await speakingAgent({ interruptSettleMs: 100 });
    // A provider that ignores cancels (reported for DashScope): keep streaming, never say done.
    model.cancelResponse = () => {};
    model.startSpeaking();
    expect(agent.state).toBe('interrupted');
    await advance(clock, 90);
    expect(agent.state).toBe('interrupted');
    await advance(clock, 10);
    expect(agent.state).toBe('listening');
    // The stream the model never stopped stays dropped.
    const before = events.length;
    await advance(clock, 400);
    expect(ofType(events.slice(before), 'agent_response_audio_delta')).toHaveLength(0);
    await agent.stop();
  });
});
