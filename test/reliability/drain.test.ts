import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import type { ChorusServer, Servable } from '@chorus/server';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { KEY, scriptedAgent, startGateway } from './support/gateway.js';
import { failOnProcessErrors } from './support/process-guard.js';
import { bearer, WsClient } from './support/ws-client.js';

failOnProcessErrors();

// `chorus serve` is not there yet; this drives the gateway's own shutdown, which its SIGTERM handler calls.

let server: ChorusServer | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = undefined;
});

/** A room whose stop never finishes: drain must still return by its deadline. */
class StuckRoom implements Servable {
  readonly #events = new Subject<ServerEvent>();
  readonly events$ = this.#events.asObservable();
  async start(): Promise<void> {}
  handleInput(_event: ClientEvent): boolean {
    return true;
  }
  stop(): Promise<void> {
    return new Promise(() => {});
  }
}

const talker = () => scriptedAgent('talker', { fallback: { text: 'a long answer', audioMs: 20_000 } });

async function talkingSessions(base: string, n: number): Promise<WsClient[]> {
  const open: WsClient[] = [];
  for (let i = 0; i < n; i++) {
    const chorus = new WsClient(`${base}/ws/u${i}/s`, bearer(KEY));
    clients.push(chorus);
    await chorus.opened;
    chorus.send({ type: 'client_session_create', config: {} });
    await chorus.waitForType('server_session_created');
    chorus.send({ type: 'client_text_append', text: 'talk' });
    chorus.send({ type: 'client_response_create' });
    const openai = new WsClient(`${base}/v1/realtime?model=talker`, bearer(KEY));
    clients.push(openai);
    await openai.opened;
    openai.send({ type: 'response.create' });
    open.push(chorus, openai);
  }
  await Promise.all(
    open.map((c, i) =>
      c.waitForType(i % 2 === 0 ? 'agent_response_audio_delta' : 'response.output_audio.delta'),
    ),
  );
  return open;
}

describe('shutdown during active sessions', () => {
  it('drains talking sessions on both routes cleanly: shutdown notice, 1001, rooms stopped, nothing cut off', async () => {
    const gateway = await startGateway({ rooms: { talker } });
    server = gateway.server;
    const open = await talkingSessions(gateway.base, 5);
    const result = await gateway.server.drain({ deadlineMs: 5_000 });
    expect(result).toEqual({ closed: 10, terminated: 0, roomsStopped: true });
    const codes = await Promise.all(open.map((c) => c.closed.then((x) => x.code)));
    expect(codes).toEqual(Array(10).fill(1001));
    for (const chorus of open.filter((_, i) => i % 2 === 0)) {
      expect(chorus.messages.filter((m) => m.type === 'server_session_ended').at(-1)?.reason).toBe(
        'shutdown',
      );
    }
    expect(gateway.server.connections).toBe(0);
    // New sessions are refused while draining.
    const late = new WsClient(`${gateway.base}/ws/late/s`, bearer(KEY));
    clients.push(late);
    await expect(late.opened).rejects.toThrow(/HTTP 503|ECONNREFUSED/);
  });

  it('returns by its deadline even when a room never stops and a client never reads', async () => {
    const gateway = await startGateway({
      rooms: { stuck: () => new StuckRoom(), talker },
      defaultRoom: 'talker',
    });
    server = gateway.server;
    const stuck = new WsClient(`${gateway.base}/ws/a/stuck`, bearer(KEY));
    clients.push(stuck);
    await stuck.opened;
    stuck.send({ type: 'client_session_create', config: { room: 'stuck' } });
    await stuck.waitForType('server_session_created');
    const [deaf] = await talkingSessions(gateway.base, 1);
    if (!deaf) throw new Error('no session opened');
    // A client that stops reading cannot receive the close frame.
    (deaf.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = performance.now();
    const result = await gateway.server.drain({ deadlineMs: 400 });
    // Generous slack for a loaded machine; an unbounded drain would take the whole test timeout.
    expect(performance.now() - started).toBeLessThan(400 + 1_000);
    expect(result.roomsStopped).toBe(false);
    // The two reading clients complete the close handshake; the deaf one is cut off at the deadline.
    expect(result).toEqual({ closed: 2, terminated: 1, roomsStopped: false });
    // Gone at once, not when the per-socket close timer would have ended them 2 s later.
    await eventually(
      () => gateway.server.connections,
      (n) => n === 0,
      'every connection gone right after the deadline',
      500,
    );
  });
});
