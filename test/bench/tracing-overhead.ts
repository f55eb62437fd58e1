/**
 * What turn tracing costs the gateway, per operation, in this process (no sockets, so the figures
 * are not drowned by the machine's load the way a round-trip benchmark's are):
 *
 * - an audio frame handed to a room: directly (tracing off: the lease's room is the room itself)
 *   and through the traced room (tracing on: one clock read);
 * - a room event the tracer follows (an audio delta of a reply already started);
 * - a whole turn: receive, reply, model request, first audio, done and metrics.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/tracing-overhead.ts [frames=1000000]
 */
import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { EMPTY } from 'rxjs';
import type { Servable } from '../../packages/server/src/servable.js';
import { tracedRoom } from '../../packages/server/src/tracing/traced-room.js';
import { TurnTracer } from '../../packages/server/src/tracing/turn-tracer.js';

const frames = Number(process.argv[2] ?? 1_000_000);
let handled = 0;
const room: Servable = {
  events$: EMPTY,
  start: async () => undefined,
  stop: async () => undefined,
  handleInput: () => {
    handled++;
  },
};
// A provider that records (spans are built) but exports nowhere: the cost of tracing itself.
const tracer = new TurnTracer(new BasicTracerProvider(), { now: () => performance.now() });
tracer.opened({
  name: 'bench',
  key: 'session:bench/1',
  shared: false,
  providers: new Map([['a', 'scripted']]),
});
const traced = tracedRoom(room, 'session:bench/1', tracer);
const frame: ClientEvent = {
  type: 'client_audio_append',
  audio: 'AAAA',
  format: { type: 'audio/pcm', rate: 16000 },
} as ClientEvent;

function nsPer(n: number, run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / n;
}

function frameLoop(target: Servable): () => void {
  return () => {
    for (let i = 0; i < frames; i++) target.handleInput(frame);
  };
}

const who = { agent_id: 'a', agent_name: 'a' };
const delta = (response_id: string): ServerEvent =>
  ({
    type: 'agent_response_audio_delta',
    ...who,
    response_id,
    item_id: 'i',
    delta: 'AAAA',
    format: { type: 'audio/pcm', rate: 24000 },
  }) as ServerEvent;

function turns(n: number): () => void {
  return () => {
    for (let i = 0; i < n; i++) {
      const id = `r${i}`;
      traced.handleInput({ type: 'client_response_create' } as ClientEvent);
      tracer.roomEvent('session:bench/1', {
        type: 'agent_response_created',
        ...who,
        response_id: id,
      } as ServerEvent);
      tracer.roomEvent('session:bench/1', delta(id));
      tracer.roomEvent('session:bench/1', {
        type: 'agent_response_done',
        ...who,
        response_id: id,
        input_tokens: 0,
        output_tokens: 0,
      } as ServerEvent);
      tracer.roomEvent('session:bench/1', {
        type: 'agent_turn_metrics',
        ...who,
        response_id: id,
        time_to_first_audio_ms: 1,
        interrupted: false,
        tool_durations_ms: {},
      } as ServerEvent);
    }
  };
}

// Warm-up, then measure each twice and keep the better (the machine is shared).
for (const run of [frameLoop(room), frameLoop(traced), turns(1000)]) run();
const best = (n: number, run: () => void) => Math.min(nsPer(n, run), nsPer(n, run));
const off = best(frames, frameLoop(room));
const on = best(frames, frameLoop(traced));
tracer.roomEvent('session:bench/1', {
  type: 'agent_response_created',
  ...who,
  response_id: 'live',
} as ServerEvent);
const events = best(frames, () => {
  for (let i = 0; i < frames; i++) tracer.roomEvent('session:bench/1', delta('live'));
});
const turn = best(10_000, turns(10_000));
console.log(`frames=${frames} (handled ${handled})`);
console.log(`audio frame into a room, tracing off: ${off.toFixed(1)} ns`);
console.log(`audio frame into a room, tracing on:  ${on.toFixed(1)} ns (+${(on - off).toFixed(1)} ns)`);
console.log(`room event followed by the tracer:    ${events.toFixed(1)} ns`);
console.log(`one whole traced turn (5 spans):      ${(turn / 1000).toFixed(1)} us`);
console.log(
  `at 50 frames/s per session, tracing on costs ${(((on - off) * 50) / 1e6).toFixed(4)} ms of CPU per session-second`,
);
