/**
 * A room that relays audio between its agents (`relay: 'audio'`), old path against new, in one
 * process and interleaved. Each round takes provider audio deltas held as bytes (20 ms of 24 kHz
 * PCM16, as the adapters emit them) to the bytes each listening agent's model is sent:
 * A, the delta's base64 put in a `client_audio_append` and decoded again by each listener (the relay
 * before); B, `relayedAudioAppend`, whose bytes the listener takes as they are. And a phone caller's
 * 20 ms frames (16 kHz PCM16 after the converter) to the agent's model: A, base64 in a
 * `client_audio_append` that the room validates and client input decodes; B, `parseClientAudioBytes`.
 * Prints ns per delta (frame).
 *
 *   node --expose-gc --conditions=@chorus/source --import tsx test/bench/relay-audio.ts [rounds=9]
 */
import { base64FromBytes, bytesFromPcm16, generateTone } from '@chorus/audio';
import {
  agentAudioDeltaOf,
  type ClientEventOf,
  clientAudioBytes,
  modelAudioDeltaFromBytes,
  parseClientAudioBytes,
  parseClientEvent,
  relayedAudioAppend,
} from '@chorus/protocol';
import { interleavedAB } from './interleaved-ab.js';

const rounds = Number(process.argv[2] ?? 9);
const DELTAS = 20_000;
const format = { type: 'audio/pcm', rate: 24000 } as const;
const agent = { agentId: 'a1', agentName: 'Agent1' };
// Fresh bytes per delta, as each provider frame is decoded into its own buffer.
const chunks = Array.from(
  { length: 64 },
  (_, i) => new Uint8Array(bytesFromPcm16(generateTone(180 + i, 20, 24000, 0.3))),
);
let sink = 0;

function delta(i: number) {
  const bytes = (chunks[i & 63] as Uint8Array).slice();
  return agentAudioDeltaOf(agent, modelAudioDeltaFromBytes('r1', 'i1', format, bytes, base64FromBytes));
}

/** What client input does with an append: its bytes, or its base64 decoded. */
function heard(event: ClientEventOf<'client_audio_append'>): Uint8Array {
  return clientAudioBytes(event) ?? Buffer.from(event.audio, 'base64');
}

function relayBefore(listeners: number): void {
  for (let i = 0; i < DELTAS; i++) {
    const d = delta(i);
    const relayed: ClientEventOf<'client_audio_append'> = {
      type: 'client_audio_append',
      audio: d.delta,
      format: d.format,
    };
    for (let l = 0; l < listeners; l++) sink += heard(relayed).byteLength;
  }
}

function relayAfter(listeners: number): void {
  for (let i = 0; i < DELTAS; i++) {
    const relayed = relayedAudioAppend(delta(i));
    for (let l = 0; l < listeners; l++) sink += heard(relayed).byteLength;
  }
}

const callerFrames = Array.from(
  { length: 64 },
  (_, i) => new Uint8Array(bytesFromPcm16(generateTone(180 + i, 20, 16000, 0.3))),
);
const callerFormat = { type: 'audio/pcm', rate: 16000 } as const;

function callerBefore(): void {
  for (let i = 0; i < DELTAS; i++) {
    const bytes = (callerFrames[i & 63] as Uint8Array).slice();
    const parsed = parseClientEvent({
      type: 'client_audio_append',
      audio: base64FromBytes(bytes),
      format: callerFormat,
    });
    if (parsed.ok && parsed.event.type === 'client_audio_append') sink += heard(parsed.event).byteLength;
  }
}

function callerAfter(): void {
  for (let i = 0; i < DELTAS; i++) {
    const bytes = (callerFrames[i & 63] as Uint8Array).slice();
    const parsed = parseClientAudioBytes(bytes, callerFormat, undefined, base64FromBytes);
    // The room parses what it is handed; an event made here is known valid and passes straight on.
    const again = parsed.ok ? parseClientEvent(parsed.event) : undefined;
    if (again?.ok && again.event.type === 'client_audio_append') sink += heard(again.event).byteLength;
  }
}

const cases: [string, () => void, () => void][] = [
  ...[1, 3].map((n): [string, () => void, () => void] => [
    `relay to ${n} listening agent(s)`,
    () => relayBefore(n),
    () => relayAfter(n),
  ]),
  ['phone caller frames to the model', callerBefore, callerAfter],
];
for (const [name, runA, runB] of cases)
  interleavedAB(name, runA, runB, { rounds, units: DELTAS, unit: 'delta' });
if (sink === 0) throw new Error('no audio reached a listener');
