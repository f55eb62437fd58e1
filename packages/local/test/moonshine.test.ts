import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, resamplePcm16 } from '@chorus/audio';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectPocketsphinx,
  findMoonshineModel,
  installMoonshineModel,
  MAX_WAITING_TURNS,
  MOONSHINE_MODEL,
  MoonshineLoadError,
  MoonshineRecognizer,
  moonshineAvailable,
  moonshineRuntimeInstalled,
  moonshineRuntimeUrls,
  moonshineTranscriber,
  rulesBrain,
} from '../src/index.js';
import { parsePackFilename } from '../src/stt/moonshine.js';

// `.ci/run` installs the model (`chorus speech install`), so there the tests must run, not skip.
const installed = moonshineAvailable();
const pocketsphinx = installed && (await detectPocketsphinx()) !== undefined;
const SKIP = 'skipped: Moonshine is not installed (npx chorus speech install)';
if (!installed && process.env.CI === 'true') throw new Error(`CI=true but ${SKIP}`);

const fixture = (name: string) =>
  decodeWav(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))));
const weather = fixture('weather-in-paris.wav');
const phoneTurn = fixture('weather-in-paris-phone-turn.wav');
const booking = fixture('book-appointment-en-8khz.wav');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-moonshine-test-'));
  dirs.push(dir);
  return dir;
};

