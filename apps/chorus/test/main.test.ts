import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MOONSHINE_MODEL } from '@chorus/local';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { parseOrigins } from '../src/main.js';
import { FakeStream } from './fake-stream.js';

async function chorus(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new FakeStream();
  const stderr = new FakeStream();
  const code = await main(args, { env, stdin: Readable.from([]), stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('chorus main', () => {
  it('prints help for no command, --help and each command', async () => {
    expect((await chorus([])).stdout).toMatch(/^chorus: realtime multi-agent voice rooms\n/);
    expect((await chorus(['--help'])).code).toBe(0);
    expect((await chorus(['serve', '--help'])).stdout).toMatch(/^Usage: chorus serve \[options\]/);
    expect((await chorus(['room', '-h'])).stdout).toMatch(/^Usage: chorus room <file> \[options\]/);
  });

  it('answers mistakes with exit code 2, what was wrong and where to look', async () => {
    expect(await chorus(['play'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: unknown command "play"; the commands are serve, say, room and speech\n(see chorus --help)\n',
    });
    expect((await chorus(['say'])).stderr).toBe(
      'error: say what? e.g. chorus say "What\'s the weather in Paris?"\n(see chorus say --help)\n',
    );
    expect((await chorus(['say', 'hi', '--speed', 'fast'])).stderr).toContain(
      '--speed must be a positive number, got "fast"',
    );
    expect((await chorus(['serve', '--port', 'http'])).stderr).toContain(
      '--port must be a port number from 0 to 65535, got "http"',
    );
    expect((await chorus(['serve'], { PORT: '99999' })).stderr).toContain(
      'PORT must be a port number from 0 to 65535, got "99999"',
    );
    expect((await chorus(['room'])).code).toBe(2);
    expect((await chorus(['room', 'a.json', 'b.json'])).stderr).toContain('one room file at a time, got 2');
    expect((await chorus(['room', 'room.yaml'])).stderr).toBe(
      'error: room.yaml: expected a .ts or .json room file, got ".yaml"\n',
    );
  });

  it('chorus speech: says what will hear spoken turns, and refuses an unknown action', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-speech-'));
    try {
      const env = { PATH: dir, CHORUS_MOONSHINE_MODEL: dir };
      const empty = await chorus(['speech', 'status'], env);
      expect(empty.code).toBe(0);
      expect(empty.stdout).toContain(
        `Moonshine tiny (@usefulsensors/moonshine-js 0.1.21): not installed in ${dir} (npx -p @chorus/cli chorus speech install)`,
      );
      expect(empty.stdout).toContain('Moonshine runtime (onnxruntime-web, llama-tokenizer-js): installed');
      expect(empty.stdout).toContain(
        'pocketsphinx: not installed (sudo apt-get install pocketsphinx pocketsphinx-en-us)',
      );
      expect(empty.stdout).toContain('spoken turns: not understood');
      // Stand-ins of the right sizes: what status checks (install checks their SHA-256 too).
      for (const file of Object.values(MOONSHINE_MODEL.files)) {
        writeFileSync(join(dir, file.name), '');
        truncateSync(join(dir, file.name), file.bytes);
      }
      const ready = await chorus(['speech'], env);
      expect(ready.stdout).toContain(`installed in ${dir}`);
      expect(ready.stdout).toContain('spoken turns: Moonshine\n');
      expect(await chorus(['speech', 'uninstall'], env)).toMatchObject({
        code: 2,
        stderr:
          'error: unknown speech action "uninstall"; the actions are install and status\n(see chorus speech --help)\n',
      });
      expect((await chorus(['speech', 'status', 'now'], env)).stderr).toContain('unexpected argument "now"');
      expect((await chorus(['speech', '--help'])).stdout).toMatch(/^Usage: chorus speech install \| status/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names --port and PORT when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const byFlag = await chorus(['serve', '--port', String(port)]);
      expect(byFlag.code).toBe(1);
      expect(byFlag.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(byFlag.stderr).toContain('--port <n> or the PORT variable');
      const byEnv = await chorus(['serve'], { PORT: String(port) });
      expect(byEnv.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('reads --allow-origin repeated or comma-separated, and refuses what is not an origin', async () => {
    expect(parseOrigins(undefined)).toBeUndefined();
    expect(parseOrigins(['https://a.example', 'http://b.example:8080,*'])).toEqual([
      'https://a.example',
      'http://b.example:8080',
      '*',
    ]);
    expect((await chorus(['serve', '--allow-origin', 'https://a.example/path'])).stderr).toContain(
      '--allow-origin takes origins like https://app.example',
    );
    expect((await chorus(['serve', '--allow-origin', 'evil.example'])).code).toBe(2);
  });

  it('refuses a resume grace that is not a number of seconds', async () => {
    const result = await chorus(['serve', '--resume-grace', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--resume-grace must be a number of seconds from 0 to 86400, got "soon"');
    expect((await chorus(['serve', '--help'])).stdout).toContain('--resume-grace <seconds>');
  });
});
