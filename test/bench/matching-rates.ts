/**
 * Audio whose rate already matches, old path against new, in one process and interleaved: the local
 * model's input at 16 kHz (A: the converted chunk copied into a fresh Int16Array, B: a view of it,
 * as the chunker copies each frame anyway), and a G.711 transcode at 8 kHz (A: through an identity
 * resampler, B: with none). Each side ends with the frame chunker, as the pipeline does. Prints ns
 * per chunk.
 *
 *   node --expose-gc --conditions=@chorus/source --import tsx test/bench/matching-rates.ts [rounds=9]
 */
import {
  AudioConverter,
  bytesFromPcm16,
  FrameChunker,
  generateTone,
  muLawDecode,
  muLawEncode,
  Resampler,
} from '@chorus/audio';
import { pcm16Samples } from '../../packages/local/src/model/input-pipeline.js';
import { interleavedAB } from './interleaved-ab.js';

const rounds = Number(process.argv[2] ?? 9);
const CHUNKS = 50_000;
let sink = 0;

// 20 ms chunks at 16 kHz, each a fresh buffer as a socket delivers it.
const pcm16k = Array.from(
  { length: 64 },
  (_, i) => new Uint8Array(bytesFromPcm16(generateTone(200 + i, 20, 16000, 0.3))),
);
const mulaw8k = Array.from({ length: 64 }, (_, i) => muLawEncode(generateTone(200 + i, 20, 8000, 0.3)));

const chunker16 = new FrameChunker({ rate: 16000, frameMs: 20 });
const chunker8 = new FrameChunker({ rate: 8000, frameMs: 20 });
const identity = await Resampler.create({ inputRate: 8000, outputRate: 8000 });
const transcoder = await AudioConverter.create(
  { type: 'audio/pcmu', rate: 8000 },
  { type: 'audio/pcm', rate: 8000 },
);

const cases: Record<string, [() => void, () => void]> = {
  'pcm16 16 kHz into the pipeline': [
    () => {
      for (let i = 0; i < CHUNKS; i++) {
        const bytes = pcm16k[i & 63] as Uint8Array;
        const samples = new Int16Array(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.byteLength & ~1)),
        );
        sink += chunker16.push(samples).length;
      }
    },
    () => {
      for (let i = 0; i < CHUNKS; i++)
        sink += chunker16.push(pcm16Samples(pcm16k[i & 63] as Uint8Array)).length;
    },
  ],
  'pcmu 8 kHz to pcm 8 kHz': [
    () => {
      for (let i = 0; i < CHUNKS; i++) {
        const out = bytesFromPcm16(identity.process(muLawDecode(mulaw8k[i & 63] as Uint8Array)));
        sink += chunker8.push(pcm16Samples(out)).length;
      }
    },
    () => {
      for (let i = 0; i < CHUNKS; i++)
        sink += chunker8.push(pcm16Samples(transcoder.convert(mulaw8k[i & 63] as Uint8Array))).length;
    },
  ],
};

for (const [name, [runA, runB]] of Object.entries(cases))
  interleavedAB(name, runA, runB, { rounds, units: CHUNKS, unit: 'chunk' });
if (sink === 0) throw new Error('nothing was chunked');
