/**
 * Prints the cost of the per-frame audio work a gateway does for every 20 ms frame, in nanoseconds
 * per frame and as a share of the frame's real-time budget. A figure to read, not a pass/fail test.
 *
 * Run: `npx tsx packages/audio/bench/codec.ts` from the repository root.
 */
import {
  base64FromBytes,
  bytesFromBase64,
  bytesFromPcm16,
  generateTone,
  muLawDecode,
  muLawEncode,
  Resampler,
} from '../src/index.js';

const FRAME_MS = 20;
const FRAME_BUDGET_NS = FRAME_MS * 1e6;

function measure(name: string, iterations: number, run: () => unknown): void {
  for (let i = 0; i < Math.min(2000, iterations); i++) run(); // warm up the JIT
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run();
  const nsPerFrame = Number(process.hrtime.bigint() - started) / iterations;
  const share = ((nsPerFrame / FRAME_BUDGET_NS) * 100).toFixed(4);
  console.log(
    `${name.padEnd(42)} ${nsPerFrame.toFixed(0).padStart(8)} ns/frame  ${share.padStart(8)} % of real time`,
  );
}

const pcm24k = bytesFromPcm16(generateTone(440, FRAME_MS, 24000));
const pcm24kBase64 = base64FromBytes(pcm24k);
const pcm16kSamples = generateTone(440, FRAME_MS, 16000);
const pcm8kSamples = generateTone(440, FRAME_MS, 8000);
const mulaw8k = muLawEncode(pcm8kSamples);
const resampler = await Resampler.create({ inputRate: 16000, outputRate: 24000 });

console.log(`20 ms frames, Node ${process.version}`);
measure('base64 encode, 24 kHz PCM16 (960 B)', 200_000, () => base64FromBytes(pcm24k));
measure('base64 decode + validate, 24 kHz PCM16', 200_000, () => bytesFromBase64(pcm24kBase64));
measure('resample 16 kHz -> 24 kHz (320 -> 480 samples)', 50_000, () => resampler.process(pcm16kSamples));
measure('mu-law decode, 8 kHz (160 B)', 200_000, () => muLawDecode(mulaw8k));
measure('mu-law encode, 8 kHz (160 samples)', 200_000, () => muLawEncode(pcm8kSamples));
resampler.dispose();
