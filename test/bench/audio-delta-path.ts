/**
 * One provider audio delta from the received frame to what the gateway writes, base64 text against
 * bytes, in one process and interleaved. Both paths are in the code: A is the full parse (what any
 * frame the fast read does not take, and a custom model's base64 delta, still go through), B the
 * fast read.
 *
 * A: `parseOpenAIServerEvent` (JSON.parse of the frame), the adapter's mapping with the base64 text,
 *    the agent's event with the same text, then per binary client the shared frame (the base64
 *    decoded into it) and for JSON clients the event's JSON, made once.
 * B: `readOpenAIAudioDelta` (the base64 decoded from the frame into bytes), the mapping with the
 *    bytes, the agent's event carrying them, the shared binary frame (a copy of the bytes), and the
 *    JSON made once with the base64 put in (`audioDeltaJson`: the only base64 encoding, and only
 *    when a JSON client is there).
 *
 * Prints ns per delta and the young-generation collections each side caused.
 *
 *   node --expose-gc --conditions=@chorus/source --import tsx test/bench/audio-delta-path.ts [binary=1] [json=1] [rounds=7]
 */
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { agentAudioDeltaOf, audioDeltaJson, type ModelEvent, type ServerEvent } from '@chorus/protocol';
import { parseOpenAIServerEvent, readOpenAIAudioDelta } from '@chorus/protocol/openai';
import { ConversationLog } from '../../packages/openai/src/conversation-log.js';
import { ProviderEventMapper } from '../../packages/openai/src/provider-event-mapper.js';
import { agentDeltaFrame } from '../../packages/server/src/binary-audio.js';

const binaryClients = Number(process.argv[2] ?? 1);
const jsonClients = Number(process.argv[3] ?? 1);
const rounds = Number(process.argv[4] ?? 7);
const N = 20_000;
const agent = { agentId: 'agent_1', agentName: 'Max' };
const pcm24k = { type: 'audio/pcm', rate: 24000 } as const;

// 100 ms of 24 kHz PCM16 per delta (what the OpenAI fake sends), varying content, as received.
const frames = Array.from({ length: 64 }, (_, i) =>
  Buffer.from(
    JSON.stringify({
      type: 'response.output_audio.delta',
      event_id: `event_${i}`,
      response_id: 'resp_1',
      item_id: `item_${i >> 3}`,
      output_index: 0,
      content_index: 0,
      delta: Buffer.alloc(4800, i * 7).toString('base64'),
    }),
  ),
);

let sink = 0;
let agentEvent: ServerEvent | undefined;

function onModelEvent(event: ModelEvent): void {
  if (event.type !== 'model_response_audio_delta') return;
  // What the agent's router does with the delta.
  agentEvent = agentAudioDeltaOf(agent, event);
}

const hooks = {
  emit: onModelEvent,
  onProviderError: () => {},
  onResponseStarted: () => {},
  onResponseFinished: () => {},
  onSpeechChanged: () => {},
};
const mapper = new ProviderEventMapper('openai', new ConversationLog(), hooks);
mapper.setAudio(undefined, pcm24k);

function fanOut(): void {
  const event = agentEvent as Extract<ServerEvent, { type: 'agent_response_audio_delta' }>;
  for (let c = 0; c < binaryClients; c++) sink += agentDeltaFrame(event).byteLength;
  // What the room host does once for all its JSON clients (`jsonOf`).
  if (jsonClients > 0) sink += (audioDeltaJson(event) ?? JSON.stringify(event)).length;
}

function runA(): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const parsed = parseOpenAIServerEvent(frames[i & 63]);
    if (parsed.ok && !parsed.unknown) mapper.map(parsed.event);
    fanOut();
  }
  return Number(process.hrtime.bigint() - t0) / N;
}

function runB(): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const delta = readOpenAIAudioDelta(frames[i & 63] as Buffer);
    if (delta) mapper.audioBytes(delta.response_id, delta.item_id, delta.audio);
    fanOut();
  }
  return Number(process.hrtime.bigint() - t0) / N;
}

let scavenges = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    // A young-generation collection (perf_hooks' NODE_PERFORMANCE_GC_MINOR).
    if ((entry as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
  }
}).observe({ entryTypes: ['gc'] });
// GC entries reach the observer some milliseconds after the collection, not in the next turn.
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const gc = (globalThis as { gc?: () => void }).gc;

async function measure(run: () => number): Promise<[number, number]> {
  gc?.();
  await settle();
  const before = scavenges;
  const ns = run();
  await settle();
  return [ns, scavenges - before];
}

const a: number[] = [];
const b: number[] = [];
const gcA: number[] = [];
const gcB: number[] = [];
runA();
runB();
for (let r = 0; r < rounds; r++) {
  const [nsA, sA] = await measure(runA);
  const [nsB, sB] = await measure(runB);
  a.push(nsA);
  b.push(nsB);
  gcA.push(sA);
  gcB.push(sB);
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
console.log(
  `binary=${binaryClients} json=${jsonClients} deltas=${N} x ${rounds} rounds (load ${loadavg()[0]?.toFixed(2)}): ` +
    `A text ${median(a).toFixed(0)} ns/delta (${a.map((x) => x.toFixed(0)).join(' ')}), ` +
    `B bytes ${median(b).toFixed(0)} ns/delta (${b.map((x) => x.toFixed(0)).join(' ')}), ` +
    `${(median(a) / median(b)).toFixed(2)}x; scavenges per round A ${median(gcA)}, B ${median(gcB)} ` +
    `(${sink > 0 ? 'ok' : ''})`,
);
