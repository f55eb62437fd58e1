import { Writable } from 'node:stream';
import { TestClock } from '@chorus/core/testing';
import { pino } from 'pino';
import { lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BinaryAudioKind, decodeBinaryAudio, encodeBinaryAudio } from '../src/binary-audio.js';
import type { ChorusServerOptions } from '../src/options.js';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { TestClient, upgradeStatus } from './client.fixture.js';
import { EchoAgent } from './echo-agent.fixture.js';

const KEY_A = 'key-alice-0123456789';
const KEY_B = 'key-bob-9876543210';

const servers: ChorusServer[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const s of servers.splice(0)) await s.close();
});

const silent = pino({ level: 'silent' });

async function start(overrides: Partial<ChorusServerOptions> = {}) {
  const agents: EchoAgent[] = [];
  const server = createChorusServer({
    rooms: {
      echo: () => {
        const a = new EchoAgent();
        agents.push(a);
        return a;
      },
      lobby: () => {
        const a = new EchoAgent('host');
        agents.push(a);
        return a;
      },
    },
    defaultRoom: 'echo',
    auth: { apiKeys: { [KEY_A]: 'alice', [KEY_B]: 'bob' } },
    logger: silent,
    ...overrides,
  });
  servers.push(server);
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, agents, base: `ws://127.0.0.1:${port}` };
}

function client(url: string, key: string | undefined = KEY_A) {
  const c = new TestClient(url, key ? { headers: { Authorization: `Bearer ${key}` } } : {});
  clients.push(c);
  return c;
}

