import type { ModelEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import type { SessionConfig } from '../model/realtime-model.js';
import { ScriptedModel } from './scripted-model.js';
import { TestClock } from './test-clock.js';

const session: SessionConfig = {
  instructions: '',
  tools: [],
  modalities: ['text'],
  inputAudioFormat: { type: 'audio/pcm', rate: 16000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'server_vad' },
  inputTranscription: true,
};

async function connected(options: ConstructorParameters<typeof ScriptedModel>[0]) {
  const clock = new TestClock();
  const model = new ScriptedModel({ clock, ...options });
  const events: ModelEvent[] = [];
  model.events$.subscribe((event) => events.push(event));
  await model.connect(session);
  return { clock, model, events };
}

describe('ScriptedModel', () => {
  it('matches rules in order, honours once, and falls back', async () => {
    const { model, events, clock } = await connected({
      script: [
        { match: /weather/, reply: { text: 'Sunny.' }, once: true },
        { match: (turn) => turn.text.length > 20, reply: (turn) => ({ text: `Long: ${turn.index}` }) },
      ],
      fallback: { text: 'Pardon?' },
    });
    const texts: string[] = [];
    for (const text of ['weather today', 'weather again', 'a much longer question than that']) {
      model.send({ type: 'text', text });
      model.createResponse();
      await Promise.resolve();
      clock.increment(1000);
      const done = events.filter((e) => e.type === 'model_response_text_done');
      texts.push(
        done.at(-1)?.type === 'model_response_text_done' ? (done.at(-1) as { text: string }).text : '',
      );
    }
    expect(texts).toEqual(['Sunny.', 'Pardon?', 'Long: 2']);
  });

  it('cancelResponse stops streaming and ends with status cancelled', async () => {
    const { model, events, clock } = await connected({
      script: [{ match: 'go', reply: { text: 'a b c d e' } }],
    });
    model.send({ type: 'text', text: 'go' });
    model.createResponse();
    await Promise.resolve();
    clock.increment(40);
    model.cancelResponse();
    await Promise.resolve();
    clock.increment(1000);
    expect(events.filter((e) => e.type === 'model_response_text_delta')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'model_response_done', status: 'cancelled' });
    expect(model.pendingTimers).toBe(0);
  });

  it('fails scripted connects and records calls made while disconnected', async () => {
    const model = new ScriptedModel({ connectFailures: [{ fatal: false }, { fatal: true, code: 'quota' }] });
    await expect(model.connect(session)).rejects.toMatchObject({ fatal: false, code: 'network_error' });
    await expect(model.connect(session)).rejects.toMatchObject({ fatal: true, code: 'quota' });
    model.createResponse();
    expect(model.violations).toEqual(['createResponse while not connected']);
    await model.connect(session);
    expect(model.isConnected).toBe(true);
    await model.close();
  });
});

describe('ScriptedModel call log', () => {
  it('keeps every call by default, and only the latest maxRecordedCalls when bounded', async () => {
    const all = await connected({});
    const bounded = await connected({ maxRecordedCalls: 2 });
    for (const { model } of [all, bounded]) {
      for (const text of ['a', 'b', 'c']) model.send({ type: 'text', text });
    }
    expect(all.model.calls.map((c) => c.method)).toEqual(['connect', 'send', 'send', 'send']);
    expect(all.model.droppedCalls).toBe(0);
    expect(bounded.model.sent).toEqual([
      { type: 'text', text: 'b' },
      { type: 'text', text: 'c' },
    ]);
    expect(bounded.model.droppedCalls).toBe(2);
  });

  it('refuses a bound that is not a count', () => {
    expect(() => new ScriptedModel({ maxRecordedCalls: -1 })).toThrow(
      /maxRecordedCalls must be an integer >= 0, got -1/,
    );
  });
});
