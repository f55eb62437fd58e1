import { chmodSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_SPEECH_RECOGNITION, MOONSHINE_MODEL } from '@chorus/local';
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

/** A model directory: empty, or holding (stand-in) Moonshine model files. */
function modelDir(withFiles: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-model-'));
  dirs.push(dir);
  // Files of the right size (sparse): what the start notice checks.
  if (withFiles)
    for (const file of Object.values(MOONSHINE_MODEL.files)) {
      writeFileSync(join(dir, file.name), '');
      truncateSync(join(dir, file.name), file.bytes);
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
    const notices = await noticesOfServe({ PATH: pathWith(), CHORUS_MOONSHINE_MODEL: modelDir(false) });
    const speech = notices.filter((n) => n.includes('speech will not be understood'));
    expect(speech).toHaveLength(1);
    expect(speech[0]).toContain(INSTALL_SPEECH_RECOGNITION);
    expect(INSTALL_SPEECH_RECOGNITION).toBe('npx -p @chorus/cli chorus speech install');
  });

  it('says that pocketsphinx alone mishears, and how to get Moonshine, when only pocketsphinx is there', async () => {
    const notices = await noticesOfServe({
      PATH: pathWith('pocketsphinx_continuous'),
      CHORUS_MOONSHINE_MODEL: modelDir(false),
    });
    const speech = notices.filter((n) => /speech/.test(n));
    expect(speech).toHaveLength(1);
    expect(speech[0]).toContain('pocketsphinx alone');
    expect(speech[0]).toContain(INSTALL_SPEECH_RECOGNITION);
  });

  it("says nothing about speech when Moonshine's model is installed, with or without pocketsphinx", async () => {
    for (const programs of [[], ['pocketsphinx_continuous']]) {
      const notices = await noticesOfServe({
        PATH: pathWith(...programs),
        CHORUS_MOONSHINE_MODEL: modelDir(true),
      });
      expect(notices.filter((n) => /speech/.test(n))).toEqual([]);
    }
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
