/**
 * Per-event overhead (issue 8, scenario 1): the OpenAI provider fake streams audio and transcript deltas
 * through the OpenAI adapter -> RealtimeAgent -> gateway -> client, against a bare `ws` relay that forwards
 * the fake's frames verbatim. The fake and the clients share one child process (one clock), so each
 * event's latency is client receipt minus the moment the fake sent it; the servers run in this process.
 *
 * Every delta is tagged: audio chunks carry (connection, sequence) in their first 8 bytes and each
 * transcript word is `c<connection>k<sequence>`, so the client can match what it receives to a send time.
 *
 * - paced: each session asks for a response of CHUNKS deltas every PACE_MS (offered load fixed), per-event
 *   p50/p99 latency.
 * - closed loop: each session asks for the next response as soon as one is done, events/s delivered.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RealtimeAgent } from '@chorus/core';
import { OpenAIRealtimeModel } from '@chorus/openai';
import { pino } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';

const SELF = fileURLToPath(import.meta.url);
const SOURCE_ARGS = ['--conditions=@chorus/source', '--import', 'tsx'];
/** Deltas of each kind per response: 20 ms of 24 kHz PCM16 each, plus one transcript word. */
const CHUNKS = 10;
/** Paced mode: a response per session every this many ms (10 x 20 ms of audio every 400 ms). */
const PACE_MS = 400;

export interface OverheadResult {
  readonly sessions: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Received deltas whose tag matched no send (should be 0). */
  readonly unmatched: number;
  /** Responses completed over the whole run, warm-up included: the denominator of a profile's per-response cost. */
  readonly responses: number;
  /** CPU time of the servers' process over the measured window, in microseconds. */
  readonly serverCpuUs?: number;
}

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function tagOfAudio(base64: string): string {
  const bytes = Buffer.from(base64.slice(0, 12), 'base64');
  return `a${bytes.readUInt32LE(0)}:${bytes.readUInt32LE(4)}`;
}
const tagOfWord = (delta: string) => `t${delta.trim()}`;

/** Servers side: the gateway serving agents on the OpenAI adapter, and the bare relay. */
export async function startOverheadServers(send: { readonly coalesce?: boolean } = {}) {
  let fakeUrl = '';
  const relay = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  relay.on('connection', (client) => {
    const upstream = new WebSocket(`${fakeUrl}?model=gpt-realtime`, {
      headers: { Authorization: 'Bearer test-key' },
      perMessageDeflate: false,
    });
    const early: WebSocket.RawData[] = [];
    upstream.on('open', () => {
      for (const m of early.splice(0)) upstream.send(m);
    });
    upstream.on('message', (data, binary) => client.send(data, { binary }));
    client.on('message', (data) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data);
      else early.push(data);
    });
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
    upstream.on('error', () => client.terminate());
  });
  await new Promise((r) => relay.once('listening', r));
  const { createChorusServer } = await import('@chorus/server');
  const gateway = createChorusServer({
    rooms: {
      openai: () =>
        new RealtimeAgent({
          name: 'relay',
          instructions: 'Be brief.',
          model: new OpenAIRealtimeModel({ apiKey: 'test-key', url: `${fakeUrl}?model=gpt-realtime` }),
        }),
    },
    auth: { apiKeys: ['bench-key'] },
    logger: pino({ level: 'silent' }),
    limits: { messagesPerSecond: 1e6, messageBurst: 1e6, maxSessionsPerUser: 100_000, send },
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  return {
    relayUrl: `ws://127.0.0.1:${(relay.address() as { port: number }).port}`,
    gatewayUrl: `ws://127.0.0.1:${port}`,
    setFakeUrl: (url: string) => {
      fakeUrl = url;
    },
    close: async () => {
      await gateway.close();
      for (const c of relay.clients) c.terminate();
      relay.close();
    },
  };
}

export type OverheadServers = Awaited<ReturnType<typeof startOverheadServers>>;

/**
 * One run: the child starts the fake, tells us its URL, then drives `sessions` clients against `target`.
 */
export function runOverhead(
  servers: OverheadServers,
  target: 'relay' | 'gateway',
  mode: 'paced' | 'closed',
  sessions: number,
  seconds: number,
): Promise<OverheadResult> {
  const url = target === 'relay' ? servers.relayUrl : servers.gatewayUrl;
  return new Promise<OverheadResult>((resolve, reject) => {
    const child = fork(SELF, ['child', url, target, mode, String(sessions), String(seconds)], {
      execArgv: SOURCE_ARGS,
    });
    let cpuAtStart: NodeJS.CpuUsage | undefined;
    let serverCpuUs: number | undefined;
    child.on('message', (m: { fakeUrl?: string; result?: OverheadResult; window?: 'start' | 'stop' }) => {
      // This process's CPU over the measured window: the servers' cost of the events counted.
      if (m.window === 'start') cpuAtStart = process.cpuUsage();
      if (m.window === 'stop' && cpuAtStart) {
        const used = process.cpuUsage(cpuAtStart);
        serverCpuUs = used.user + used.system;
      }
      if (m.result) {
        resolve(serverCpuUs === undefined ? m.result : { ...m.result, serverCpuUs });
        return;
      }
      if (m.fakeUrl) {
        servers.setFakeUrl(m.fakeUrl);
        child.send('go');
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`overhead load generator exited with ${code}`));
    });
  });
}