const brain = rulesBrain({
  intents: [
    {
      name: 'weather',
      match: /\bweather\b.*?\b(?:in|for)\s+(?<city>[a-z][a-z' -]*?)\s*[?.!]*$/i,
      examples: ["what's the weather in paris", "what's the weather in london"],
      reply: 'Sunny in {city}.',
    },
    {
      name: 'book',
      match: ['book', 'appointment'],
      examples: ['book an appointment tomorrow at two pm'],
      reply: 'Booked.',
    },
    { name: 'to-billing', match: ['billing'], examples: ['i need help with billing'], reply: 'Billing.' },
  ],
});
const options = {
  rank: (t: string) => brain.intentRank(t),
  phrases: brain.phrases(),
  vocabulary: brain.vocabulary(),
};

describe.skipIf(!installed)(`Moonshine tiny on real speech (${installed ? 'model installed' : SKIP})`, () => {
  it('hears an espeak-ng request in open text, with its own casing and punctuation', async () => {
    const moonshine = await moonshineTranscriber({ pocketsphinx: null });
    const choice = await moonshine?.choose(weather.samples, weather.rate);
    console.info(`Moonshine heard: "${choice?.heard}"`);
    expect(choice?.heard).toMatch(/^What's .* Paris\?$/);
  });

  it("takes the room's request that the heard text comes nearest to, at 16 and 8 kHz", async () => {
    const moonshine = await moonshineTranscriber({ pocketsphinx: null });
    if (!moonshine) throw new Error('no transcriber');
    expect(moonshine.name).toBe('moonshine');
    const paris = await moonshine.choose(weather.samples, weather.rate, options);
    // Moonshine hears "What's not where I'm in Paris?": the request nearest to it is taken.
    expect(paris.by).toBe('nearest request');
    expect(brain.intentFor(paris.heard)).toBeUndefined();
    expect(brain.intentFor(paris.text)).toBe('weather');
    expect(paris.text.toLowerCase()).toContain('paris');
    const phone = await moonshine.choose(phoneTurn.samples, phoneTurn.rate, options);
    console.info(`phone turn: heard "${phone.heard}", chose "${phone.text}" (${phone.by})`);
    expect(brain.intentFor(phone.text)).toBe('weather');
    // Audio handed over at 8 kHz is brought to 16 kHz first.
    const narrow = await resamplePcm16(weather.samples, weather.rate, 8000);
    const paris8 = await moonshine.choose(narrow, 8000, options);
    console.info(`8 kHz: heard "${paris8.heard}", chose "${paris8.text}" (${paris8.by})`);
    expect(brain.intentFor(paris8.text)).toBe('weather');
  });

  it.skipIf(!pocketsphinx)(
    `with pocketsphinx, the room.s requests catch what Moonshine mishears (${pocketsphinx ? 'pocketsphinx found' : 'skipped: no pocketsphinx'})`,
    async () => {
      const moonshine = await moonshineTranscriber();
      if (!moonshine) throw new Error('no transcriber');
      expect(moonshine.name).toBe('moonshine+pocketsphinx');
      // en 185 wpm through a telephone line: Moonshine hears "We'll counterpoint the momentum on our
      // last 2pm."; with the room's requests (and pocketsphinx's grammar) it is the booking.
      const narrow = await resamplePcm16(booking.samples, booking.rate, 8000);
      const book = await moonshine.choose(narrow, 8000, options);
      console.info(`8 kHz booking: heard "${book.heard}", chose "${book.text}" (${book.by})`);
      expect(brain.intentFor(book.heard)).toBeUndefined();
      expect(book.by).not.toBe('heard');
      expect(brain.intentFor(book.text)).toBe('book');
    },
  );

  it('refuses audio at a rate it cannot take, naming the rate', async () => {
    const moonshine = await moonshineTranscriber({ pocketsphinx: null });
    await expect(moonshine?.transcribe(new Int16Array(4410), 44100)).rejects.toThrow('44100 Hz');
  });

  it(`refuses a turn past ${MAX_WAITING_TURNS} waiting ones instead of queueing without end`, async () => {
    const model = findMoonshineModel();
    if (!model) throw new Error('no model');
    const runtime = moonshineRuntimeUrls();
    if (!runtime) throw new Error('no runtime');
    const recognizer = new MoonshineRecognizer(model, runtime);
    try {
      const turn = weather.samples.subarray(0, 16000);
      const turns = Array.from({ length: MAX_WAITING_TURNS + 1 }, () => recognizer.hear(turn));
      const results = await Promise.allSettled(turns);
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect(String((refused[0] as PromiseRejectedResult).reason)).toContain('busy');
      // The recognizer still hears once the queue has drained.
      expect(typeof (await recognizer.hear(turn))).toBe('string');
    } finally {
      await recognizer.dispose();
    }
    await expect(recognizer.hear(weather.samples)).rejects.toThrow('disposed');
  });
});

/** A model directory with files of the right sizes holding the wrong bytes. */
function damagedModel(): string {
  const dir = tempDir();
  for (const file of Object.values(MOONSHINE_MODEL.files)) {
    writeFileSync(join(dir, file.name), 'not a model');
    truncateSync(join(dir, file.name), file.bytes);
  }
  return dir;
}

describe.skipIf(!moonshineRuntimeInstalled())('a model that will not load', () => {
  it('fails each turn with one clear error, loading only once, and never hangs', async () => {
    const runtime = moonshineRuntimeUrls();
    const model = findMoonshineModel(damagedModel());
    if (!runtime || !model) throw new Error('no runtime or no stand-in model');
    const recognizer = new MoonshineRecognizer(model, runtime);
    try {
      const first = await recognizer.hear(weather.samples).catch((error: unknown) => error);
      expect(first).toBeInstanceOf(MoonshineLoadError);
      expect(String(first)).toContain('npx chorus speech install');
      // Not loaded again: a second load would fail with a new error, not the very same one.
      await expect(recognizer.hear(weather.samples)).rejects.toBe(first);
    } finally {
      await recognizer.dispose();
    }
  });

  it.skipIf(!pocketsphinx)('hands turns to pocketsphinx alone, with a warning', async () => {
    const moonshine = await moonshineTranscriber({ modelDir: damagedModel() });
    if (!moonshine) throw new Error('no transcriber');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const choice = await moonshine.choose(weather.samples, weather.rate, options);
      expect(choice.by).toBe('pocketsphinx alone');
      expect(brain.intentFor(choice.text)).toBe('weather');
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.join('\n')).toContain('pocketsphinx alone hears spoken turns');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('settles turns waiting for a load when the recognizer is disposed', async () => {
    const runtime = moonshineRuntimeUrls();
    const model = findMoonshineModel(installed ? undefined : damagedModel());
    if (!runtime || !model) throw new Error('no runtime or no model');
    const recognizer = new MoonshineRecognizer(model, runtime);
    const turn = recognizer.hear(weather.samples);
    await recognizer.dispose();
    await expect(turn).rejects.toThrow('disposed');
  });
});

describe('installing the model files', () => {
  it("reads the tarball's name from npm pack --json, notices and all", () => {
    const out =
      'npm notice something\n[\n  {\n    "filename": "usefulsensors-moonshine-js-0.1.21.tgz"\n  }\n]\n';
    expect(parsePackFilename(out)).toBe('usefulsensors-moonshine-js-0.1.21.tgz');
    expect(parsePackFilename('no json here')).toBeUndefined();
  });

  /** A package tarball holding the given contents at the model files' paths. */
  function tarballWith(encoder: Uint8Array | undefined, decoder: Uint8Array): string {
    const root = tempDir();
    for (const [file, bytes] of [
      [MOONSHINE_MODEL.files.encoder, encoder],
      [MOONSHINE_MODEL.files.decoder, decoder],
    ] as const) {
      if (!bytes) continue;
      const path = join(root, file.inPackage);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, bytes);
    }
    const tarball = join(tempDir(), 'model.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', root, 'package']);
    return tarball;
  }

  it('refuses files whose SHA-256 is not the pinned one, and installs nothing', async () => {
    const dir = join(tempDir(), 'model');
    const tarball = tarballWith(new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6]));
    await expect(installMoonshineModel({ dir, tarball })).rejects.toThrow(
      /encoder_model\.onnx .* has SHA-256 [0-9a-f]{64}, expected c6fc4b7b/,
    );
    expect(findMoonshineModel(dir)).toBeUndefined();
  });

  it('says which file a tarball lacks', async () => {
    const dir = join(tempDir(), 'model');
    const tarball = tarballWith(undefined, new Uint8Array([4, 5, 6]));
    await expect(installMoonshineModel({ dir, tarball })).rejects.toThrow(
      /could not take the model files out of .*encoder_model\.onnx/,
    );
  });

  it.skipIf(!installed)('installs the real files from a package tarball and finds them', async () => {
    const from = findMoonshineModel();
    if (!from) throw new Error('no model');
    const tarball = tarballWith(readFileSync(from.encoder), readFileSync(from.decoder));
    const dir = join(tempDir(), 'model');
    const lines: string[] = [];
    const files = await installMoonshineModel({ dir, tarball, log: (line) => lines.push(line) });
    expect(files).toEqual(findMoonshineModel(dir));
    expect(readFileSync(files.encoder).equals(readFileSync(from.encoder))).toBe(true);
    expect(lines.join('\n')).toContain(dir);
  });
});
