import fc from 'fast-check';

/**
 * A frame a client must never be able to hurt the gateway with, and the answer it must get: an error
 * with one of `codes`, naming `field` when the frame was a JSON object with one bad field.
 * Expectations come from how each frame is built, never from the parser under test.
 */
export interface HostileFrame {
  readonly data: string | Uint8Array;
  readonly binary: boolean;
  readonly codes: readonly string[];
  readonly field: string | undefined;
}

type Json = Record<string, unknown>;
type FieldKind =
  | 'string'
  | 'toolOutput'
  | 'object'
  | 'array'
  | 'boolean'
  | 'ms'
  | 'rate'
  | 'base64'
  | 'audioType';

interface Base {
  readonly type: string;
  readonly event: () => Json;
  readonly fields: Readonly<Record<string, FieldKind>>;
  readonly required: readonly string[];
}

const anyNonString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const anyNonObject = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const anyNonNumber = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const SUPPORTED_PCM_RATES = new Set([8000, 16000, 22050, 24000, 44100, 48000]);
// Characters outside the standard base64 alphabet, or a length that cannot be padded base64.
const notBase64 = fc.oneof(
  fc.constantFrom('!!!!', 'AAA', 'A', '====', 'AB=C', 'AAAA====', 'YWJj ZA==', 'ab-_'),
  fc.string({ minLength: 1, maxLength: 12 }).map((s) => `${s}*`),
);

function wrongValue(kind: FieldKind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'string':
      return anyNonString;
    case 'toolOutput':
      // Text, or a list of AgentScope content blocks: anything else, or a list of non-blocks.
      return fc.oneof(
        anyNonString.filter((v) => !Array.isArray(v)),
        fc.constant([1]),
        fc.constant([{ type: 'tool_use' }]),
      );
    case 'object':
      return anyNonObject;
    case 'array':
      return fc.oneof(
        anyNonObject.filter((v) => !Array.isArray(v)),
        fc.constant({}),
      );
    case 'boolean':
      return fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null), fc.constant([]));
    case 'ms':
      return fc.oneof(anyNonNumber, fc.double({ max: -0.001, noNaN: true, noDefaultInfinity: true }));
    case 'rate':
      return fc.oneof(
        anyNonNumber,
        fc.integer({ min: -100_000, max: 200_000 }).filter((r) => !SUPPORTED_PCM_RATES.has(r)),
        fc.constant(16000.5),
      );
    case 'base64':
      return fc.oneof(anyNonString, notBase64);
    case 'audioType':
      return fc.oneof(
        anyNonString.filter((v) => v !== null),
        fc.constantFrom('audio/wav', 'opus', 'audio/pcm;rate=abc', 'PCM 16', ''),
      );
  }
}

function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Json;
  node[keys.at(-1) as string] = value;
}

function deletePath(target: Json, path: string): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Json;
  delete node[keys.at(-1) as string];
}

/** Builds frames from valid events of `bases` with exactly one field broken (wrong type or missing). */
function brokenField(bases: readonly Base[]): fc.Arbitrary<{ event: Json; field: string }> {
  return fc.constantFrom(...bases).chain((base) => {
    const fields = Object.keys(base.fields);
    const wrong = fc
      .constantFrom(...fields)
      .chain((field) =>
        wrongValue(base.fields[field] as FieldKind).map((value) => ({ field, value, missing: false })),
      );
    const missing = base.required.length
      ? fc.constantFrom(...base.required).map((field) => ({ field, value: undefined, missing: true }))
      : wrong;
    return fc.oneof({ arbitrary: wrong, weight: 4 }, { arbitrary: missing, weight: 1 }).map((m) => {
      const event: Json = { type: base.type, ...base.event() };
      if (m.missing) deletePath(event, m.field);
      else setPath(event, m.field, m.value);
      return { event, field: m.field };
    });
  });
}