async function child(
  url: string,
  target: string,
  mode: string,
  sessions: number,
  seconds: number,
): Promise<OverheadResult> {
  const { startFakeOpenAIRealtime } = await import('@chorus/fakes');
  const sentAt = new Map<string, number>();
  const seqByConnection = new Map<number, number>();
  const fake = await startFakeOpenAIRealtime({
    responder: ({ connectionId }) => {
      const audio: Uint8Array[] = [];
      const words: string[] = [];
      for (let i = 0; i < CHUNKS; i++) {
        const seq = seqByConnection.get(connectionId) ?? 0;
        seqByConnection.set(connectionId, seq + 1);
        const chunk = Buffer.alloc(960, 1);
        chunk.writeUInt32LE(connectionId, 0);
        chunk.writeUInt32LE(seq, 4);
        audio.push(chunk);
        words.push(`c${connectionId}k${seq}`);
      }
      return { text: words.join(' '), audio };
    },
  });
  // The fake records every frame it sends; keep only the send time of each tagged delta.
  const measuring = { on: false };
  fake.sent.push = (...frames) => {
    const now = performance.now();
    for (const f of frames) {
      const e = f.event as { type?: string; delta?: string } | undefined;
      if (!e?.delta) continue;
      if (e.type === 'response.output_audio.delta') sentAt.set(tagOfAudio(e.delta), now);
      else if (e.type === 'response.output_audio_transcript.delta') sentAt.set(tagOfWord(e.delta), now);
    }
    return 0;
  };
  process.send?.({ fakeUrl: fake.url });
  await new Promise((r) => process.once('message', r));

  const chorus = target === 'gateway';
  const latencies: number[] = [];
  let events = 0;
  let unmatched = 0;
  let responses = 0;
  const onDone: (() => void)[] = [];
  const record = (tag: string, at: number) => {
    const t0 = sentAt.get(tag);
    if (t0 === undefined) {
      unmatched++;
      return;
    }
    sentAt.delete(tag);
    if (!measuring.on) return;
    events++;
    latencies.push(at - t0);
  };
  // The listener goes on before the socket opens: the relay forwards the fake's `session.created` at once.
  const open = (index: number) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(chorus ? `${url}/ws/openai/s${index}` : url, {
        headers: chorus ? { Authorization: 'Bearer bench-key' } : {},
        perMessageDeflate: false,
      });
      ws.on('message', (data: Buffer, binary) => {
        const at = performance.now();
        if (binary) return;
        const e = JSON.parse(data.toString()) as { type: string; delta?: string };
        switch (e.type) {
          case 'agent_response_audio_delta':
          case 'response.output_audio.delta':
            record(tagOfAudio(e.delta ?? ''), at);
            return;
          case 'agent_response_audio_transcript_delta':
          case 'response.output_audio_transcript.delta':
            record(tagOfWord(e.delta ?? ''), at);
            return;
          case 'agent_response_done':
          case 'response.done':
            responses++;
            onDone[index]?.();
            return;
          case 'server_session_created':
          case 'session.created':
            resolve(ws);
            return;
        }
      });
      ws.once('open', () => {
        if (chorus) ws.send(JSON.stringify({ type: 'client_session_create', config: {} }));
      });
      ws.once('error', reject);
    });
  const sockets: WebSocket[] = [];
  // In batches: a burst of hundreds of upgrades at once measures the accept queue.
  for (let i = 0; i < sessions; i += 25) {
    sockets.push(
      ...(await Promise.all(Array.from({ length: Math.min(25, sessions - i) }, (_, j) => open(i + j)))),
    );
  }
  const ask = (ws: WebSocket) => {
    if (chorus) {
      ws.send(JSON.stringify({ type: 'client_text_append', text: 'go' }));
      ws.send(JSON.stringify({ type: 'client_response_create' }));
    } else {
      ws.send(
        JSON.stringify({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
        }),
      );
      ws.send(JSON.stringify({ type: 'response.create' }));
    }
  };
  let running = true;
  const loops = sockets.map(async (ws, index) => {
    // Spread the sessions over the pace window, as independent users would be.
    await new Promise((r) => setTimeout(r, (index * PACE_MS) / sessions));
    while (running) {
      const started = performance.now();
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        onDone[index] = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      ask(ws);
      await done;
      if (mode === 'paced') {
        const wait = PACE_MS - (performance.now() - started);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
  });
  await new Promise((r) => setTimeout(r, 1000)); // warm-up inside the run
  measuring.on = true;
  process.send?.({ window: 'start' });
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring.on = false;
  process.send?.({ window: 'stop' });
  const elapsed = (performance.now() - t0) / 1000;
  running = false;
  await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 3000))]);
  for (const ws of sockets) ws.terminate();
  await fake.close();
  latencies.sort((a, b) => a - b);
  return {
    sessions,
    events,
    eventsPerSecond: events / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    unmatched,
    responses,
  };
}

