import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav, rms } from '@chorus/audio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChorusTestClient } from './ws-client.js';

// The built `chorus` command, run as users run it: a child process of dist/cli.js.

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const CLI = join(ROOT, 'apps/chorus/dist/cli.js');
const SHUTDOWN_DEADLINE_MS = 5000;

let scratch: string;
const children = new Set<ChildProcess>();

/** The environment of a person without provider keys and without colours. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of [
    'OPENAI_API_KEY',
    'GEMINI_API_KEY',
    'DASHSCOPE_API_KEY',
    'CHORUS_MODEL',
    'PORT',
    'CHORUS_API_KEYS',
  ]) {
    delete env[key];
  }
  return env;
}

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(args: readonly string[], input?: string): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: scratch, env: cleanEnv() });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  if (input !== undefined) child.stdin?.end(input);
  const done = new Promise<Finished>((resolveDone) => {
    child.once('close', (code) => {
      children.delete(child);
      resolveDone({ code, stdout, stderr });
    });
  });
  return { child, done };
}

const run = (args: readonly string[], input?: string) => start(args, input).done;

beforeAll(() => {
  // CI builds before testing; a fresh checkout gets the CLI and what it depends on built once here.
  if (!existsSync(CLI)) {
    execFileSync('npx', ['turbo', 'run', 'build', '--filter=@chorus/cli...', '--output-logs=errors-only'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  scratch = mkdtempSync(join(tmpdir(), 'chorus-cli-'));
}, 300_000);

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('chorus say', () => {
  it('runs one turn and writes the spoken reply as a valid, non-silent WAV', async () => {
    const { code, stdout, stderr } = await run([
      'say',
      "What's the weather in Paris?",
      '--out',
      'reply.wav',
      '--speed',
      '10',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      "you › What's the weather in Paris?",
      '  ⚙ assistant calls get_weather({"city":"Paris"})',
      expect.stringMatching(
        /^ {2}✓ get_weather → \{"city":"Paris","forecast":"sunny","temperature_c":22\} \(\d+ ms\)$/,
      ),
      'assistant › It is sunny and 22 degrees in Paris.',
    ]);
    expect(lines[4]).toMatch(
      /^first audio \d+ ms · first words \d+ ms · done in [\d.]+ (ms|s) · model local$/,
    );
    expect(lines[5]).toMatch(/^reply audio → .*reply\.wav \(\d\.\d s, 24000 Hz\)$/);
    expect(stdout).not.toContain('\u001b[');

    const wav = decodeWav(new Uint8Array(readFileSync(join(scratch, 'reply.wav'))));
    expect([wav.rate, wav.channels, wav.bitsPerSample]).toEqual([24000, 1, 16]);
    const seconds = wav.samples.length / wav.rate;
    expect(seconds).toBeGreaterThan(1.5);
    expect(seconds).toBeLessThan(6);
    // rms is relative to full scale: speech sits far above silence (0) and a faint hiss (< 0.005).
    expect(rms(wav.samples)).toBeGreaterThan(0.02);
  });

  it('falls back to the local model with a notice when the provider key is missing', async () => {
    const { code, stdout, stderr } = await run([
      'say',
      'I need help with billing',
      '--model',
      'openai:gpt-realtime',
      '--speed',
      '10',
    ]);
    expect(stderr).toBe(
      'notice: openai:gpt-realtime needs OPENAI_API_KEY, which is not set: using the local model instead (no key, no network). Set OPENAI_API_KEY to use openai.\n',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('  ⇢ handoff: assistant → billing\n');
    expect(stdout).toContain('billing › Hi, this is billing. How can I help with your account?\n');
  });

  it('names the known rooms when given an unknown one, and explains bad options', async () => {
    const unknown = await run(['say', 'hi', '--room', 'lobby']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'error: unknown room "lobby"; the rooms are: assistant, two-agents, streaming-chat\n(see chorus say --help)\n',
    );
    const badModel = await run(['say', 'hi', '--model', 'claude:x']);
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toContain(
      'unknown model "claude:x": use local, openai:<model>, gemini:<model> or dashscope:<model>',
    );
    const help = await run(['say', '--help']);
    expect([help.code, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: chorus say <text> [options]']);
  });
});

describe('chorus room', () => {
  it('runs a JSON room, reading the user from stdin', async () => {
    writeFileSync(
      join(scratch, 'pair.json'),
      JSON.stringify({
        floor: 'mention',
        agents: [
          {
            name: 'Ava',
            instructions: 'Greets.',
            rules: { intents: [{ match: ['hello'], reply: "Hello! I'm Ava." }] },
          },
          {
            name: 'Max',
            instructions: 'Jokes.',
            rules: { intents: [{ match: ['joke'], reply: 'Knock knock.' }] },
          },
        ],
      }),
    );
    const { code, stdout, stderr } = await run(
      ['room', 'pair.json', '--speed', '10'],
      'hello\nMax, a joke please\n',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe("you › hello\nAva › Hello! I'm Ava.\nyou › Max, a joke please\nMax › Knock knock.\n");
  });

  it('runs a TypeScript room file built with the chosen model', async () => {
    const file = join(ROOT, 'test/main-job/fixtures/echo-room.ts');
    const { code, stdout, stderr } = await run(
      ['room', file, '--speed', '10'],
      'repeat after me: blue whales sing\n',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('you › repeat after me: blue whales sing\nEcho › You said: blue whales sing\n');
  });

  it('answers the example of `chorus room --help` once, from the agent handed the request', async () => {
    const help = await run(['room', '--help']);
    // The help's own JSON example, exactly as printed.
    const example = /^ {2}\{\n[\s\S]*?\n {2}\}$/m.exec(help.stdout)?.[0];
    expect(example).toBeDefined();
    writeFileSync(join(scratch, 'help-example.json'), example as string);
    const { code, stdout, stderr } = await run(
      ['room', 'help-example.json', '--speed', '10'],
      'Ava, tell me a joke\nhello Ava\n',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'you › Ava, tell me a joke',
        '  ⚙ Ava calls transfer_to_max({})',
        'Ava › Max tells the jokes.',
        '  ⇢ handoff: Ava → Max',
        'Max › I told a joke once. Nobody laughed.',
        // Ava is still Ava after handing a request to Max.
        'you › hello Ava',
        "Ava › Hello! I'm Ava.",
        '',
      ].join('\n'),
    );
  });

  it('answers a front-desk room with a tool and a handoff to billing once per request', async () => {
    const file = join(ROOT, 'test/main-job/fixtures/front-desk-room.ts');
    const { code, stdout, stderr } = await run(
      ['room', file, '--speed', '10'],
      'Where is order 42?\nI was charged twice last month\n',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'you › Where is order 42?',
      '  ⚙ FrontDesk calls lookup_order({"order":"42"})',
      expect.stringMatching(/^ {2}✓ lookup_order → Order 42 ships tomorrow\. \(\d+ ms\)$/),
      'FrontDesk › Order 42 ships tomorrow.',
      'you › I was charged twice last month',
      '  ⚙ FrontDesk calls transfer_to_billing({})',
      'FrontDesk › Let me get billing for you.',
      '  ⇢ handoff: FrontDesk → billing',
      'billing › I see the double charge and have refunded it.',
    ]);
  });

  it('explains what is wrong with a bad room file', async () => {
    writeFileSync(
      join(scratch, 'bad.json'),
      JSON.stringify({
        agents: [{ name: 'A', instructions: 'x', rules: { intents: [{ match: ['hi'], handoff: 'B' }] } }],
      }),
    );
    const { code, stderr } = await run(['room', 'bad.json']);
    expect(code).toBe(1);
    expect(stderr).toContain('agents.0.rules.intents.0 hands off to "B", which is no agent of the file (A)');
  });
});

describe('chorus serve', () => {
  it('on SIGTERM ends the sessions with server_session_ended{reason:"shutdown"} and exits in time', async () => {
    const { child, done } = start(['serve', '--port', '0']);
    let out = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no WebSocket URL printed; got: ${out}`)), 20_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /WebSocket\s+(ws:\/\/127\.0\.0\.1:\d+\/ws)\//.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
    });
    expect(out).toMatch(/Chorus is running \(model local; rooms assistant, two-agents, streaming-chat\)/);
    expect(out).toContain('Try it in a terminal: npx chorus say "What\'s the weather in Paris?"');

    const client = new ChorusTestClient(`${url}/user1/session1`);
    await client.opened;
    client.send({ type: 'client_session_create', config: {} });
    await client.waitForType('server_session_created');

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const ended = await client.waitForType('server_session_ended');
    expect(ended).toMatchObject({ session_id: 'session1', reason: 'shutdown' });
    const { code, stderr } = await done;
    expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_DEADLINE_MS + 1000);
    expect(code).toBe(0);
    expect(stderr).toContain('SIGTERM: ending sessions and stopping rooms…');
  });
});
