/**
 * Peer comparison: `@openai/agents-realtime`'s RealtimeSession and a Chorus RealtimeAgent on the
 * OpenAI adapter consume the same recorded response stream (recorded once from the OpenAI fake, then
 * replayed as one burst for every `response.create`; see recorded-stream.ts). The stream runs in a
 * child process, so the CPU time measured here is the client's alone, and since the burst is written
 * at once the client, not the producer, sets the pace. A bare `ws` client that only parses each frame
 * is the floor.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RealtimeAgent as ChorusAgent, type RealtimeModel } from '@chorus/core';
import { OpenAIRealtimeModel } from '@chorus/openai';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';
import WebSocket from 'ws';

const SELF = fileURLToPath(import.meta.url);
const SOURCE_ARGS = ['--conditions=@chorus/source', '--import', 'tsx'];
const WORDS = 8000;

export interface PeerRun {
  /** Client CPU (user + system) per server event, in microseconds. */
  readonly cpuUsPerEvent: number;
  readonly eventsPerSecond: number;
  readonly events: number;
}

interface FakeHandle {
  readonly url: string;
  sentCount(): Promise<number>;
  close(): void;
}

export async function startFake(): Promise<FakeHandle> {
  const child = fork(SELF, ['fake'], { execArgv: SOURCE_ARGS });
  const pending: ((n: number) => void)[] = [];
  const url = await new Promise<string>((resolve) => {
    child.on('message', (m: { url?: string; sent?: number }) => {
      if (m.url) resolve(m.url);
      if (m.sent !== undefined) pending.shift()?.(m.sent);
    });
  });
  return {
    url,
    sentCount: () =>
      new Promise((resolve) => {
        pending.push(resolve);
        child.send('count');
      }),
    close: () => child.kill(),
  };
}

async function measure(fake: FakeHandle, respond: () => Promise<void>): Promise<PeerRun> {
  const before = await fake.sentCount();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await respond();
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const events = (await fake.sentCount()) - before;
  return {
    cpuUsPerEvent: (used.user + used.system) / events,
    eventsPerSecond: events / (wall / 1000),
    events,
  };
}

export async function bareClientRun(fake: FakeHandle): Promise<PeerRun> {
  const ws = new WebSocket(`${fake.url}?model=gpt-realtime`, {
    headers: { Authorization: 'Bearer test-key' },
  });
  await new Promise((resolve) => ws.once('open', resolve));
  let done: () => void = () => {};
  ws.on('message', (data) => {
    const event = JSON.parse(data.toString()) as { type: string };
    if (event.type === 'response.done') done();
  });
  const run = await measure(fake, async () => {
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    ws.send(
      JSON.stringify({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
      }),
    );
    ws.send(JSON.stringify({ type: 'response.create' }));
    await finished;
  });
  ws.close();
  return run;
}

export async function sdkRun(fake: FakeHandle): Promise<PeerRun> {
  const session = new RealtimeSession(new RealtimeAgent({ name: 'peer', instructions: 'Be brief.' }), {
    transport: new OpenAIRealtimeWebSocket({ url: `${fake.url}?model=gpt-realtime` }),
  });
  await session.connect({ apiKey: 'test-key' });
  let audioBytes = 0;
  session.on('audio', (e) => {
    audioBytes += e.data.byteLength;
  });
  const run = await measure(fake, async () => {
    const finished = new Promise<void>((resolve) => {
      session.transport.on('*', (event: { type: string }) => {
        if (event.type === 'response.done') resolve();
      });
    });
    session.sendMessage('go');
    await finished;
  });
  session.close();
  if (audioBytes === 0) throw new Error('the SDK session received no audio');
  return run;
}

export async function chorusRun(
  fake: FakeHandle,
  model: (url: string) => RealtimeModel = (url) => new OpenAIRealtimeModel({ apiKey: 'test-key', url }),
): Promise<PeerRun> {
  const agent = new ChorusAgent({
    name: 'peer',
    instructions: 'Be brief.',
    model: model(`${fake.url}?model=gpt-realtime`),
  });
  let audioBytes = 0;
  agent.on('agent_response_audio_delta', (e) => {
    audioBytes += e.delta.length;
  });
  await agent.start();
  const run = await measure(fake, async () => {
    for await (const _event of agent.send('go')) {
      // every event of the turn
    }
  });
  await agent.stop();
  if (audioBytes === 0) throw new Error('the Chorus agent received no audio');
  return run;
}

export async function peerComparison(
  repetitions: number,
  only?: 'bare' | 'sdk' | 'chorus',
): Promise<{ bare: PeerRun[]; sdk: PeerRun[]; chorus: PeerRun[] }> {
  const fake = await startFake();
  const out = { bare: [] as PeerRun[], sdk: [] as PeerRun[], chorus: [] as PeerRun[] };
  const sides = { bare: bareClientRun, sdk: sdkRun, chorus: chorusRun };
  const chosen = only ? [only] : (['bare', 'sdk', 'chorus'] as const);
  try {
    // Two warm-ups of each (the JIT tiers up over the first runs), then alternating runs so drift on
    // a shared machine hits all three.
    for (let i = 0; i < 2; i++) for (const side of chosen) await sides[side](fake);
    for (let i = 0; i < repetitions; i++) {
      for (const side of chosen) out[side].push(await sides[side](fake));
    }
  } finally {
    fake.close();
  }
  return out;
}

if (process.argv[1] === SELF && process.argv[2] === 'fake') {
  const { startRecordedOpenAIStream } = await import('./recorded-stream.js');
  const words = Array.from({ length: WORDS }, (_, i) => `w${i}`).join(' ');
  const stream = await startRecordedOpenAIStream({ text: words, chunkMs: 20 });
  process.on('message', () => process.send?.({ sent: stream.sentCount() }));
  process.send?.({ url: stream.url });
}

if (process.argv[1] === SELF && process.argv[2] === 'run') {
  // Stand-alone: peer.ts run [repetitions] [bare|sdk|chorus] (one side only, e.g. for a profile)
  const only = process.argv[4] as keyof Awaited<ReturnType<typeof peerComparison>> | undefined;
  const result = await peerComparison(Number(process.argv[3] ?? 5), only);
  for (const [name, runs] of Object.entries(result)) {
    if (runs.length === 0) continue;
    console.log(
      name,
      runs.map((r) => `${r.cpuUsPerEvent.toFixed(1)} us/event ${r.eventsPerSecond.toFixed(0)}/s`),
    );
  }
  process.exit(0);
}
