/**
 * The peer bench's Chorus side (a RealtimeAgent on the OpenAI adapter reading a recorded response
 * burst; see peer.ts), audio deltas as text against bytes, alternating in one process: A reads every
 * frame with the full parse (the adapter's dialect without `readAudioDelta`, so deltas travel as
 * base64 text as they did before), B reads audio delta frames in place into bytes. The listener
 * reads each delta's base64 (`delta.length`), so B pays its one encoding too. Prints client CPU per
 * event.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/peer-audio-ab.ts [repetitions=5]
 */
import { loadavg } from 'node:os';
import { OpenAIRealtimeModel } from '@chorus/openai';
import { openaiDialect, SocketRealtimeModel } from '@chorus/openai/socket';
import { chorusRun, type PeerRun, startFake } from './peer.js';

const repetitions = Number(process.argv[2] ?? 5);
const textModel = (url: string) =>
  new SocketRealtimeModel({ ...openaiDialect({ apiKey: 'test-key', url }), readAudioDelta: undefined });
const bytesModel = (url: string) => new OpenAIRealtimeModel({ apiKey: 'test-key', url });

const fake = await startFake();
const a: PeerRun[] = [];
const b: PeerRun[] = [];
try {
  for (let i = 0; i < 2; i++) {
    await chorusRun(fake, textModel);
    await chorusRun(fake, bytesModel);
  }
  for (let i = 0; i < repetitions; i++) {
    a.push(await chorusRun(fake, textModel));
    b.push(await chorusRun(fake, bytesModel));
  }
} finally {
  fake.close();
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
const us = (runs: PeerRun[]) => runs.map((r) => r.cpuUsPerEvent);
console.log(
  `Chorus peer, ${repetitions} alternating runs (load ${loadavg()[0]?.toFixed(2)}): ` +
    `A text ${median(us(a)).toFixed(2)} us/event (${us(a)
      .map((x) => x.toFixed(1))
      .join(' ')}), ` +
    `B bytes ${median(us(b)).toFixed(2)} us/event (${us(b)
      .map((x) => x.toFixed(1))
      .join(' ')}), ` +
    `${(median(us(a)) / median(us(b))).toFixed(2)}x`,
);
