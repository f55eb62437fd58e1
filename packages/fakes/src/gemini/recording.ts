import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One frame of a recorded Gemini Live session. */
export interface GeminiRecordedFrame {
  /** `client` for `>N` lines (sent to Gemini), `server` for `<N` lines (sent by Gemini). */
  readonly from: 'client' | 'server';
  /** The frame's JSON text, exactly as recorded. */
  readonly text: string;
}

/** A recorded session: its file name and frames in order. */
export interface GeminiRecording {
  readonly name: string;
  readonly frames: readonly GeminiRecordedFrame[];
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Reads the `*.websocket.log` format of Google's JS SDK system-test recordings: each frame is
 * `>N <json>` (client) or `<N <json>` (server), where N is the JSON's length in bytes and the JSON
 * may span lines. Throws on a malformed log, naming the byte offset.
 */
export function parseGeminiRecording(content: Uint8Array): GeminiRecordedFrame[] {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const frames: GeminiRecordedFrame[] = [];
  let at = 0;
  while (at < bytes.length) {
    while (at < bytes.length && WHITESPACE.has(bytes[at] ?? 0)) at += 1;
    if (at >= bytes.length) break;
    const mark = bytes[at];
    if (mark !== 0x3e && mark !== 0x3c) throw new Error(`recording: expected > or < at byte ${at}`);
    const space = bytes.indexOf(0x20, at);
    const length = Number(bytes.subarray(at + 1, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length) || length < 0)
      throw new Error(`recording: bad frame length at byte ${at}`);
    const end = space + 1 + length;
    if (end > bytes.length) throw new Error(`recording: frame at byte ${at} runs past the end`);
    frames.push({
      from: mark === 0x3e ? 'client' : 'server',
      text: bytes.subarray(space + 1, end).toString('utf8'),
    });
    at = end;
  }
  return frames;
}

/** Every `*.websocket.log` recording in `directory`, sorted by name. */
export function readGeminiRecordings(directory: string): GeminiRecording[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.websocket.log'))
    .sort()
    .map((name) => ({ name, frames: parseGeminiRecording(readFileSync(join(directory, name))) }));
}

/**
 * The recording as exchanges: each client frame with the server frames that answered it (up to
 * the next client frame). What the fake's playback sends after the n-th frame it receives.
 */
export function recordedExchanges(recording: GeminiRecording): readonly (readonly string[])[] {
  const exchanges: string[][] = [];
  for (const frame of recording.frames) {
    if (frame.from === 'client') exchanges.push([]);
    else exchanges.at(-1)?.push(frame.text);
  }
  return exchanges;
}

/**
 * Where the recorded Gemini sessions are: `CHORUS_GEMINI_RECORDINGS`, or `shared/recordings/gemini`
 * beside the repository (they are Google's data files and stay out of the repository). Undefined
 * when neither exists.
 */
export function geminiRecordingsDirectory(): string | undefined {
  const configured = process.env.CHORUS_GEMINI_RECORDINGS;
  const beside = fileURLToPath(new URL('../../../../../shared/recordings/gemini/', import.meta.url));
  const directory = configured ?? beside;
  return existsSync(directory) ? directory : undefined;
}