describe('Chorus protocol at /ws/:userId/:sessionId', () => {
  it('runs the seed 001 flow: session created, text in, tool call, transcript and audio out, attributed', async () => {
    const { base, agents } = await start();
    const c = client(`${base}/ws/alice/s1`);
    await c.opened;
    c.send({ type: 'client_session_create', config: { instructions: 'be nice' } });
    const created = await c.waitForType('server_session_created');
    expect(created).toMatchObject({ session_id: 's1', config: { instructions: 'be nice', room: 'echo' } });
    c.send({ type: 'client_text_append', session_id: 's1', text: 'What is the weather?' });
    c.send({ type: 'client_response_create', session_id: 's1' });
    await c.waitForType('agent_response_done');
    const types = c.messages.map((m) => m.type);
    expect(types).toEqual([
      'server_session_created',
      'server_session_updated',
      'agent_response_created',
      'agent_response_tool_use_done',
      'agent_response_tool_result',
      'agent_response_audio_transcript_delta',
      'agent_response_audio_delta',
      'agent_response_audio_delta',
      'agent_response_audio_delta',
      'agent_response_audio_done',
      'agent_response_audio_transcript_done',
      'agent_response_done',
    ]);
    expect(c.messages.find((m) => m.type === 'agent_response_audio_transcript_done')).toMatchObject({
      agent_name: 'echo',
      transcript: 'You said: What is the weather?',
    });
    // The private session's agent first takes the client's instructions.
    expect(agents[0]?.inputs.map((i) => [i.event.type, i.user?.id])).toEqual([
      ['client_session_create', 'alice'],
      ['client_text_append', 'alice'],
      ['client_response_create', 'alice'],
    ]);
  });

  it('lets several users join a named room via config.room and all hear it', async () => {
    const { base, agents } = await start();
    const a = client(`${base}/ws/alice/a1`);
    const b = client(`${base}/ws/bob/b1`, KEY_B);
    await Promise.all([a.opened, b.opened]);
    a.send({ type: 'client_session_create', config: { room: 'lobby' } });
    b.send({ type: 'client_session_create', config: { room: 'lobby' } });
    await Promise.all([a.waitForType('server_session_created'), b.waitForType('server_session_created')]);
    expect(agents).toHaveLength(1);
    a.send({ type: 'client_text_append', text: 'hi' });
    a.send({ type: 'client_response_create' });
    const [da, db] = await Promise.all([
      a.waitForType('agent_response_done'),
      b.waitForType('agent_response_done'),
    ]);
    expect(da.response_id).toBe(db.response_id);
    expect(agents[0]?.inputs.map((i) => i.user?.id)).toEqual(['alice', 'alice']);
    // Leaving a shared room ends this session only: the room goes on for bob, the socket stays open.
    a.send({ type: 'client_session_end' });
    expect(await a.waitForType('server_session_ended')).toMatchObject({ reason: 'client_session_end' });
    expect(a.ws.readyState).toBe(a.ws.OPEN);
    expect(agents[0]?.stopped).toBe(false);
    // The room's agent finishing its events is the moment the room let it go.
    const finished = lastValueFrom(agents[0]!.events$, { defaultValue: undefined });
    a.close();
    b.close();
    await b.closed;
    await finished;
    expect(agents[0]?.stopped).toBe(true);
  });

  it('answers every bad frame with server_error{code,message,path} and goes on', async () => {
    const { base } = await start();
    const c = client(`${base}/ws/alice/s2`);
    await c.opened;
    c.send({ type: 'client_text_append', text: 'early' });
    expect(await c.waitForType('server_error')).toMatchObject({ code: 'no_session', path: 'type' });
    c.send({ type: 'client_session_create', config: {} });
    await c.waitForType('server_session_created');
    const cases: [unknown, string, string | undefined][] = [
      ['{not json', 'invalid_json', undefined],
      [{ type: 'client_fly' }, 'unknown_type', 'type'],
      [{ type: 'client_text_append', text: 42 }, 'invalid_event', 'text'],
      [
        { type: 'client_audio_append', audio: '***', format: { type: 'audio/pcm', rate: 16000 } },
        'invalid_event',
        'audio',
      ],
      [
        { type: 'client_audio_append', audio: 'AAAA', format: { type: 'audio/pcm', rate: 12345 } },
        'invalid_event',
        'format.rate',
      ],
      [{ type: 'client_text_append', session_id: 'other', text: 'x' }, 'session_mismatch', 'session_id'],
      [{ type: 'client_session_create', config: {} }, 'session_exists', 'type'],
      [{ type: 'client_session_create', config: { room: 'nope' } }, 'session_exists', 'type'],
    ];
    for (const [frame, code, path] of cases) {
      const from = c.messages.length;
      c.send(frame);
      const error = await c.waitForType('server_error', 2000, from);
      expect({ code: error.code, path: error.path }).toEqual({ code, path });
      expect(typeof error.message).toBe('string');
    }
    c.send({ type: 'client_response_create' });
    await c.waitForType('agent_response_done');
  });

  it('refuses an unknown room by name with the known ones listed', async () => {
    const { base } = await start();
    const c = client(`${base}/ws/alice/s3`);
    await c.opened;
    c.send({ type: 'client_session_create', event_id: 'e1', config: { room: 'nope' } });
    const error = await c.waitForType('server_error');
    expect(error).toMatchObject({ code: 'unknown_room', path: 'config.room', event_id: 'e1' });
    expect(error.message).toContain('echo, lobby');
  });

  it('takes binary audio frames in, and sends binary audio out when asked', async () => {
    const { base, agents } = await start();
    const c = client(`${base}/ws/alice/s4`);
    await c.opened;
    c.send({ type: 'client_session_create', config: { binary_audio: true } });
    await c.waitForType('server_session_created');
    const pcm = new Uint8Array([1, 2, 3, 4]);
    c.send(
      Buffer.from(encodeBinaryAudio(BinaryAudioKind.clientAppend, { type: 'audio/pcm', rate: 16000 }, pcm)),
    );
    c.send(Buffer.from([9, 9]));
    const error = await c.waitForType('server_error');
    expect(error).toMatchObject({ code: 'invalid_binary_frame', path: 'header' });
    expect(agents[0]?.inputs[0]?.event).toMatchObject({
      type: 'client_audio_append',
      audio: 'AQIDBA==',
      format: { type: 'audio/pcm', rate: 16000 },
    });
    c.send({ type: 'client_response_create' });
    await c.waitForType('agent_response_done');
    expect(c.binary).toHaveLength(3);
    const frame = decodeBinaryAudio(new Uint8Array(c.binary[0]!));
    expect(frame.ok && frame.frame.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(frame.ok && frame.frame.metadata).toMatchObject({
      agent_id: 'echo',
      response_id: 'resp_1',
      item_id: 'item_1',
    });
    expect(frame.ok && frame.frame.audio.byteLength).toBe(960);
    expect(c.messages.some((m) => m.type === 'agent_response_audio_delta')).toBe(false);
  });
});

describe('auth on upgrade', () => {
  it('refuses a missing or wrong key with 401 and another user’s path with 403, before any socket', async () => {
    const { base, server } = await start();
    expect(await upgradeStatus(`${base}/ws/alice/x`)).toBe(401);
    expect(await upgradeStatus(`${base}/ws/alice/x`, { headers: { Authorization: 'Bearer wrong' } })).toBe(
      401,
    );
    expect(await upgradeStatus(`${base}/ws/bob/x`, { headers: { Authorization: `Bearer ${KEY_A}` } })).toBe(
      403,
    );
    expect(await upgradeStatus(`${base}/v1/realtime`)).toBe(401);
    expect(await upgradeStatus(`${base}/inspect`)).toBe(401);
    expect(await upgradeStatus(`${base}/ws/alice/x`, { headers: { Authorization: `Bearer ${KEY_A}` } })).toBe(
      101,
    );
    expect(await upgradeStatus(`${base}/ws/alice/x2`, {}, [`chorus-key.${KEY_A}`, 'chorus'])).toBe(101);
    expect(await upgradeStatus(`${base}/ws/alice/x3`, {}, ['chorus-key.wrong', 'chorus'])).toBe(401);
    expect(await upgradeStatus(`${base}/nowhere`, { headers: { Authorization: `Bearer ${KEY_A}` } })).toBe(
      404,
    );
    const text = await server.metrics.text();
    expect(text).toMatch(/chorus_rejected_upgrades_total\{status="401"\} 5/);
    expect(text).toMatch(/chorus_rejected_upgrades_total\{status="403"\} 1/);
  });

  it('reads CHORUS_API_KEYS and enforces the origin allow-list', async () => {
    const { base } = await start({
      auth: { allowedOrigins: ['https://app.example'] },
      env: { CHORUS_API_KEYS: 'carol:k-carol, k-any' },
    });
    const h = (key: string, origin?: string) => ({
      headers: { Authorization: `Bearer ${key}`, ...(origin ? { Origin: origin } : {}) },
    });
    expect(await upgradeStatus(`${base}/ws/carol/1`, h('k-carol'))).toBe(101);
    expect(await upgradeStatus(`${base}/ws/dave/1`, h('k-carol'))).toBe(403);
    expect(await upgradeStatus(`${base}/ws/dave/1`, h('k-any'))).toBe(101);
    expect(await upgradeStatus(`${base}/ws/carol/2`, h('k-carol', 'https://app.example'))).toBe(101);
    expect(await upgradeStatus(`${base}/ws/carol/3`, h('k-carol', 'https://evil.example'))).toBe(403);
  });

  it('allows insecure dev mode on loopback only and refuses a server without keys', async () => {
    expect(() =>
      createChorusServer({ rooms: { echo: () => new EchoAgent() }, logger: silent, env: {} }),
    ).toThrow(/no API keys configured/);
    const dev = createChorusServer({
      rooms: { echo: () => new EchoAgent() },
      auth: { insecureDev: true },
      logger: silent,
      env: {},
    });
    servers.push(dev);
    await expect(dev.listen(0, '0.0.0.0')).rejects.toThrow(/loopback/);
    const { base } = await start({ auth: { insecureDev: true }, env: {} });
    expect(await upgradeStatus(`${base}/ws/anyone/1`)).toBe(101);
  });

  it('never writes a key into the logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { base } = await start({ logger: pino({ level: 'debug' }, sink) });
    await upgradeStatus(`${base}/ws/alice/x?api_key=${KEY_B}`, {
      headers: { Authorization: `Bearer ${KEY_B}` },
    });
    await upgradeStatus(`${base}/ws/alice/y`, { headers: { Authorization: `Bearer ${KEY_A}` } });
    await upgradeStatus(`${base}/ws/alice/z`, { headers: { Authorization: 'Bearer not-a-key-secret' } });
    // pino writes to this stream synchronously, and the gateway logs a refusal before answering it.
    const log = lines.join('');
    // Two refusals (a key in the query string, an unknown key); the second upgrade is let in.
    expect(log.match(/upgrade refused/g)).toHaveLength(2);
    expect(log).not.toContain(KEY_A);
    expect(log).not.toContain(KEY_B);
    expect(log).not.toContain('not-a-key-secret');
  });
});

