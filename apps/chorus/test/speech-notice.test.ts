import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_SPEECH_RECOGNITION } from '@chorus/local';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe } from '../src/serve.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A PATH holding only the given programs (empty scripts), so detection does not depend on the machine. */
function pathWith(...programs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-path-'));
  dirs.push(dir);
  for (const name of programs) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

async function noticesOfServe(env: NodeJS.ProcessEnv): Promise<string[]> {
  const notices: string[] = [];
  const running = await startServe({ port: 0, env, pagesDir: pathWith(), onNotice: (n) => notices.push(n) });
  await running.close();
  return notices;
}

describe('chorus serve: the speech recognition notice', () => {
  it('says at start that speech will not be understood, with the one command that fixes it', async () => {
    const notices = await noticesOfServe({ PATH: pathWith() });
    const speech = notices.filter((n) => n.includes('speech will not be understood'));
    expect(speech).toHaveLength(1);
    expect(speech[0]).toContain(INSTALL_SPEECH_RECOGNITION);
  });

  it('says nothing about speech when pocketsphinx is on PATH', async () => {
    const notices = await noticesOfServe({ PATH: pathWith('pocketsphinx_continuous') });
    expect(notices.filter((n) => /speech/.test(n))).toEqual([]);
  });

  it('says nothing about pocketsphinx when the rooms run on a provider model', async () => {
    const notices = await noticesOfServe({
      PATH: pathWith(),
      OPENAI_API_KEY: 'sk-test',
      CHORUS_MODEL: 'openai',
    });
    expect(notices.filter((n) => /pocketsphinx/.test(n))).toEqual([]);
  });
});
