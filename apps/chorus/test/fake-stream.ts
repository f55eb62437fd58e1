import { Writable } from 'node:stream';

/** A writable that keeps what was written, optionally claiming to be a terminal. */
export class FakeStream extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}