describe('limits', () => {
  it('closes an oversized frame with 1009 and a flood with 1008', async () => {
    const { base } = await start({
      limits: { maxFrameBytes: 1024, messageBurst: 20, messagesPerSecond: 10 },
    });
    const big = client(`${base}/ws/alice/big`);
    await big.opened;
    big.send('x'.repeat(2048));
    expect((await big.closed).code).toBe(1009);
    const flood = client(`${base}/ws/alice/flood`);
    await flood.opened;
    for (let i = 0; i < 100; i++) flood.send('{}');
    expect(await flood.closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
  });

  it('caps sessions per user (429); a second connection to an open session takes it over', async () => {
    const { base } = await start({ limits: { maxSessionsPerUser: 2 } });
    const one = client(`${base}/ws/alice/1`);
    const two = client(`${base}/ws/alice/2`);
    await Promise.all([one.opened, two.opened]);
    expect(await upgradeStatus(`${base}/ws/alice/3`, { headers: { Authorization: `Bearer ${KEY_A}` } })).toBe(
      429,
    );
    expect(await upgradeStatus(`${base}/ws/bob/1`, { headers: { Authorization: `Bearer ${KEY_B}` } })).toBe(
      101,
    );
    // At the cap, a connection that takes over one of the user's sessions is still let in.
    expect(await upgradeStatus(`${base}/ws/alice/1`, { headers: { Authorization: `Bearer ${KEY_A}` } })).toBe(
      101,
    );
    expect(await one.closed).toEqual({ code: 4002, reason: 'session taken over by a newer connection' });
    two.close();
    await two.closed;
  });

  it('closes an idle connection after the idle timeout (injected clock)', async () => {
    const clock = new TestClock();
    const { base } = await start({ clock, limits: { idleTimeoutMs: 60_000 } });
    const c = client(`${base}/ws/alice/idle`);
    await c.opened;
    c.send({ type: 'client_session_create', config: {} });
    await c.waitForType('server_session_created');
    clock.increment(59_000);
    c.send({ type: 'client_response_create' });
    await c.waitForType('agent_response_done');
    clock.increment(59_000);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    clock.increment(1_000);
    expect(await c.closed).toEqual({ code: 4000, reason: 'idle timeout' });
  });
});

describe('operations', () => {
  it('lists its rooms at /rooms for clients to choose from', async () => {
    const { port } = await start();
    const response = await fetch(`http://127.0.0.1:${port}/rooms`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ rooms: ['echo', 'lobby'], default: 'echo' });
  });

  it('serves /healthz and /metrics from a registry of its own', async () => {
    const { port } = await start();
    const other = await start();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', connections: 0, rooms: 0 });
    const c = client(`ws://127.0.0.1:${port}/ws/alice/m`);
    await c.opened;
    c.send({ type: 'client_session_create', config: {} });
    await c.waitForType('server_session_created');
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/chorus_sessions\{route="chorus"\} 1/);
    expect(text).toMatch(/chorus_rooms 1/);
    expect(text).toMatch(/chorus_events_in_total\{route="chorus"\} 1/);
    const otherText = await (await fetch(`http://127.0.0.1:${other.port}/metrics`)).text();
    expect(otherText).not.toMatch(/chorus_sessions\{route="chorus"\} 1/);
  });

  it('drains: every session gets server_session_ended{shutdown}, rooms stop, within the deadline', async () => {
    // The deadline runs on the injected clock, which never moves here: draining ends by itself.
    const clock = new TestClock();
    const { base, server, agents, port } = await start({ clock });
    const sessions = ['d1', 'd2', 'd3'].map((id) => client(`${base}/ws/alice/${id}`));
    await Promise.all(sessions.map((s) => s.opened));
    for (const s of sessions) s.send({ type: 'client_session_create', config: {} });
    await Promise.all(sessions.map((s) => s.waitForType('server_session_created')));
    const result = await server.drain({ deadlineMs: 2000 });
    expect(result).toEqual({ closed: 3, terminated: 0, roomsStopped: true });
    for (const s of sessions) {
      expect(await s.waitForType('server_session_ended')).toMatchObject({ reason: 'shutdown' });
      expect((await s.closed).code).toBe(1001);
    }
    expect(agents.every((a) => a.stopped)).toBe(true);
    expect(
      await upgradeStatus(`ws://127.0.0.1:${port}/ws/alice/late`, {
        headers: { Authorization: `Bearer ${KEY_A}` },
      }),
    ).not.toBe(101);
  });

  it('drains: a room that never stops holds the drain until the deadline on the injected clock', async () => {
    const clock = new TestClock();
    const { base, server } = await start({ clock, rooms: { echo: () => new StuckAgent() } });
    servers.splice(servers.indexOf(server), 1);
    const c = client(`${base}/ws/alice/stuck`);
    await c.opened;
    c.send({ type: 'client_session_create', config: {} });
    await c.waitForType('server_session_created');
    let drained: unknown;
    // A minute on the injected clock: on a real timer this test would time out.
    const draining = server.drain({ deadlineMs: 60_000 }).then((result) => {
      drained = result;
      return result;
    });
    // The session closing is the point after which only the deadline can end the drain.
    expect((await c.closed).code).toBe(1001);
    clock.increment(59_900);
    // One turn of the event loop lets a settled drain report; the clock, not this turn, decides.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(drained).toBeUndefined();
    clock.increment(100);
    expect(await draining).toEqual({ closed: 1, terminated: 0, roomsStopped: false });
    const closing = server.close();
    clock.increment(2_000);
    await closing;
  });
});

/** An agent whose stop never finishes, as one stuck on a provider that stopped answering. */
class StuckAgent extends EchoAgent {
  override stop(): Promise<void> {
    return new Promise<void>(() => {});
  }
}