const CHORUS_BASES: readonly Base[] = [
  {
    type: 'client_text_append',
    event: () => ({ text: 'hello' }),
    fields: { text: 'string', event_id: 'string', session_id: 'string' },
    required: ['text'],
  },
  {
    type: 'client_audio_append',
    event: () => ({ audio: 'AAAAAA==', format: { type: 'audio/pcm', rate: 16000 } }),
    fields: { audio: 'base64', format: 'object', 'format.rate': 'rate', 'format.type': 'audioType' },
    required: ['audio', 'format'],
  },
  {
    type: 'client_tool_result',
    event: () => ({ id: 'call_1', name: 'lookup', output: '{}' }),
    fields: { id: 'string', name: 'string', output: 'toolOutput' },
    required: ['id', 'name', 'output'],
  },
  {
    type: 'client_playback_position',
    event: () => ({ item_id: 'item_1', audio_end_ms: 120 }),
    fields: { item_id: 'string', audio_end_ms: 'ms' },
    required: ['item_id', 'audio_end_ms'],
  },
  {
    type: 'client_tool_approval',
    event: () => ({ call_id: 'call_1', approved: true }),
    fields: { call_id: 'string', approved: 'boolean', reason: 'string' },
    required: ['call_id', 'approved'],
  },
  {
    type: 'client_session_create',
    event: () => ({ config: { voice: 'alloy' } }),
    fields: { config: 'object', 'config.voice': 'string', 'config.modalities': 'array' },
    required: ['config'],
  },
  {
    type: 'client_response_cancel',
    event: () => ({ event_id: 'e1' }),
    fields: { event_id: 'string', session_id: 'string' },
    required: [],
  },
];

const CHORUS_TYPES = new Set([
  'client_session_create',
  'client_session_end',
  'client_response_create',
  'client_response_cancel',
  'client_text_append',
  'client_audio_append',
  'client_audio_commit',
  'client_image_append',
  'client_tool_result',
  'client_playback_position',
  'client_tool_approval',
]);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const notJsonText = fc.string({ maxLength: 120 }).filter((s) => !isJson(s));
const jsonNotAnObject = fc
  .oneof(
    fc.integer(),
    fc.string({ maxLength: 20 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  )
  .map((v) => JSON.stringify(v));

const text = (data: string, codes: readonly string[], field?: string): HostileFrame => ({
  data,
  binary: false,
  codes,
  field,
});

/** Malformed or hostile JSON text frames for the Chorus protocol at `/ws/:userId/:sessionId`. */
export const chorusJsonFrame: fc.Arbitrary<HostileFrame> = fc.oneof(
  {
    arbitrary: brokenField(CHORUS_BASES).map((b) =>
      text(JSON.stringify(b.event), ['invalid_event'], b.field),
    ),
    weight: 10,
  },
  { arbitrary: notJsonText.map((s) => text(s, ['invalid_json'])), weight: 2 },
  { arbitrary: jsonNotAnObject.map((s) => text(s, ['invalid_event'])), weight: 1 },
  {
    arbitrary: fc
      .string({ maxLength: 30 })
      .filter((t) => !CHORUS_TYPES.has(t))
      .map((type) => text(JSON.stringify({ type, text: 'x' }), ['unknown_type'], 'type')),
    weight: 1,
  },
  {
    arbitrary: anyNonString.map((type) =>
      text(JSON.stringify({ type, text: 'x' }), ['invalid_event'], 'type'),
    ),
    weight: 1,
  },
  {
    // Prototype pollution attempts: the key is refused by name.
    arbitrary: fc
      .constantFrom('client_text_append', 'client_session_create')
      .map((type) =>
        text(
          `{"type":"${type}","text":"x","config":{},"__proto__":{"polluted":true}}`,
          ['invalid_event'],
          '__proto__',
        ),
      ),
    weight: 1,
  },
);

/** A binary audio frame laid out as the gateway documents it (10-byte header, JSON metadata, audio). */
export function binaryAudioFrame(fields: {
  version?: number;
  kind?: number;
  encoding?: number;
  reserved?: number;
  rate?: number;
  metadataLength?: number;
  metadata?: Uint8Array;
  audio?: Uint8Array;
}): Uint8Array {
  const metadata = fields.metadata ?? new Uint8Array(0);
  const audio = fields.audio ?? new Uint8Array(320);
  const out = new Uint8Array(10 + metadata.byteLength + audio.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, fields.version ?? 1);
  view.setUint8(1, fields.kind ?? 1);
  view.setUint8(2, fields.encoding ?? 0);
  view.setUint8(3, fields.reserved ?? 0);
  view.setUint32(4, fields.rate ?? 16000, true);
  view.setUint16(8, fields.metadataLength ?? metadata.byteLength, true);
  out.set(metadata, 10);
  out.set(audio, 10 + metadata.byteLength);
  return out;
}

const bin = (data: Uint8Array, codes: readonly string[], field: string): HostileFrame => ({
  data,
  binary: true,
  codes,
  field,
});
const utf8 = (s: string) => new TextEncoder().encode(s);
const notOpenBrace = (n: number) => n !== 0x7b;

/** Malformed binary frames for the Chorus route: each breaks one header field of the audio layout. */
export const chorusBinaryFrame: fc.Arbitrary<HostileFrame> = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 9 })
    .filter((b) => notOpenBrace(b[0] as number))
    .map((b) => bin(b, ['invalid_binary_frame'], 'header')),
  fc
    .integer({ min: 0, max: 255 })
    .filter((v) => v !== 1 && notOpenBrace(v))
    .map((version) => bin(binaryAudioFrame({ version }), ['invalid_binary_frame'], 'header.version')),
  fc
    .integer({ min: 0, max: 255 })
    .filter((k) => k !== 1)
    .map((kind) => bin(binaryAudioFrame({ kind }), ['invalid_binary_frame'], 'header.kind')),
  fc
    .integer({ min: 3, max: 255 })
    .map((encoding) => bin(binaryAudioFrame({ encoding }), ['invalid_binary_frame'], 'header.encoding')),
  fc
    .integer({ min: 331, max: 0xffff })
    .map((metadataLength) =>
      bin(binaryAudioFrame({ metadataLength }), ['invalid_binary_frame'], 'header.metadata_length'),
    ),
  fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !isJson(s)),
      fc.constantFrom('[]', '5', 'null'),
    )
    .map((m) => bin(binaryAudioFrame({ metadata: utf8(m) }), ['invalid_binary_frame'], 'metadata')),
  fc
    .integer({ min: 1, max: 200_000 })
    .filter((r) => !SUPPORTED_PCM_RATES.has(r))
    .map((rate) => bin(binaryAudioFrame({ rate }), ['invalid_event'], 'format.rate')),
  fc
    .string({ minLength: 257, maxLength: 300 })
    .map((id) =>
      bin(
        binaryAudioFrame({ metadata: utf8(JSON.stringify({ event_id: id })) }),
        ['invalid_event'],
        'event_id',
      ),
    ),
  // JSON sent in a binary frame is read as JSON.
  brokenField(CHORUS_BASES).map((b) => bin(utf8(JSON.stringify(b.event)), ['invalid_event'], b.field)),
);

