import type { RealtimeAgent } from '@chorus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { observersDemo } from '../src/index.js';
import { fastModels } from './helpers.js';

let agent: RealtimeAgent | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

describe('observers updating a UI (seed 000)', () => {
  it('fill the chatbox token by token while registered, and stop once unregistered', async () => {
    const demo = observersDemo({ model: fastModels() });
    agent = demo.agent;
    const { chatbox } = demo;
    const snapshots: string[] = [];
    const unregister = agent.on('agent_response_audio_transcript_delta', () =>
      snapshots.push(chatbox.current),
    );
    await agent.start();
    for await (const _ of agent.send('Summarize the news today.'));

    const news =
      'assistant: Here is the news today. A new realtime runtime was released. It streams every word as it ' +
      'is spoken. Observers keep the screen up to date.';
    expect(chatbox.lines).toEqual([news]);
    // The UI grew word by word: every snapshot is a prefix of the next.
    expect(snapshots.length).toBe(24);
    expect(snapshots[0]).toBe('assistant: Here ');
    for (let i = 1; i < snapshots.length; i++)
      expect(snapshots[i]?.startsWith(snapshots[i - 1] ?? '')).toBe(true);

    demo.detach();
    unregister();
    const updates = chatbox.updates;
    for await (const _ of agent.send('Tell me a story.'));
    expect(chatbox.updates).toBe(updates);
    expect(chatbox.render()).toBe(news);
    expect(snapshots.length).toBe(24);
  });
});
