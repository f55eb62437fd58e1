import { describe, expect, it } from 'vitest';
import type { ScriptedCall } from '../testing/scripted-model.js';
import { onlyBackchannel, resumeInstructions, unheardRest } from './false-interruption.js';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

// A reply cut by a sound that carried no words resumes from where the listener stopped hearing it.
// Time runs on the TestClock: the window, the scripted speech and the playback.

const STORY = 'one two three four five six seven eight nine ten';

async function speakingAgent(agentOptions = {}) {
  const fixture = await startedAgent(
    {
      script: [
        { match: 'story', reply: { text: STORY } },
        { match: /^mm-hmm$/, reply: { text: 'Yes?' } },
      ],
      chunkMs: 40,
    },
    agentOptions,
  );
  fixture.agent.handleInput({ type: 'client_text_append', text: 'story' });
  await settle();
  await advance(fixture.clock, 120);
  // The listener heard 100 of the 160 ms sent: "one two".
  fixture.agent.handleInput({ type: 'client_playback_position', item_id: 'item_1', audio_end_ms: 100 });
  return fixture;
}

const resumes = (calls: readonly ScriptedCall[]) =>
  calls.flatMap((c) =>
    c.method === 'createResponse' && c.options?.instructions?.includes('cut off') ? [c] : [],
  );

describe('resuming after a false interruption', () => {
  it('a cough: the input ends with no words within the window, and the reply carries on from "one two"', async () => {
    const { agent, model, clock } = await speakingAgent({ resumeAfterFalseInterruption: { windowMs: 1500 } });
    const input = model.startSpeaking();
    expect(agent.state).toBe('interrupted');
    model.emit({ type: 'model_input_done', item_id: input, audio_end_ms: 200 });
    await advance(clock, 1400);
    expect(resumes(model.calls)).toEqual([]);
    await advance(clock, 110);
    const [resume] = resumes(model.calls);
    expect(resume?.options?.instructions).toBe(
      resumeInstructions({ itemId: 'item_1', heardText: 'one two', text: 'one two three four ' }),
    );
    expect(resume?.options?.instructions).toContain('They heard: "one two".');
    expect(resume?.options?.instructions).toContain('Your next words were: "three four".');
    await agent.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a backchannel ("mm-hmm") cuts the model answering it and resumes the reply', async () => {
    const { agent, model, clock, events } = await speakingAgent({ resumeAfterFalseInterruption: {} });
    const input = model.startSpeaking();
    model.stopSpeaking(input, 'mm-hmm');
    await advance(clock, 10);
    expect(resumes(model.calls)).toHaveLength(1);
    // The scripted model started answering "mm-hmm"; that answer was cut before its first words.
    expect(ofType(events, 'agent_response_audio_transcript_done').map((e) => e.transcript)).not.toContain(
      'Yes?',
    );
    await agent.stop();
  });

  it('real words make the interruption real: no resume', async () => {
    const { agent, model, clock } = await speakingAgent({ resumeAfterFalseInterruption: {} });
    const input = model.startSpeaking();
    model.stopSpeaking(input, 'what time is it');
    await advance(clock, 3000);
    expect(resumes(model.calls)).toEqual([]);
    await agent.stop();
  });

  it('speech still going at the end of the window is a real turn', async () => {
    const { agent, model, clock } = await speakingAgent({ resumeAfterFalseInterruption: { windowMs: 500 } });
    model.startSpeaking();
    await advance(clock, 3000);
    expect(resumes(model.calls)).toEqual([]);
    await agent.stop();
  });

  it('is off unless the agent asks for it', async () => {
    const { agent, model, clock } = await speakingAgent();
    const input = model.startSpeaking();
    model.emit({ type: 'model_input_done', item_id: input, audio_end_ms: 200 });
    await advance(clock, 3000);
    expect(resumes(model.calls)).toEqual([]);
    await agent.stop();
  });

  it('resumes a reply whose words were not known yet from the heard position, or from its start', () => {
    expect(resumeInstructions({ itemId: 'i', heardText: '', text: '', heardMs: 1250 })).toContain(
      'about 1.3 s into it, without starting over',
    );
    expect(resumeInstructions({ itemId: 'i', heardText: '', text: '' })).toContain(
      'say it again from its start',
    );
  });

  it('tells backchannels from words, and finds the unheard rest', () => {
    const backchannels = ['mm-hmm', 'mm', 'yeah', 'i see'];
    expect(onlyBackchannel('Mm-hmm.', backchannels)).toBe(true);
    expect(onlyBackchannel('yeah, I see', backchannels)).toBe(true);
    expect(onlyBackchannel('', backchannels)).toBe(true);
    expect(onlyBackchannel('yeah but why', backchannels)).toBe(false);
    expect(unheardRest({ itemId: 'i', heardText: 'one two', text: 'one two three' })).toBe('three');
  });
});
