// The worker's code, run with `new Worker(source, { eval: true })`. It is plain JavaScript in a string
// so that the same file works from TypeScript sources (tests) and from the compiled package, without
// a loader for TypeScript inside the worker. It receives the espeak module URL in workerData.
export const ESPEAK_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const WASM_VOICES = { 'en-us': 'gmw/en-US', 'en-gb': 'gmw/en', en: 'gmw/en' };
async function main() {
  const loaded = await import(workerData.moduleUrl);
  const espeak = await loaded.default();
  const engine = new espeak.eSpeakNGWorker();
  let voice = '';
  parentPort.on('message', (request) => {
    try {
      const wanted = WASM_VOICES[request.voice] || request.voice;
      if (wanted !== voice) {
        engine.set_voice(wanted, 'en');
        voice = wanted;
      }
      engine.set_rate(request.rate);
      engine.set_pitch(request.pitch);
      const chunks = [];
      const words = [];
      let length = 0;
      engine.synthesize(request.text, (audio, events) => {
        chunks.push(audio);
        length += audio.length;
        for (const event of events) {
          if (event.type === 'word') words.push({ textOffset: event.text_position - 1, audioMs: event.audio_position });
        }
        return false;
      });
      const audio = new Int16Array(length);
      let offset = 0;
      for (const chunk of chunks) {
        audio.set(chunk, offset);
        offset += chunk.length;
      }
      parentPort.postMessage({ id: request.id, audio, sampleRate: engine.samplerate, words }, [audio.buffer]);
    } catch (error) {
      parentPort.postMessage({ id: request.id, error: String(error && error.message ? error.message : error) });
    }
  });
  parentPort.postMessage({ ready: true });
}
main().catch((error) => parentPort.postMessage({ fatal: String(error && error.message ? error.message : error) }));
`;
