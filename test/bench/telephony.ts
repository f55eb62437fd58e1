/**
 * Phone-call latencies through the Twilio Media Streams route, with `FakeTwilioCall` as Twilio and a
 * scripted model (so the figures are the gateway's share: conversion, framing, marks, sockets; no
 * VAD, recognition or model time):
 *   - end of caller speech (the model's turn ends) to the first mu-law `media` frame at the phone;
 *   - barge-in (the model hears the caller start over the reply) to `clear` at the phone.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/telephony.ts [--quick]
 *
 * Prints figures; asserts nothing.
 */
import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { FakeTwilioCall } from '@chorus/fakes';
import { createChorusServer, twilioSignature } from '@chorus/server';
import { pino } from 'pino';
import { show, summarize } from './stats.js';

const TOKEN = 'bench-token';
const CALLS = process.argv.includes('--quick') ? 5 : 30;

export async function telephonyLatencies(
  calls = CALLS,
): Promise<{ firstFrameMs: number[]; clearMs: number[] }> {
  const models: ScriptedModel[] = [];
  const server = createChorusServer({
    rooms: {
      assistant: () => {
        const model = new ScriptedModel({
          chunkMs: 100,
          recordAudio: false,
          fallback: { text: 'Sunny.', audioMs: 2000 },
        });
        models.push(model);
        return new RealtimeAgent({ name: 'assistant', instructions: 'Answer.', model });
      },
    },
    auth: { apiKeys: ['k'] },
    twilio: { authToken: TOKEN },
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = `ws://127.0.0.1:${port}/twilio/media-stream`;
  const firstFrameMs: number[] = [];
  const clearMs: number[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const call = new FakeTwilioCall({
        url,
        headers: { 'X-Twilio-Signature': twilioSignature(TOKEN, url) },
        callSid: `CA${String(i).padStart(32, '0')}`,
      });
      await call.opened;
      const joined = models.length;
      call.start();
      call.speak(new Uint8Array(8000).fill(0xff));
      while (models.length === joined || !models.at(-1)?.calls.some((c) => c.method === 'connect')) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const model = models.at(-1) as ScriptedModel;
      let t0 = performance.now();
      model.speak('What is the weather in Paris?');
      await call.until(() => call.of('media').length > 0);
      firstFrameMs.push(performance.now() - t0);
      await call.until(() => call.of('mark').length >= 3);
      call.play(150);
      t0 = performance.now();
      model.startSpeaking();
      await call.until(() => call.of('clear').length > 0);
      clearMs.push(performance.now() - t0);
      call.hangUp();
      await call.closed;
    }
  } finally {
    await server.close();
  }
  return { firstFrameMs, clearMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { firstFrameMs, clearMs } = await telephonyLatencies();
  console.log(`phone (fake Twilio, scripted model, ${CALLS} calls), ms median (min-max):`);
  console.log(`  end of caller speech -> first mu-law frame: ${show(summarize(firstFrameMs))}`);
  console.log(`  barge-in -> clear:                          ${show(summarize(clearMs))}`);
}
