import { ChatRoom } from '@chorus/core';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { clientEvents, isAgentScopeServerType, serverEvents } from './agentscope-events.js';
import { STORY, scriptedAgent } from './scripted-agent.fixture.js';

// An AgentScope v1.0.21 frontend's whole session against a real gateway on 127.0.0.1, every frame
// both ways checked against AgentScope's own models (agentscope-events.ts), not against Chorus's.

type Frame = { readonly type: string } & Record<string, unknown>;

/** An AgentScope-style client: sends only AgentScope-valid frames and checks each one it gets. */
class AgentScopeClient {
  readonly frames: Frame[] = [];
  readonly invalid: string[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters = new Set<{ test: (f: Frame) => boolean; resolve: (f: Frame) => void }>();

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      if (isAgentScopeServerType(frame.type)) {
        const result = serverEvents[frame.type].safeParse(frame);
        if (!result.success) this.invalid.push(`${frame.type}: ${z.prettifyError(result.error)}`);
      }
      for (const waiter of [...this.#waiters]) {
        if (waiter.test(frame)) {
          this.#waiters.delete(waiter);
          waiter.resolve(frame);
        }
      }
    });
  }

  send(event: Frame): void {
    const schema = clientEvents[event.type as keyof typeof clientEvents];
    // The test itself must speak AgentScope: a frame its own backend would refuse proves nothing.
    expect(schema, `${event.type} is an AgentScope client event`).toBeDefined();
    schema.parse(event);
    this.ws.send(JSON.stringify(event));
  }

  waitFor(test: (f: Frame) => boolean, from = 0, timeoutMs = 10_000): Promise<Frame> {
    const seen = this.frames.slice(from).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; got ${this.frames.map((f) => f.type).join(', ')}`)),
        timeoutMs,
      );
      this.#waiters.add({
        test,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  waitForType(type: string, from = 0): Promise<Frame> {
    return this.waitFor((f) => f.type === type, from);
  }

  /** Frames of `type` from index `from`. */
  of(type: string, from = 0): Frame[] {
    return this.frames.slice(from).filter((f) => f.type === type);
  }
}

let server: ChorusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function gateway(rooms: Parameters<typeof createChorusServer>[0]['rooms']): Promise<number> {
  server = createChorusServer({ rooms, logger: pino({ level: 'silent' }), auth: { insecureDev: true } });
  const { port } = await server.listen(0, '127.0.0.1');
  return port;
}

/** 100 ms of a 220 Hz tone, 16 kHz PCM16, base64. */
function toneChunk(): string {
  const samples = new Int16Array(1600);
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / 16000));
  return Buffer.from(samples.buffer).toString('base64');
}

const SESSION = 'session1';
const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9,
]).toString('base64');

/** Waits for the response that starts after `from` to end; returns its id. */
async function nextResponse(c: AgentScopeClient, from: number): Promise<string> {
  const created = await c.waitForType('agent_response_created', from);
  const id = created.response_id as string;
  await c.waitFor((f) => f.type === 'agent_response_done' && f.response_id === id, from);
  return id;
}

describe('an AgentScope v1.0.21 frontend against the gateway', () => {
  it("holds a whole session with every frame valid by AgentScope's models", async () => {
    const port = await gateway({
      friday: () => new ChatRoom({ agents: [scriptedAgent('Friday')], clientShaping: true }),
    });
    const c = new AgentScopeClient(`ws://127.0.0.1:${port}/ws/You/${SESSION}`);
    await c.opened;

    // create, with the single-agent page's config
    c.send({
      type: 'client_session_create',
      config: { instructions: 'You are Jarvis.', agent_name: 'Jarvis', model_provider: 'dashscope' },
    });
    await c.waitForType('server_session_created');
    const ready = await c.waitForType('agent_ready');
    expect(ready.agent_name).toBe('Jarvis');
    const updated = await c.waitForType('server_session_updated');
    expect(updated.applied).toEqual(expect.arrayContaining(['agent_name', 'instructions']));
    expect(updated.not_applied).toEqual([expect.objectContaining({ field: 'model_provider' })]);

    // text: answers by itself
    let mark = c.frames.length;
    c.send({ type: 'client_text_append', session_id: SESSION, text: 'hi' });
    let id = await nextResponse(c, mark);
    expect(c.of('agent_response_audio_transcript_done', mark).map((f) => f.response_id)).toEqual([id]);
    expect(c.of('agent_response_audio_done', mark).map((f) => f.response_id)).toEqual([id]);
    // AgentScope's metadata is dict[str, str]: the numbers and objects arrive as their JSON text.
    expect(c.of('agent_response_done', mark)[0]?.metadata).toEqual({
      brain: 'scripted',
      first_audio_ms: '210.83',
      usage: '{"total_tokens":12}',
    });

    // 16 kHz speech, then commit
    mark = c.frames.length;
    for (let i = 0; i < 5; i++) {
      c.send({
        type: 'client_audio_append',
        session_id: SESSION,
        audio: toneChunk(),
        format: { type: 'audio/pcm', rate: 16000 },
      });
    }
    c.send({ type: 'client_audio_commit', session_id: SESSION });
    await c.waitForType('agent_input_transcription_done', mark);
    await nextResponse(c, mark);
    expect(c.of('agent_input_done', mark)[0]?.audio_end_ms).toBe(500);

    // an explicit response request
    mark = c.frames.length;
    c.send({ type: 'client_response_create', session_id: SESSION });
    await nextResponse(c, mark);

    // cancel mid-reply: the cut reply is closed with what was heard, before its response ends
    mark = c.frames.length;
    c.send({ type: 'client_text_append', session_id: SESSION, text: 'tell me a story' });
    const firstAudio = await c.waitForType('agent_response_audio_delta', mark);
    c.send({ type: 'client_response_cancel', session_id: SESSION });
    id = firstAudio.response_id as string;
    const cancelled = await c.waitFor((f) => f.type === 'agent_response_done' && f.response_id === id, mark);
    expect(cancelled.status).toBe('cancelled');
    const ofCut = c.frames
      .slice(mark)
      .filter((f) => f.response_id === id)
      .map((f) => f.type);
    const doneAt = ofCut.indexOf('agent_response_done');
    expect(ofCut.indexOf('agent_response_audio_transcript_done')).toBeGreaterThan(-1);
    expect(ofCut.indexOf('agent_response_audio_transcript_done')).toBeLessThan(doneAt);
    expect(ofCut.indexOf('agent_response_audio_done')).toBeGreaterThan(-1);
    expect(ofCut.indexOf('agent_response_audio_done')).toBeLessThan(doneAt);
    const cutTranscript = c.of('agent_response_audio_transcript_done', mark)[0]?.transcript as string;
    expect(STORY.startsWith(cutTranscript)).toBe(true);
    expect(cutTranscript.length).toBeLessThan(STORY.length);

    // a server tool, then the frontend's tool results: a string, then blocks
    mark = c.frames.length;
    c.send({ type: 'client_text_append', session_id: SESSION, text: 'weather in Paris?' });
    const toolUse = await c.waitForType('agent_response_tool_use_done', mark);
    expect(toolUse.tool_use).toMatchObject({
      type: 'tool_use',
      id: 'call_weather',
      input: { city: 'Paris' },
    });
    const toolResult = await c.waitForType('agent_response_tool_result', mark);
    expect(toolResult.tool_result).toMatchObject({ type: 'tool_result', output: 'sunny in Paris' });
    await c.waitFor(
      (f) => f.type === 'agent_response_audio_transcript_done' && /Tool said/.test(String(f.transcript)),
      mark,
    );
    mark = c.frames.length;
    c.send({
      type: 'client_tool_result',
      session_id: SESSION,
      id: 'call_weather',
      name: 'get_weather',
      output: 'rainy',
    });
    await c.waitFor(
      (f) => f.type === 'agent_response_audio_transcript_done' && /rainy/.test(String(f.transcript)),
      mark,
    );
    mark = c.frames.length;
    c.send({
      type: 'client_tool_result',
      session_id: SESSION,
      id: 'call_weather',
      name: 'get_weather',
      output: [
        { type: 'text', text: 'windy' },
        { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: JPEG } },
      ],
    });
    const echoed = await c.waitFor(
      (f) => f.type === 'agent_response_tool_result' && Array.isArray((f.tool_result as Frame).output),
      mark,
    );
    expect((echoed.tool_result as { output: unknown[] }).output).toHaveLength(2);
    await c.waitFor(
      (f) => f.type === 'agent_response_audio_transcript_done' && /windy/.test(String(f.transcript)),
      mark,
    );

    // an image
    mark = c.frames.length;
    c.send({
      type: 'client_image_append',
      session_id: SESSION,
      image: JPEG,
      format: { type: 'image/jpeg', mime_type: 'image/jpeg' },
    });
    // a frame AgentScope's own backend would refuse gets an error the page can show
    c.ws.send(JSON.stringify({ type: 'client_text_append', session_id: SESSION }));
    const error = await c.waitForType('agent_error', mark);
    expect(error).toMatchObject({ agent_id: 'gateway', code: 'invalid_event' });

    // session end: agents end, the session ends, the socket stays open for a new session
    mark = c.frames.length;
    c.send({ type: 'client_session_end', session_id: SESSION });
    const ended = await c.waitForType('agent_ended', mark);
    expect(ended.agent_name).toBe('Jarvis');
    const sessionEnded = await c.waitForType('server_session_ended', mark);
    expect(c.frames.indexOf(ended)).toBeLessThan(c.frames.indexOf(sessionEnded));
    expect(c.ws.readyState).toBe(WebSocket.OPEN);

    mark = c.frames.length;
    c.send({ type: 'client_session_create', config: { instructions: 'Hi', agent_name: 'Friday' } });
    await c.waitForType('server_session_created', mark);
    expect((await c.waitForType('agent_ready', mark)).agent_name).toBe('Friday');
    c.send({ type: 'client_text_append', session_id: SESSION, text: 'hi again' });
    await nextResponse(c, mark);

    expect(c.invalid).toEqual([]);
    c.ws.close();
    await c.closed;
  });

  it("shapes both agents of a room from the multi-agent page's config", async () => {
    const port = await gateway({
      debate: () =>
        new ChatRoom({ agents: [scriptedAgent('Agent1'), scriptedAgent('Agent2')], clientShaping: true }),
      fixed: () => new ChatRoom({ agents: [scriptedAgent('Agent1')] }),
    });
    const c = new AgentScopeClient(`ws://127.0.0.1:${port}/ws/You/${SESSION}`);
    await c.opened;
    c.send({
      type: 'client_session_create',
      config: {
        agent1_name: 'Elon',
        agent1_instructions: 'Argue for.',
        agent2_name: 'Mark',
        agent2_instructions: 'Argue against.',
        model_provider: 'openai',
      },
    });
    await c.waitForType('server_session_created');
    await c.waitFor(() => c.of('agent_ready').length === 2);
    expect(
      c
        .of('agent_ready')
        .map((f) => f.agent_name)
        .sort(),
    ).toEqual(['Elon', 'Mark']);
    const updated = await c.waitForType('server_session_updated');
    expect(updated.applied).toEqual(
      expect.arrayContaining(['agent1_name', 'agent1_instructions', 'agent2_name', 'agent2_instructions']),
    );

    // A room that does not let clients shape its agents says so, and keeps them as they are.
    const d = new AgentScopeClient(`ws://127.0.0.1:${port}/ws/You/other`);
    await d.opened;
    d.send({ type: 'client_session_create', config: { room: 'fixed', agent_name: 'Jarvis' } });
    await d.waitForType('server_session_created');
    expect((await d.waitForType('agent_ready')).agent_name).toBe('Agent1');
    const refused = await d.waitForType('server_session_updated');
    expect(refused.not_applied).toEqual([expect.objectContaining({ field: 'agent_name' })]);
    expect([...c.invalid, ...d.invalid]).toEqual([]);
    c.ws.close();
    d.ws.close();
    await Promise.all([c.closed, d.closed]);
  });

  it('a second connection to the same /ws/:user/:session takes the session over', async () => {
    const port = await gateway({ friday: () => new ChatRoom({ agents: [scriptedAgent('Friday')] }) });
    const first = new AgentScopeClient(`ws://127.0.0.1:${port}/ws/You/${SESSION}`);
    await first.opened;
    first.send({ type: 'client_session_create', config: {} });
    await first.waitForType('server_session_created');
    const second = new AgentScopeClient(`ws://127.0.0.1:${port}/ws/You/${SESSION}`);
    await second.opened;
    const ended = await first.waitForType('server_session_ended');
    expect(ended.reason).toBe('taken_over');
    expect((await first.closed).code).toBe(4002);
    second.send({ type: 'client_session_create', config: {} });
    await second.waitForType('server_session_created');
    const mark = second.frames.length;
    second.send({ type: 'client_text_append', session_id: SESSION, text: 'hi' });
    await nextResponse(second, mark);
    expect([...first.invalid, ...second.invalid]).toEqual([]);
    second.ws.close();
    await second.closed;
  });
});
