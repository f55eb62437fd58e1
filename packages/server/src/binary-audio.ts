import { type AudioFormat, audioDeltaBytes, base64ByteLength, type ServerEvent } from '@chorus/protocol';

/**
 * Binary audio frames: a 10-byte header, optional JSON metadata, then the raw audio bytes. They save
 * the 33% base64 overhead and a JSON parse per audio frame. All integers are little-endian.
 *
 * | offset | size | field                                                         |
 * |--------|------|---------------------------------------------------------------|
 * | 0      | 1    | version, always 1                                             |
 * | 1      | 1    | kind: 1 = client audio append, 2 = agent audio delta          |
 * | 2      | 1    | encoding: 0 = PCM16 (`audio/pcm`), 1 = `audio/pcmu`, 2 = `audio/pcma` |
 * | 3      | 1    | reserved, 0                                                   |
 * | 4      | 4    | sample rate in Hz (uint32)                                    |
 * | 8      | 2    | metadata length M in bytes (uint16)                           |
 * | 10     | M    | UTF-8 JSON object (kind 2: agent_id, agent_name, response_id, item_id; kind 1: optional event_id) |
 * | 10 + M | rest | audio bytes                                                   |
 */
export const BINARY_AUDIO_VERSION = 1;
export const BINARY_AUDIO_HEADER_BYTES = 10;

export const BinaryAudioKind = { clientAppend: 1, agentDelta: 2 } as const;
export type BinaryAudioKind = (typeof BinaryAudioKind)[keyof typeof BinaryAudioKind];

const ENCODINGS: readonly AudioFormat['type'][] = ['audio/pcm', 'audio/pcmu', 'audio/pcma'];

export interface BinaryAudioFrame {
  readonly kind: BinaryAudioKind;
  readonly format: AudioFormat;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly audio: Uint8Array;
}

