import { bytesFromBase64 } from '@chorus/audio';
import { TestClock } from '@chorus/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalModel, rulesBrain, sharedEspeakWasmTts, type Tts } from '../src/index.js';
import { EventLog, session, tool } from './helpers.js';

const brain = () =>
  rulesBrain({
    intents: [
      {
        match: /weather in (?<city>[a-z]+)/i,
        reply: 'Let me check.',
        tool: { name: 'get_weather', args: (m) => ({ city: m?.groups?.city }) },
      },
      { match: ['story'], reply: 'Once upon a time there was a small robot. It liked to talk. The end.' },
    ],
    toolResultReply: 'It is {forecast} in {city}.',
  });

const models: LocalModel[] = [];
afterEach(async () => {
  await Promise.all(models.splice(0).map((m) => m.close()));
});

function makeModel(options: Partial<ConstructorParameters<typeof LocalModel>[0]> = {}): LocalModel {
  const model = new LocalModel({ brain: brain(), transcriber: null, vad: null, speed: 50, ...options });
  models.push(model);
  return model;
}

describe('LocalModel text turns', () => {
  it('speaks a reply with audio deltas and a word-aligned transcript, then calls the tool', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    await model.connect(session({ tools: [tool('get_weather')] }));
    model.send({ type: 'text', text: "What's the weather in Paris?" });
    model.createResponse();
    const done = await log.next('model_response_done');

    expect(done.status).toBe('completed');
    const call = log.of('model_response_tool_use_done')[0];
    expect(call?.tool_use).toEqual({
      id: 'call_rules_1',
      name: 'get_weather',
      input: { city: 'Paris' },
      raw_input: '{"city":"Paris"}',
    });
    expect(log.transcript()).toBe('Let me check.');
    expect(log.of('model_response_audio_transcript_done')[0]?.transcript).toBe('Let me check.');
    // one delta per word, each following the audio that holds its first sample
    expect(log.of('model_response_audio_transcript_delta').map((e) => e.delta)).toEqual([
      'Let ',
      'me ',
      'check.',
    ]);
    const types = log.types();
    expect(types[0]).toBe('model_session_created');
    expect(types[1]).toBe('model_response_created');
    expect(types.indexOf('model_response_tool_use_done')).toBeLessThan(
      types.indexOf('model_response_audio_done'),
    );
    expect(types.at(-1)).toBe('model_response_done');
    const firstAudio = types.indexOf('model_response_audio_delta');
    expect(types.indexOf('model_response_audio_transcript_delta')).toBe(firstAudio + 1);

    const deltas = log.of('model_response_audio_delta');
    expect(deltas[0]?.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    // 40 ms of 24 kHz PCM16 per delta, except the last of each sentence
    expect(bytesFromBase64(deltas[0]?.delta ?? '').byteLength).toBe(1920);
    const seconds = log.audioBytes() / 2 / 24000;
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(2);

    model.send({
      type: 'tool_result',
      callId: 'call_rules_1',
      name: 'get_weather',
      output: '{"city":"Paris","forecast":"sunny"}',
    });
    model.createResponse();
    await log.next('model_response_done');
    expect(log.of('model_response_audio_transcript_done')[1]?.transcript).toBe('It is sunny in Paris.');
    expect(model.history.map((i) => (i.type === 'message' ? `${i.role}: ${i.text}` : i.type))).toEqual([
      "user: What's the weather in Paris?",
      'assistant: Let me check.',
      'function_call',
      'function_call_output',
      'assistant: It is sunny in Paris.',
    ]);
  });

  it('answers in text only when the session has no audio modality', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    await model.connect(session({ modalities: ['text'] }));
    model.send({ type: 'text', text: 'tell me a story' });
    model.createResponse();
    await log.next('model_response_done');
    expect(log.of('model_response_audio_delta')).toHaveLength(0);
    expect(
      log
        .of('model_response_text_delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('Once upon a time there was a small robot. It liked to talk. The end.');
    expect(log.of('model_response_text_done')[0]?.text).toBe(
      'Once upon a time there was a small robot. It liked to talk. The end.',
    );
  });

  it('one clock: a model built without one paces on the clock its owner passes to connect', async () => {
    const clock = new TestClock();
    const model = makeModel({ speed: 1 });
    const log = new EventLog(model);
    await model.connect(session({ outputAudioFormat: { type: 'audio/pcm', rate: 16000 } }), { clock });
    model.send({ type: 'text', text: 'tell me a story' });
    model.createResponse();
    await log.next('model_response_audio_delta');
    expect(clock.pendingTimers).toBe(1);
    clock.increment(39);
    expect(log.of('model_response_audio_delta')).toHaveLength(1);
    clock.increment(1);
    expect(log.of('model_response_audio_delta')).toHaveLength(2);
    model.cancelResponse();
    expect(clock.pendingTimers).toBe(0);
  });

  it('paces audio on the clock: one 40 ms delta per 40 ms, transcript words as their audio goes out', async () => {
    const clock = new TestClock();
    // The real engine (a worker thread), watched: the test knows when every sentence asked for is ready.
    const espeak = sharedEspeakWasmTts();
    const syntheses: Promise<unknown>[] = [];
    const tts: Tts = {
      name: espeak.name,
      synthesize: (text, options) => {
        const speech = espeak.synthesize(text, options);
        syntheses.push(speech);
        return speech;
      },
      dispose: () => espeak.dispose(),
    };
    const model = makeModel({ clock, speed: 1, tts });
    const log = new EventLog(model);
    await model.connect(session({ outputAudioFormat: { type: 'audio/pcm', rate: 16000 } }));
    model.send({ type: 'text', text: 'tell me a story' });
    model.createResponse();
    await log.next('model_response_audio_delta');
    expect(log.of('model_response_audio_delta')).toHaveLength(1);
    expect(log.transcript()).toBe('Once ');
    clock.increment(39);
    expect(log.of('model_response_audio_delta')).toHaveLength(1);
    clock.increment(1);
    expect(log.of('model_response_audio_delta')).toHaveLength(2);
    clock.increment(400);
    expect(log.of('model_response_audio_delta')).toHaveLength(12);
    const heardAt440 = log.transcript();
    expect(heardAt440.startsWith('Once upon')).toBe(true);
    expect(heardAt440.length).toBeLessThan('Once upon a time there was a small robot.'.length);
    // Run to the end (sentences after the first are synthesized while the first plays): before each
    // step of the clock, every sentence asked for so far has come back from the worker.
    for (let i = 0; i < 2000 && !log.of('model_response_done').length; i++) {
      await Promise.allSettled(syntheses);
      clock.increment(40);
    }
    await espeak.dispose();
    expect(log.transcript()).toBe('Once upon a time there was a small robot. It liked to talk. The end.');
    const audioMs = (log.audioBytes() / 2 / 16000) * 1000;
    expect(audioMs).toBeGreaterThan(3000);
  });

  it('cancels at once and truncates the item to the words that were heard', async () => {
    const clock = new TestClock();
    const model = makeModel({ clock, speed: 1 });
    const log = new EventLog(model);
    await model.connect(session());
    model.send({ type: 'text', text: 'tell me a story' });
    model.createResponse();
    await log.next('model_response_audio_delta');
    clock.increment(1000);
    const sentBefore = log.of('model_response_audio_delta').length;
    model.cancelResponse();
    const done = await log.next('model_response_done');
    expect(done.status).toBe('cancelled');
    clock.increment(1000);
    expect(log.of('model_response_audio_delta')).toHaveLength(sentBefore);
    const itemId = log.of('model_response_audio_done')[0]?.item_id ?? '';
    const sent = log.of('model_response_audio_transcript_done')[0]?.transcript ?? '';
    expect(sent).toBe(log.transcript());
    expect(model.history.at(-1)).toMatchObject({ id: itemId, role: 'assistant', text: sent });
    // the listener's player had only played the first 300 ms
    model.truncate(itemId, 300);
    expect(model.history.at(-1)).toMatchObject({ id: itemId, text: 'Once upon' });
  });

  it('queues a response requested while one is running', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    await model.connect(session({ modalities: ['text'] }));
    model.send({ type: 'text', text: 'story' });
    model.createResponse();
    model.createResponse();
    await log.next('model_response_done');
    await log.next('model_response_done');
    expect(log.of('model_response_created')).toHaveLength(2);
    expect(log.of('model_error')).toHaveLength(0);
  });

  it('says clearly when used before connect and completes events$ on close', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    model.send({ type: 'text', text: 'hi' });
    expect(log.of('model_error')[0]).toMatchObject({ code: 'not_connected', fatal: false });
    let completed = false;
    model.events$.subscribe({ complete: () => (completed = true) });
    await model.connect(session());
    await model.close();
    expect(completed).toBe(true);
    expect(log.types().at(-1)).toBe('model_session_ended');
    await expect(model.connect(session())).rejects.toMatchObject({ code: 'closed', fatal: true });
  });
});