if (process.argv[1] === SELF && process.argv[2] === 'child') {
  const [, , , url, target, mode, sessions, seconds] = process.argv;
  const result = await child(
    url as string,
    target as string,
    mode as string,
    Number(sessions),
    Number(seconds),
  );
  process.send?.({ result });
  process.exit(0);
} else if (process.argv[1] === SELF && process.argv[4] === 'coalesce-ab') {
  // A/B of one socket write per turn: overhead.ts <sessions> <seconds> coalesce-ab [repetitions]
  // Two gateways in this process, one writing each message on its own, interleaved; the CPU this
  // process spends per delivered event is the figure least disturbed by other load on the machine.
  const sessions = Number(process.argv[2] ?? 100);
  const seconds = Number(process.argv[3] ?? 5);
  const reps = Number(process.argv[5] ?? 3);
  const variants = [
    ['one write per message', await startOverheadServers({ coalesce: false })],
    ['one write per turn', await startOverheadServers({ coalesce: true })],
  ] as const;
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, servers] of variants) {
      const r = await runOverhead(servers, 'gateway', 'paced', sessions, seconds);
      const cpuPerEvent = (r.serverCpuUs ?? Number.NaN) / r.events;
      console.log(
        `${name}: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, ${Math.round(r.eventsPerSecond)} events/s, ` +
          `gateway CPU ${cpuPerEvent.toFixed(1)} us/event (load ${loadavg()[0]?.toFixed(2)})`,
      );
    }
  }
  for (const [, servers] of variants) await servers.close();
  process.exit(0);
} else if (process.argv[1] === SELF) {
  // Stand-alone: node --conditions=@chorus/source --import tsx test/bench/overhead.ts [sessions] [seconds] [relay|gateway]
  const sessions = Number(process.argv[2] ?? 100);
  const seconds = Number(process.argv[3] ?? 5);
  const servers = await startOverheadServers();
  // An optional third argument keeps one target (a profile of the gateway alone: `... 100 5 gateway`).
  const only = process.argv[4];
  const targets = (['relay', 'gateway'] as const).filter((t) => only === undefined || t === only);
  for (const target of targets) {
    for (const mode of ['paced', 'closed'] as const) {
      const r = await runOverhead(servers, target, mode, sessions, seconds);
      console.log(`${target} ${mode}: ${JSON.stringify(r)}`);
    }
  }
  await servers.close();
  process.exit(0);
}
