import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioConverter, decodeWav, muLawEncode, resamplePcm16 } from '@chorus/audio';
import { ChatRoom, RealtimeAgent, tool } from '@chorus/core';
import { ScriptedModel, TestClock } from '@chorus/core/testing';
import { FakeTwilioCall } from '@chorus/fakes';
import { type ChorusServer, createChorusServer, twilioSignature } from '@chorus/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';

const TOKEN = 'twilio-test-token';

let server: ChorusServer | undefined;
const calls: FakeTwilioCall[] = [];
afterEach(async () => {
  for (const call of calls.splice(0)) call.close();
  await server?.close();
  server = undefined;
});

/** "What's the weather in Paris?" spoken by espeak-ng, as the phone network delivers it: 8 kHz mu-law. */
async function spokenQuestion(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-twilio-'));
  try {
    // A file, not stdout: espeak-ng streams a WAV header with an unknown length there.
    const file = join(dir, 'question.wav');
    execFileSync('espeak-ng', ['-w', file, "What's the weather in Paris?"]);
    const wav = decodeWav(readFileSync(file));
    return muLawEncode(await resamplePcm16(wav.samples, wav.rate, 8000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Setup {
  clock: TestClock;
  model: ScriptedModel;
  base: string;
  streamUrl: string;
}

async function start(replyMs = 1000): Promise<Setup> {
  const clock = new TestClock();
  const model = new ScriptedModel({
    clock,
    chunkMs: 100,
    script: [
      { match: /^DTMF: /, reply: { toolCalls: [{ name: 'account_pin', arguments: {} }] }, once: true },
      { match: /weather/i, reply: { text: 'It is sunny in Paris today.', audioMs: replyMs } },
    ],
  });
  const agent = () =>
    new RealtimeAgent({
      name: 'assistant',
      instructions: 'Answer about the weather.',
      model,
      clock,
      tools: [
        tool({
          name: 'account_pin',
          description: 'Reads the digits the caller typed on the keypad',
          parameters: z.object({}),
          // The digits reach the agent as the caller's message (`DTMF: 1234#`); the model passes them on.
          execute: async () => 'PIN accepted',
        }),
      ],
    });
  server = createChorusServer({
    rooms: { assistant: agent },
    auth: { apiKeys: ['k'] },
    twilio: { authToken: TOKEN },
    clock,
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    clock,
    model,
    base: `http://127.0.0.1:${port}`,
    streamUrl: `ws://127.0.0.1:${port}/twilio/media-stream`,
  };
}

function place(
  setup: Setup,
  parameters: Record<string, string> = { caller: '+15551234567' },
): FakeTwilioCall {
  const call = new FakeTwilioCall({
    url: setup.streamUrl,
    headers: { 'X-Twilio-Signature': twilioSignature(TOKEN, setup.streamUrl) },
    customParameters: parameters,
  });
  calls.push(call);
  return call;
}

/** Advances the model's clock in 100 ms steps until `done`, letting sockets deliver between steps. */
async function advanceUntil(clock: TestClock, done: () => boolean, stepMs = 100): Promise<void> {
  await vi.waitFor(
    () => {
      if (!done()) {
        clock.increment(stepMs);
        throw new Error('not yet');
      }
    },
    { timeout: 5000, interval: 5 },
  );
}

function mediaBytes(call: FakeTwilioCall): number {
  return call.of('media').reduce((sum, m) => sum + Buffer.from(m.media.payload, 'base64').byteLength, 0);
}

describe('a phone call over Twilio Media Streams', () => {
  it('joins the agent, hears the caller as 16 kHz PCM, and answers in 20 ms mu-law frames, each chunk marked', async () => {
    const setup = await start(1000);
    const call = place(setup);
    await call.opened;
    call.start();
    const question = await spokenQuestion();
    call.speak(question);
    // Every frame of caller audio reaches the model, converted to its input format.
    await vi.waitFor(() => {
      const audio = setup.model.sent.filter((input) => input.type === 'audio');
      const bytes = audio.reduce(
        (sum, input) => sum + (input.type === 'audio' ? input.audio.byteLength : 0),
        0,
      );
      expect(bytes).toBeGreaterThan(question.byteLength * 4 - 200);
    });
    const first = setup.model.sent.find((input) => input.type === 'audio');
    expect(first).toMatchObject({ format: { type: 'audio/pcm', rate: 16000 } });
    // Byte for byte what a converter makes of the caller's frames: the bytes handed on as they are
    // (no base64 in between) are the converter's own, not a buffer it reuses.
    const converter = await AudioConverter.create(
      { type: 'audio/pcmu', rate: 8000 },
      { type: 'audio/pcm', rate: 16000 },
    );
    const expected = Buffer.concat(
      Array.from({ length: Math.ceil(question.byteLength / 160) }, (_, i) =>
        converter.convert(question.subarray(i * 160, (i + 1) * 160)),
      ),
    );
    converter.dispose();
    const heard = Buffer.concat(
      setup.model.sent.flatMap((input) => (input.type === 'audio' ? [input.audio] : [])),
    );
    expect(heard.equals(expected)).toBe(true);
    // The scripted model stands in for VAD and STT: it "hears" the question now.
    const spoke = performance.now();
    setup.model.speak("What's the weather in Paris?");
    await advanceUntil(setup.clock, () => call.of('media').length > 0, 0);
    const speechEndToFirstFrameMs = performance.now() - spoke;
    await advanceUntil(setup.clock, () => call.of('mark').length >= 10);
    // 1 s of reply: 8000 bytes of mu-law, in 160-byte frames, a mark after each 100 ms chunk.
    expect(mediaBytes(call)).toBe(8000);
    expect(call.of('media').every((m) => Buffer.from(m.media.payload, 'base64').byteLength === 160)).toBe(
      true,
    );
    expect(call.received.slice(0, 6).map((m) => m.event)).toEqual([
      'media',
      'media',
      'media',
      'media',
      'media',
      'mark',
    ]);
    expect(call.invalid).toEqual([]);
    call.play(1000);
    expect(call.echoed).toHaveLength(10);
    console.log(
      `end of caller speech to first mu-law frame (scripted model, fake Twilio, 127.0.0.1): ${speechEndToFirstFrameMs.toFixed(1)} ms`,
    );
    call.hangUp();
    expect(await call.closed).toEqual({ code: 1000, reason: 'stream stopped' });
    await vi.waitFor(async () => {
      const health = (await (await fetch(`${setup.base}/healthz`)).json()) as {
        connections: number;
        rooms: number;
      };
      expect(health).toMatchObject({ connections: 0, rooms: 0 });
    });
  });

  it('barge-in with marks pending sends `clear` and truncates the reply to the last echoed mark', async () => {
    const setup = await start(3000);
    const call = place(setup);
    await call.opened;
    call.start();
    await vi.waitFor(() => expect(setup.model.calls.some((c) => c.method === 'connect')).toBe(true));
    setup.model.speak("What's the weather in Paris?");
    await advanceUntil(setup.clock, () => call.of('mark').length >= 10);
    // The phone played 350 ms: the marks after 100, 200 and 300 ms came back; 700 ms more is queued.
    call.play(350);
    expect(call.echoed).toHaveLength(3);
    await vi.waitFor(async () => {
      const text = await (await fetch(`${setup.base}/metrics`)).text();
      // connected, start, and the three echoes: the gateway has read them all.
      expect(text).toMatch(/chorus_events_in_total\{route="twilio"\} 5/);
    });
    const started = performance.now();
    setup.model.startSpeaking();
    await call.until(() => call.of('clear').length > 0);
    const bargeInToClearMs = performance.now() - started;
    await vi.waitFor(() => expect(setup.model.calls.some((c) => c.method === 'truncate')).toBe(true));
    expect(setup.model.calls.find((c) => c.method === 'truncate')).toMatchObject({ audioEndMs: 300 });
    expect(call.of('clear')).toHaveLength(1);
    // After `clear` the interrupted reply sends nothing more.
    const sent = call.of('media').length;
    setup.clock.increment(1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(call.of('media').length).toBe(sent);
    console.log(`barge-in to clear (fake Twilio, 127.0.0.1): ${bargeInToClearMs.toFixed(1)} ms`);
  });

  it('delivers DTMF digits to the agent as the caller typing them, ending at # or after a pause (simulated clock)', async () => {
    const setup = await start();
    const call = place(setup);
    await call.opened;
    call.start();
    await vi.waitFor(() => expect(setup.model.calls.some((c) => c.method === 'connect')).toBe(true));
    for (const digit of ['1', '2', '3', '4', '#']) call.dtmf(digit);
    await vi.waitFor(() =>
      expect(setup.model.sent).toContainEqual(expect.objectContaining({ type: 'text', text: 'DTMF: 1234#' })),
    );
    // The agent answered with its tool, which a prompt can ask for once digits arrive.
    await vi.waitFor(() =>
      expect(setup.model.calls.some((c) => c.method === 'send' && c.input.type === 'tool_result')).toBe(true),
    );
    call.dtmf('9');
    await vi.waitFor(async () => {
      const text = await (await fetch(`${setup.base}/metrics`)).text();
      expect(text).toMatch(/chorus_events_in_total\{route="twilio"\} 8/);
    });
    expect(setup.model.sent.some((i) => i.type === 'text' && i.text === 'DTMF: 9')).toBe(false);
    setup.clock.increment(1999);
    expect(setup.model.sent.some((i) => i.type === 'text' && i.text === 'DTMF: 9')).toBe(false);
    setup.clock.increment(1);
    await vi.waitFor(() =>
      expect(setup.model.sent).toContainEqual(expect.objectContaining({ type: 'text', text: 'DTMF: 9' })),
    );
  });

  it('a call that drops mid-reply leaves nothing behind: no connection, no room, the model closed', async () => {
    const setup = await start(3000);
    const call = place(setup);
    await call.opened;
    call.start();
    await vi.waitFor(() => expect(setup.model.calls.some((c) => c.method === 'connect')).toBe(true));
    setup.model.speak("What's the weather in Paris?");
    await advanceUntil(setup.clock, () => call.of('mark').length >= 3);
    // The line drops: no `stop`, the socket just goes.
    call.ws.terminate();
    await vi.waitFor(async () => {
      const health = (await (await fetch(`${setup.base}/healthz`)).json()) as {
        connections: number;
        rooms: number;
      };
      expect(health).toMatchObject({ connections: 0, rooms: 0 });
    });
    await vi.waitFor(() => expect(setup.model.calls.some((c) => c.method === 'close')).toBe(true));
  });

  it('refuses malformed and oversized messages, counting each, and the call goes on', async () => {
    const setup = await start();
    const call = place(setup);
    await call.opened;
    call.start();
    await vi.waitFor(() => expect(setup.model.calls.some((c) => c.method === 'connect')).toBe(true));
    call.sendRaw('{not json');
    call.sendRaw({
      event: 'media',
      sequenceNumber: '9',
      streamSid: call.streamSid,
      media: { track: 'inbound', chunk: '1', timestamp: '0', payload: 'A'.repeat(20_000) },
    });
    call.sendRaw({
      event: 'dtmf',
      sequenceNumber: '10',
      streamSid: 'MZ-someone-else',
      dtmf: { track: 'inbound_track', digit: '5' },
    });
    call.dtmf('7');
    call.dtmf('#');
    await vi.waitFor(() =>
      expect(setup.model.sent).toContainEqual(expect.objectContaining({ type: 'text', text: 'DTMF: 7#' })),
    );
    const metrics = await (await fetch(`${setup.base}/metrics`)).text();
    expect(metrics).toMatch(/chorus_client_errors_total\{route="twilio",code="invalid_message"\} 3/);
    expect(call.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('joins a shared room named by the TwiML parameters, with the caller number as the user name', async () => {
    const clock = new TestClock();
    let room: ChatRoom | undefined;
    server = createChorusServer({
      rooms: {
        assistant: () =>
          new RealtimeAgent({ name: 'a', instructions: 'Help.', model: new ScriptedModel({ clock }), clock }),
        lobby: () => {
          room = new ChatRoom({
            id: 'lobby',
            agents: [
              new RealtimeAgent({
                name: 'host',
                instructions: 'Host.',
                model: new ScriptedModel({ clock }),
                clock,
              }),
            ],
          });
          return room;
        },
      },
      auth: { apiKeys: ['k'] },
      twilio: { authToken: TOKEN },
      clock,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const url = `ws://127.0.0.1:${port}/twilio/media-stream`;
    const headers = { 'X-Twilio-Signature': twilioSignature(TOKEN, url) };
    const call = new FakeTwilioCall({
      url,
      headers,
      customParameters: { room: 'lobby', caller: '+15551234567' },
    });
    calls.push(call);
    await call.opened;
    call.start();
    await vi.waitFor(() =>
      expect(room?.users).toContainEqual({ id: `twilio-${call.callSid}`, name: '+15551234567' }),
    );
    // A room that does not exist ends the stream (Twilio then runs the TwiML after <Connect>).
    const lost = new FakeTwilioCall({ url, headers, customParameters: { agent: 'nope' } });
    calls.push(lost);
    await lost.opened;
    lost.start();
    expect((await lost.closed).code).toBe(1011);
  });
});
