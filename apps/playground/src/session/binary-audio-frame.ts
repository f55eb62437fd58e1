/**
 * The gateway's binary audio frames (see `@chorus/server` binary-audio): a 10-byte little-endian header
 * (version 1, kind, encoding, reserved, sample rate uint32, metadata length uint16), JSON metadata, then
 * the audio bytes. Kind 1 is the page's microphone audio, kind 2 an agent's audio. They save the base64
 * inflation and a JSON parse per audio frame.
 */
const HEADER_BYTES = 10;
const VERSION = 1;
export const CLIENT_AUDIO_KIND = 1;
export const AGENT_AUDIO_KIND = 2;
const PCM16 = 0;

export interface AgentAudioFrame {
  readonly rate: number;
  readonly agentId: string;
  readonly agentName: string;
  readonly responseId: string;
  readonly itemId: string;
  readonly audio: Uint8Array;
}

const utf8 = new TextDecoder();

/** An agent's PCM16 audio frame, or a reason it is not one. */
export function decodeAgentAudioFrame(data: ArrayBuffer): AgentAudioFrame | string {
  if (data.byteLength < HEADER_BYTES)
    return `binary frame of ${data.byteLength} bytes is shorter than its header`;
  const view = new DataView(data);
  if (view.getUint8(0) !== VERSION) return `binary frame version ${view.getUint8(0)}`;
  if (view.getUint8(1) !== AGENT_AUDIO_KIND) return `binary frame kind ${view.getUint8(1)}`;
  if (view.getUint8(2) !== PCM16) return 'binary agent audio that is not PCM16';
  const rate = view.getUint32(4, true);
  const metaLength = view.getUint16(8, true);
  if (HEADER_BYTES + metaLength > data.byteLength) return 'binary frame metadata runs past its end';
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(utf8.decode(new Uint8Array(data, HEADER_BYTES, metaLength))) as Record<string, unknown>;
  } catch {
    return 'binary frame metadata is not JSON';
  }
  const text = (key: string) => (typeof meta[key] === 'string' ? (meta[key] as string) : '');
  return {
    rate,
    agentId: text('agent_id'),
    agentName: text('agent_name'),
    responseId: text('response_id'),
    itemId: text('item_id'),
    audio: new Uint8Array(data, HEADER_BYTES + metaLength),
  };
}

/** The page's microphone PCM16 as a binary frame (no metadata). */
export function encodeClientAudioFrame(pcm16: Uint8Array, rate: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + pcm16.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, CLIENT_AUDIO_KIND);
  view.setUint8(2, PCM16);
  view.setUint32(4, rate, true);
  view.setUint16(8, 0, true);
  out.set(pcm16, HEADER_BYTES);
  return out;
}