const OPENAI_BASES: readonly Base[] = [
  {
    type: 'input_audio_buffer.append',
    event: () => ({ audio: 'AAAAAA==' }),
    fields: { audio: 'base64', event_id: 'string' },
    required: ['audio'],
  },
  {
    type: 'conversation.item.truncate',
    event: () => ({ item_id: 'item_1', content_index: 0, audio_end_ms: 100 }),
    fields: { item_id: 'string', audio_end_ms: 'ms' },
    required: ['item_id', 'audio_end_ms'],
  },
  {
    type: 'conversation.item.create',
    event: () => ({ item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } }),
    fields: { item: 'object', 'item.content': 'array' },
    required: ['item'],
  },
  {
    type: 'response.cancel',
    event: () => ({ response_id: 'resp_1' }),
    fields: { response_id: 'string', event_id: 'string' },
    required: [],
  },
  {
    type: 'session.update',
    event: () => ({ session: { type: 'realtime', instructions: 'Be brief.' } }),
    fields: { session: 'object', 'session.instructions': 'string' },
    required: ['session'],
  },
  {
    type: 'conversation.item.retrieve',
    event: () => ({ item_id: 'item_1' }),
    fields: { item_id: 'string' },
    required: ['item_id'],
  },
];

const OPENAI_TYPES = new Set([
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'output_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'conversation.item.delete',
  'response.create',
  'response.cancel',
  'transcription_session.update',
]);

/** Malformed JSON frames for the OpenAI-compatible route at `/v1/realtime`, as text or binary frames. */
export function openaiFrame(binary: boolean): fc.Arbitrary<HostileFrame> {
  const frame = (data: string, codes: readonly string[], field?: string): HostileFrame => ({
    data: binary ? utf8(data) : data,
    binary,
    codes,
    field,
  });
  return fc.oneof(
    {
      arbitrary: brokenField(OPENAI_BASES).map((b) =>
        frame(JSON.stringify(b.event), ['invalid_event'], b.field),
      ),
      weight: 10,
    },
    { arbitrary: notJsonText.map((s) => frame(s, ['invalid_event'])), weight: 2 },
    { arbitrary: jsonNotAnObject.map((s) => frame(s, ['invalid_event'])), weight: 1 },
    {
      arbitrary: fc
        .string({ minLength: 1, maxLength: 30 })
        .filter((t) => !OPENAI_TYPES.has(t) && !t.startsWith('response.') && !t.includes('.'))
        .map((type) => frame(JSON.stringify({ type }), ['unknown_event_type'], 'type')),
      weight: 1,
    },
  );
}
