import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TestClock } from '../testing/test-clock.js';
import { tool } from '../tools/tool.js';
import type { AgentCuesContext } from './agent-cues.machine.js';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

function spokenTexts(events: Parameters<typeof ofType>[0]): string[] {
  return ofType(events, 'agent_response_audio_transcript_done').map((event) => event.transcript ?? '');
}

function cueState(agent: { actor: unknown }): unknown {
  const actor = agent.actor as {
    getSnapshot(): {
      children: Record<string, { getSnapshot(): { value: unknown; context: AgentCuesContext } }>;
    };
  };
  return actor.getSnapshot().children.cues?.getSnapshot().value;
}

describe('say', () => {
  it('speaks the line through the model and records it in the history', async () => {
    const { agent, model, events, clock } = await startedAgent({ chunkMs: 20 });
    agent.say('Welcome to the clinic.');
    await settle();
    expect(model.callsOf('createResponse').at(-1)?.options).toEqual({ say: 'Welcome to the clinic.' });
    expect(cueState(agent)).toMatchObject({ speech: 'speaking' });
    await advance(clock, 500);
    expect(spokenTexts(events)).toEqual(['Welcome to the clinic.']);
    expect(agent.history.at(-1)).toMatchObject({ role: 'assistant', text: 'Welcome to the clinic.' });
    expect(cueState(agent)).toMatchObject({ speech: 'quiet' });
    await agent.stop();
  });

  it('an interruptible line is cut by barge-in; a firm one is not', async () => {
    const { agent, model, events, clock } = await startedAgent({ chunkMs: 20 });
    agent.say('This call may be recorded for quality purposes.', { interruptible: false });
    await advance(clock, 40);
    expect(cueState(agent)).toMatchObject({ speech: 'speakingFirmly' });
    model.startSpeaking();
    await advance(clock, 40);
    expect(ofType(events, 'agent_response_interrupted')).toHaveLength(0);
    await advance(clock, 500);
    expect(spokenTexts(events)).toEqual(['This call may be recorded for quality purposes.']);

    agent.say('Here is a very long line that the user will cut off before the end.');
    await advance(clock, 40);
    expect(cueState(agent)).toMatchObject({ speech: 'speaking' });
    model.startSpeaking();
    await advance(clock, 40);
    expect(ofType(events, 'agent_response_interrupted')).toHaveLength(1);
    expect(cueState(agent)).toMatchObject({ speech: 'quiet' });
    await agent.stop();
  });

  it('refuses an empty or oversized line', async () => {
    const { agent } = await startedAgent();
    expect(() => agent.say('  ')).toThrow(/empty/);
    expect(() => agent.say('x'.repeat(5000))).toThrow(/at most 4096/);
    await agent.stop();
  });
});

describe('tool fillers and progress', () => {
  /** The simulated clock the slow tool waits on (the fixture's, set once it started). */
  const time: { clock?: TestClock } = {};
  const lookup = (progress = false) =>
    tool({
      name: 'lookup',
      description: 'A slow lookup',
      parameters: z.object({}),
      filler: { after: 1500, text: 'Let me check that.' },
      execute: async (_args, context) => {
        if (progress) context.progress('Halfway there.');
        await new Promise<void>((resolve) => {
          time.clock?.setTimeout(resolve, 5000);
          context.signal.addEventListener('abort', () => resolve());
        });
        return 'found it';
      },
    });
  const script = {
    chunkMs: 20,
    script: [
      { match: 'look', reply: { toolCalls: [{ name: 'lookup', id: 'c1' }] } },
      {
        match: (turn: { toolResults: readonly unknown[] }) => turn.toolResults.length > 0,
        reply: { text: 'It is found.' },
      },
    ],
  };

  it('a 5 s tool speaks its filler once at the threshold, then the answer', async () => {
    const { agent, events, clock } = await startedAgent(script, { tools: [lookup()] });
    time.clock = clock;
    agent.handleInput({ type: 'client_text_append', text: 'look' });
    await advance(clock, 1400);
    expect(spokenTexts(events)).toEqual([]);
    await advance(clock, 200);
    await advance(clock, 400);
    expect(spokenTexts(events)).toEqual(['Let me check that.']);
    await advance(clock, 4000);
    expect(spokenTexts(events)).toEqual(['Let me check that.', 'It is found.']);
    await agent.stop();
  });

  it('progress lines are spoken while the tool runs', async () => {
    const { agent, events, clock } = await startedAgent(script, { tools: [lookup(true)] });
    time.clock = clock;
    agent.handleInput({ type: 'client_text_append', text: 'look' });
    await advance(clock, 6000);
    expect(spokenTexts(events)).toEqual(['Halfway there.', 'Let me check that.', 'It is found.']);
    await agent.stop();
  });
});

describe('idle prompt', () => {
  it('prompts once after the silence, then ends the session after the second one', async () => {
    const { agent, events, clock } = await startedAgent(
      { chunkMs: 20 },
      { idlePrompt: { afterMs: 10_000, text: 'Are you still there?', endAfterMs: 5_000 } },
    );
    expect(cueState(agent)).toMatchObject({ idle: 'waiting' });
    await advance(clock, 9_900, 100);
    expect(spokenTexts(events)).toEqual([]);
    await advance(clock, 500, 20);
    expect(spokenTexts(events)).toEqual(['Are you still there?']);
    expect(cueState(agent)).toMatchObject({ idle: 'prompted' });
    await advance(clock, 4_500, 100);
    expect(agent.state).toBe('listening');
    await advance(clock, 600, 100);
    expect(spokenTexts(events)).toEqual(['Are you still there?']);
    expect(ofType(events, 'agent_ended')).toHaveLength(1);
  });

  it('the user speaking restarts the count', async () => {
    const { agent, model, events, clock } = await startedAgent(
      { chunkMs: 20, fallback: { text: 'Sure.' } },
      { idlePrompt: { afterMs: 10_000, text: 'Are you still there?' } },
    );
    await advance(clock, 8_000, 100);
    model.speak('hello', 100);
    await advance(clock, 9_000, 100);
    expect(spokenTexts(events)).toEqual(['Sure.']);
    await advance(clock, 2_000, 100);
    expect(spokenTexts(events)).toEqual(['Sure.', 'Are you still there?']);
    await agent.stop();
  });
});
