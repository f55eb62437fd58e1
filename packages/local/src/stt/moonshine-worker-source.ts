// The Moonshine worker's code, run with `new Worker(source, { eval: true })`: plain JavaScript in a
// string, so the same file works from TypeScript sources (tests) and from the compiled package. It
// receives in workerData the URLs of onnxruntime-web and llama-tokenizer-js and the two model files'
// paths, loads them once, then transcribes one turn at a time: an encoder pass over the whole turn,
// then a greedy decode, one token per step, reusing the decoder's attention cache.
//
// Moonshine tiny's decoder: 6 layers, 8 heads of 36; token 1 starts, token 2 ends. The decode stops
// after 6 tokens per second of audio plus 8 (Moonshine's own rule is the 6 per second, which cut short
// turns of a second or two mid-word), so a turn of noise cannot loop on.
export const MOONSHINE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const LAYERS = 6, HEADS = 8, HEAD_SIZE = 36, START = 1, END = 2, RATE = 16000;
const TOKENS_PER_SECOND = 6, EXTRA_TOKENS = workerData.extraTokens;
async function main() {
  const ort = await import(workerData.ortUrl);
  const tokenizer = (await import(workerData.tokenizerUrl)).default;
  ort.env.wasm.numThreads = 1;
  const options = { executionProviders: ['wasm'] };
  const encoder = await ort.InferenceSession.create(readFileSync(workerData.encoderPath), options);
  const decoder = await ort.InferenceSession.create(readFileSync(workerData.decoderPath), options);
  const cacheNames = [];
  for (let layer = 0; layer < LAYERS; layer++)
    for (const part of ['decoder', 'encoder'])
      for (const kind of ['key', 'value']) cacheNames.push('past_key_values.' + layer + '.' + part + '.' + kind);
  async function transcribe(audio) {
    if (audio.length < RATE / 10) return '';
    const encoded = await encoder.run({ input_values: new ort.Tensor('float32', audio, [1, audio.length]) });
    const hidden = encoded.last_hidden_state;
    const maxTokens = Math.ceil((audio.length / RATE) * TOKENS_PER_SECOND) + EXTRA_TOKENS;
    const past = {};
    for (const name of cacheNames) past[name] = new ort.Tensor('float32', new Float32Array(0), [0, HEADS, 1, HEAD_SIZE]);
    const written = [];
    let input = START;
    for (let step = 0; step < maxTokens; step++) {
      const out = await decoder.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(input)), [1, 1]),
        encoder_hidden_states: hidden,
        use_cache_branch: new ort.Tensor('bool', [step > 0], [1]),
        ...past,
      });
      const logits = out.logits;
      const vocabulary = logits.dims[2];
      const offset = (logits.dims[1] - 1) * vocabulary;
      const data = logits.data;
      let best = 0;
      for (let v = 1; v < vocabulary; v++) if (data[offset + v] > data[offset + best]) best = v;
      if (best === END) break;
      written.push(best);
      input = best;
      // The decoder's own cache grows every step; the encoder's is computed at the first step only.
      for (const name of cacheNames) {
        if (step > 0 && name.includes('.encoder.')) continue;
        past[name] = out[name.replace('past_key_values', 'present')];
      }
    }
    return tokenizer.decode(written).trim();
  }
  let queue = Promise.resolve();
  parentPort.on('message', (request) => {
    queue = queue.then(async () => {
      try {
        parentPort.postMessage({ id: request.id, text: await transcribe(request.audio) });
      } catch (error) {
        parentPort.postMessage({ id: request.id, error: String(error && error.message ? error.message : error) });
      }
    });
  });
  parentPort.postMessage({ ready: true });
}
main().catch((error) => parentPort.postMessage({ fatal: String(error && error.message ? error.message : error) }));
`;
