import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import type { FakeTwilioCall } from '@chorus/fakes';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dialIn } from './dial-in.js';

// A phone call's spoken turn as a trace: the caller's last audio frame before the model ended their
// speech, the agent's reply, its model request (timed by the agent's clock) and its first audio.

const TOKEN = 'twilio-test-token';
const FIRST_AUDIO_MS = 300;

let server: ChorusServer | undefined;
const calls: FakeTwilioCall[] = [];
afterEach(async () => {
  for (const call of calls.splice(0)) call.close();
  await server?.close();
  server = undefined;
});

const ms = (time: ReadableSpan['startTime']) => time[0] * 1000 + time[1] / 1e6;

describe('turn traces of a phone call', () => {
  it('traces a spoken turn from the caller’s audio to the first mu-law frame, one trace per turn', async () => {
    const clock = new TestClock();
    const exporter = new InMemorySpanExporter();
    const model = new ScriptedModel({
      clock,
      chunkMs: 100,
      fallback: { text: 'It is sunny in Paris today.', audioMs: 500, delayMs: FIRST_AUDIO_MS },
    });
    server = createChorusServer({
      rooms: {
        assistant: () => new RealtimeAgent({ name: 'assistant', instructions: 'Be brief.', model, clock }),
      },
      auth: { apiKeys: ['k'] },
      twilio: { authToken: TOKEN },
      clock,
      env: {},
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const call = await dialIn(port, TOKEN, model);
    calls.push(call);
    const advanceUntil = (done: () => boolean) =>
      vi.waitFor(
        () => {
          if (!done()) {
            clock.increment(20);
            throw new Error('not yet');
          }
        },
        { timeout: 5000, interval: 5 },
      );

    const requests = () =>
      exporter.getFinishedSpans().filter((s) => s.name === 'chorus.model.request').length;
    for (const [index, question] of ["What's the weather in Paris?", 'And tomorrow?'].entries()) {
      // 200 ms of the caller speaking (silence stands in: the scripted model is the VAD and STT).
      call.speak(new Uint8Array(1600).fill(0xff));
      const heard = model.sent.filter((input) => input.type === 'audio').length;
      await vi.waitFor(() =>
        expect(model.sent.filter((input) => input.type === 'audio').length).toBeGreaterThan(heard),
      );
      clock.increment(100);
      const frames = call.of('media').length;
      model.speak(question);
      await advanceUntil(() => call.of('media').length >= frames + 25);
      // The reply is done (its spans end then).
      await advanceUntil(() => requests() > index);
    }
    await new Promise((resolve) => setImmediate(resolve));

    const spans = exporter.getFinishedSpans();
    const receives = spans.filter((s) => s.name === 'chorus.gateway.receive');
    expect(receives).toHaveLength(2);
    expect(new Set(receives.map((s) => s.spanContext().traceId)).size).toBe(2);
    for (const receive of receives) {
      expect(receive.parentSpanContext).toBeUndefined();
      expect(receive.attributes).toMatchObject({
        'chorus.event': 'client_audio_append',
        'chorus.turn_detection': 'model',
        'chorus.room': 'assistant',
      });
      expect(receive.attributes['chorus.user']).toMatch(/^twilio-CA/);
      expect(receive.attributes['chorus.session']).toMatch(/^session:twilio\/CA/);
      const traceId = receive.spanContext().traceId;
      const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
      const child = (parent: ReadableSpan, name: string) =>
        inTrace.filter((s) => s.name === name && s.parentSpanContext?.spanId === parent.spanContext().spanId);
      const [response, ...others] = child(receive, 'chorus.agent.response');
      expect(others).toEqual([]);
      expect(response?.attributes).toMatchObject({
        'chorus.agent': 'assistant',
        'chorus.model.provider': 'scripted',
        'chorus.session': receive.attributes['chorus.session'],
      });
      const [request] = child(response as ReadableSpan, 'chorus.model.request');
      const [firstOut] = child(response as ReadableSpan, 'chorus.audio.first_out');
      expect(request?.attributes).toMatchObject({
        'chorus.model.provider': 'scripted',
        'chorus.model.time_to_first_audio_ms': FIRST_AUDIO_MS,
      });
      // The turn starts at the caller's last frame (100 ms before the model ended the speech).
      expect(ms(receive.endTime) - ms(receive.startTime)).toBeCloseTo(100, 3);
      expect(ms(receive.endTime)).toBeLessThanOrEqual(ms((request as ReadableSpan).startTime));
      expect(ms((request as ReadableSpan).endTime) - ms((request as ReadableSpan).startTime)).toBeCloseTo(
        FIRST_AUDIO_MS,
        3,
      );
      expect(ms((request as ReadableSpan).endTime)).toBeLessThanOrEqual(
        ms((firstOut as ReadableSpan).startTime),
      );
    }
  });
});