export type BinaryAudioDecodeResult =
  | { readonly ok: true; readonly frame: BinaryAudioFrame }
  | { readonly ok: false; readonly message: string; readonly path: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Builds a binary audio frame. */
export function encodeBinaryAudio(
  kind: BinaryAudioKind,
  format: AudioFormat,
  audio: Uint8Array,
  metadata: Readonly<Record<string, unknown>> = {},
): Uint8Array {
  const meta =
    Object.keys(metadata).length > 0 ? utf8Encoder.encode(JSON.stringify(metadata)) : new Uint8Array(0);
  if (meta.byteLength > 0xffff) throw new RangeError('binary audio metadata over 65535 bytes');
  const out = new Uint8Array(BINARY_AUDIO_HEADER_BYTES + meta.byteLength + audio.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, BINARY_AUDIO_VERSION);
  view.setUint8(1, kind);
  view.setUint8(2, ENCODINGS.indexOf(format.type));
  view.setUint8(3, 0);
  view.setUint32(4, format.rate, true);
  view.setUint16(8, meta.byteLength, true);
  out.set(meta, BINARY_AUDIO_HEADER_BYTES);
  out.set(audio, BINARY_AUDIO_HEADER_BYTES + meta.byteLength);
  return out;
}

type AgentAudioDelta = Extract<ServerEvent, { type: 'agent_response_audio_delta' }>;

/** The last delta framed, and its frame: a room hands one event to all its members in a row. */
let lastDelta: AgentAudioDelta | undefined;
let lastFrame: Uint8Array | undefined;

/**
 * The kind-2 frame of one agent audio delta, the same bytes as {@link encodeBinaryAudio} with the
 * agent, response and item ids as metadata. Audio the agent holds as bytes is copied into the frame
 * as it is; a base64 delta is decoded straight into the frame (no intermediate buffer, no second
 * copy). A room's members that take binary frames share one frame
 * per delta instead of each decoding it again.
 */
export function agentDeltaFrame(event: AgentAudioDelta): Uint8Array {
  if (event === lastDelta && lastFrame) return lastFrame;
  const meta = JSON.stringify({
    agent_id: event.agent_id,
    agent_name: event.agent_name,
    response_id: event.response_id,
    item_id: event.item_id,
  });
  const metaBytes = Buffer.byteLength(meta);
  if (metaBytes > 0xffff) throw new RangeError('binary audio metadata over 65535 bytes');
  const audioStart = BINARY_AUDIO_HEADER_BYTES + metaBytes;
  // Audio the agent holds as bytes is copied in as it is: no base64 is made for a binary client.
  const bytes = audioDeltaBytes(event);
  const frame = Buffer.allocUnsafe(audioStart + (bytes ? bytes.byteLength : base64ByteLength(event.delta)));
  frame[0] = BINARY_AUDIO_VERSION;
  frame[1] = BinaryAudioKind.agentDelta;
  frame[2] = ENCODINGS.indexOf(event.format.type);
  frame[3] = 0;
  frame.writeUInt32LE(event.format.rate, 4);
  frame.writeUInt16LE(metaBytes, 8);
  frame.write(meta, BINARY_AUDIO_HEADER_BYTES, 'utf8');
  if (bytes) {
    frame.set(bytes, audioStart);
    lastDelta = event;
    lastFrame = frame;
    return frame;
  }
  // Buffer's decoder skips what is not base64 (as `Buffer.from(delta, 'base64')` does): keep what it wrote.
  const written = frame.write(event.delta, audioStart, 'base64');
  const out = audioStart + written === frame.byteLength ? frame : frame.subarray(0, audioStart + written);
  lastDelta = event;
  lastFrame = out;
  return out;
}

/** Reads a binary audio frame; every malformed field gets an error naming it. Never throws. */
export function decodeBinaryAudio(bytes: Uint8Array): BinaryAudioDecodeResult {
  if (bytes.byteLength < BINARY_AUDIO_HEADER_BYTES) {
    return {
      ok: false,
      path: 'header',
      message: `binary frame is ${bytes.byteLength} bytes, shorter than the ${BINARY_AUDIO_HEADER_BYTES}-byte audio header`,
    };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== BINARY_AUDIO_VERSION) {
    return {
      ok: false,
      path: 'header.version',
      message: `unsupported binary frame version ${version}; expected 1`,
    };
  }
  const kind = view.getUint8(1);
  if (kind !== BinaryAudioKind.clientAppend && kind !== BinaryAudioKind.agentDelta) {
    return { ok: false, path: 'header.kind', message: `unknown binary frame kind ${kind}; expected 1 or 2` };
  }
  const type = ENCODINGS[view.getUint8(2)];
  if (!type) {
    return {
      ok: false,
      path: 'header.encoding',
      message: `unknown audio encoding ${view.getUint8(2)}; expected 0 (pcm16), 1 (pcmu) or 2 (pcma)`,
    };
  }
  const rate = view.getUint32(4, true);
  const metaLength = view.getUint16(8, true);
  if (BINARY_AUDIO_HEADER_BYTES + metaLength > bytes.byteLength) {
    return {
      ok: false,
      path: 'header.metadata_length',
      message: `metadata length ${metaLength} runs past the frame`,
    };
  }
  let metadata: Record<string, unknown> = {};
  if (metaLength > 0) {
    try {
      const parsed: unknown = JSON.parse(
        utf8.decode(bytes.subarray(BINARY_AUDIO_HEADER_BYTES, BINARY_AUDIO_HEADER_BYTES + metaLength)),
      );
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      metadata = parsed as Record<string, unknown>;
    } catch {
      return { ok: false, path: 'metadata', message: 'binary frame metadata is not a UTF-8 JSON object' };
    }
  }
  const audio = bytes.subarray(BINARY_AUDIO_HEADER_BYTES + metaLength);
  return { ok: true, frame: { kind: kind as BinaryAudioKind, format: { type, rate }, metadata, audio } };
}
