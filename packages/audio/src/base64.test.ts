import { describe, expect, it } from 'vitest';
import {
  base64FromBytes,
  bytesFromBase64,
  bytesFromBase64Quick,
  isBase64,
  looksLikeBase64,
} from './base64.js';

describe('base64', () => {
  const known: Array<[number[], string]> = [
    [[], ''],
    [[0x66], 'Zg=='],
    [[0x66, 0x6f], 'Zm8='],
    [[0x66, 0x6f, 0x6f], 'Zm9v'],
    [[0x66, 0x6f, 0x6f, 0x62], 'Zm9vYg=='],
    [[0xff, 0xfe, 0xfd, 0xfc, 0xfb], '//79/Ps='],
  ];
  it.each(known)('encodes and decodes %j of size 0..5 as %s', (bytes, text) => {
    expect(base64FromBytes(new Uint8Array(bytes))).toBe(text);
    expect(Array.from(bytesFromBase64(text))).toEqual(bytes);
  });

  it('round-trips 1 MiB of every byte value', () => {
    const bytes = new Uint8Array(1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
    const text = base64FromBytes(bytes);
    expect(text.length).toBe(1398104);
    // Compared as Buffers: element-wise toEqual on a million entries takes seconds.
    expect(Buffer.from(bytesFromBase64(text)).equals(bytes)).toBe(true);
  });

  it('encodes only the viewed part of a subarray', () => {
    expect(base64FromBytes(new Uint8Array([0, 0x66, 0x6f, 0x6f, 0]).subarray(1, 4))).toBe('Zm9v');
  });

  it('returns a plain Uint8Array view, not a Buffer', () => {
    expect(Object.getPrototypeOf(bytesFromBase64('Zm9v'))).toBe(Uint8Array.prototype);
  });

  it('accepts unpadded input', () => {
    expect(Array.from(bytesFromBase64('Zm8'))).toEqual([0x66, 0x6f]);
    expect(Array.from(bytesFromBase64('Zg'))).toEqual([0x66]);
  });

  it.each([
    ['Zm9v!', 'character "!" at index 4'],
    ['Zm 9v', 'character " " at index 2'],
    ['Zm9v\n', 'character "\\n" at index 4'],
    ['Zm-_', 'character "-" at index 2'],
    ['Zm9vY', 'length 5 leaves a single character'],
    ['Zg=a', "padding '=' may only appear at the end"],
    ['Z===', "padding '=' may only appear at the end"],
    ['Zg==Zg==', "padding '=' may only appear at the end"],
  ])('rejects %j with a clear error', (text, message) => {
    expect(isBase64(text)).toBe(false);
    expect(() => bytesFromBase64(text)).toThrow(message);
  });

  it('isBase64 accepts the valid forms', () => {
    for (const text of ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zg', 'Zm8', '+/+/']) expect(isBase64(text)).toBe(true);
  });
});

describe('looksLikeBase64', () => {
  const frame = base64FromBytes(new Uint8Array(960).map((_, i) => i * 7));
  const replaceAt = (s: string, at: number, c: string) => s.slice(0, at) + c + s.slice(at + 1);

  it('accepts valid base64 of any length, padded or not', () => {
    for (const bytes of [0, 1, 2, 3, 100, 959, 960]) {
      const text = base64FromBytes(new Uint8Array(bytes).fill(0xa5));
      expect(looksLikeBase64(text)).toBe(true);
      expect(looksLikeBase64(text.replace(/=+$/, ''))).toBe(true);
    }
  });

  it.each([
    ['a base64url character at the start', replaceAt(frame, 3, '-')],
    ['a bad character near the end', replaceAt(frame, frame.length - 10, '_')],
    ['padding in the last group only', `${frame.slice(0, -4)}A=AA`],
    ['a data-URL prefix', `data:audio/pcm;base64,${frame}`],
    ['hex', Buffer.from(new Uint8Array(960).fill(0xab)).toString('hex').slice(0, 1281)],
    ['a length of 4n + 1', `${frame}A`],
  ])('rejects %s', (_name, text) => {
    expect(looksLikeBase64(text)).toBe(false);
    expect(isBase64(text)).toBe(false);
  });

  it('checks short strings whole, and long ones only at their ends', () => {
    expect(looksLikeBase64(replaceAt('QUJDRA==', 2, '*'))).toBe(false);
    const middle = replaceAt(frame, 640, '*');
    expect(looksLikeBase64(middle)).toBe(true);
    expect(isBase64(middle)).toBe(false);
  });
});

describe('bytesFromBase64Quick', () => {
  const audio = new Uint8Array(3000).map((_, i) => (i * 7) & 255);
  const text = base64FromBytes(audio);

  it('decodes what bytesFromBase64 decodes, padded or not', () => {
    expect(bytesFromBase64Quick(text)).toEqual(audio);
    for (const s of ['', 'QQ==', 'QQ', 'QUI=', 'QUI', 'QUJD'])
      expect(bytesFromBase64Quick(s)).toEqual(bytesFromBase64(s));
  });

  it('refuses what the decoder would skip, anywhere in a long string, naming it', () => {
    for (const bad of [
      `${text.slice(0, 1000)}*${text.slice(1001)}`,
      `${text.slice(0, 1000)} ${text.slice(1000)}`,
      // URL-safe characters, which Node's decoder would take
      `${text.slice(0, 1000)}-${text.slice(1001)}`,
      `${text.slice(0, 1000)}_${text.slice(1001)}`,
    ]) {
      expect(() => bytesFromBase64Quick(bad)).toThrow(/invalid base64/);
    }
    expect(() => bytesFromBase64Quick('QQ=A')).toThrow(/invalid base64/);
  });
});
