import type { RealtimeAgent } from '@chorus/core';
import { TestClock } from '@chorus/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOKUP_DELAY_MS, streamingChat } from '../src/index.js';
import { fastModels, Recorder } from './helpers.js';

let agent: RealtimeAgent | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

/**
 * One turn of the event loop, so that pending promise callbacks run. The tool's result waits on the
 * test clock alone, so after this turn and before the clock reaches its delay it cannot have come.
 */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('streaming chat with a slow tool (seed 004)', () => {
  it('streams the reply word by word while the 3 s lookup runs, then answers with its result', async () => {
    const clock = new TestClock();
    agent = streamingChat({ model: fastModels(), clock });
    const log = new Recorder(agent.events$);
    await agent.start();
    const turn = (async () => {
      for await (const _ of (agent as RealtimeAgent).send('Do a delayed lookup for the weather in Paris'));
    })();

    // One clock drives the agent, its tool and the model's pacing; only speech synthesis (espeak in a
    // worker thread) takes real time. Each step moves the clock 10 ms; a step that brought nothing new
    // gives the synthesizer a moment (at most 5 ms) to deliver before the next.
    const step = async (until: () => boolean) => {
      for (let i = 0; i < 3000 && !until(); i++) {
        const seen = log.events.length;
        clock.increment(10);
        await settle();
        if (log.events.length === seen)
          await Promise.race([
            log.waitFor(() => true).catch(() => {}),
            new Promise((resolve) => setTimeout(resolve, 5)),
          ]);
      }
    };
    await step(() => log.of('agent_response_tool_use_done').length > 0);
    const calledAt = clock.now();
    expect(log.of('agent_response_tool_use_done')[0]?.tool_use.input).toEqual({
      query: 'the weather in Paris',
    });
    await step(() => log.of('agent_response_audio_transcript_done').length > 0);
    // The preamble was streamed one word at a time, while the tool was already running.
    expect(clock.now() - calledAt).toBeLessThan(LOOKUP_DELAY_MS);
    expect(log.of('agent_response_audio_transcript_delta').map((e) => e.delta)).toEqual([
      'Looking ',
      'that ',
      'up.',
      ' It ',
      'takes ',
      'a ',
      'few ',
      'seconds.',
    ]);
    expect(log.of('agent_response_tool_result')).toEqual([]);
    expect(agent.state).toBe('runningTools');

    clock.increment(calledAt + LOOKUP_DELAY_MS - 1 - clock.now());
    await settle();
    expect(log.of('agent_response_tool_result')).toEqual([]);

    clock.increment(1);
    await step(() => log.of('agent_response_audio_transcript_done').length > 1);
    await turn;
    expect(log.of('agent_response_tool_result').map((e) => e.tool_result.output)).toEqual([
      "Data for 'the weather in Paris' retrieved successfully after a delay.",
    ]);
    expect(log.lines()).toEqual([
      'RealtimeChatAgent: Looking that up. It takes a few seconds.',
      "RealtimeChatAgent: Here is what I found. Data for 'the weather in Paris' retrieved successfully after a delay.",
    ]);
  });
});
