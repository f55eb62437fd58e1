import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, rms } from '@chorus/audio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command, type Finished, npmWarnings, run, userEnv } from './processes.js';
import { entryFiles, publicWorkspaces, ROOT } from './workspaces.js';

// What a developer outside this repository does: the public packages are built and packed, and a
// project in the system's temp folder is started with create-chorus and installs the tarballs, taking
// every other dependency from the registry (through the npm cache). Nothing links back to the repository.

/** Decided in CONTRIBUTING.md ("Public and private packages"); a new package must be placed there too. */
const PUBLIC = [
  '@chorus/audio',
  '@chorus/cli',
  '@chorus/core',
  '@chorus/dashscope',
  '@chorus/examples',
  '@chorus/gemini',
  '@chorus/inspector',
  '@chorus/local',
  '@chorus/mcp',
  '@chorus/openai',
  '@chorus/protocol',
  '@chorus/server',
  'create-chorus',
];
/** GPL-3.0-or-later: @chorus/local bundles espeak-ng, and these run it in the same process. */
const GPL = ['@chorus/local', '@chorus/examples', '@chorus/cli'];
/** What the starter's project depends on, directly or not: the install a typical project makes. */
const TYPICAL = [
  '@chorus/protocol',
  '@chorus/audio',
  '@chorus/core',
  '@chorus/local',
  '@chorus/inspector',
  '@chorus/server',
];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
/** Compiling and running child processes on a shared 2-core machine. */
const SLOW = 120_000;
const NPM_QUIET = ['--no-audit', '--no-fund', '--prefer-offline'];

interface Packed {
  readonly name: string;
  readonly filename: string;
  readonly size: number;
  readonly files: readonly { readonly path: string }[];
}

let scratch: string;
let project: string;
let packed: Map<string, Packed & { readonly tarball: string }>;
let typicalInstall: Finished;
let fullInstall: Finished;
const running = new Set<Command>();

const tarballs = (names: readonly string[]) => names.map((name) => packed.get(name)!.tarball);
const workspace = (name: string) => publicWorkspaces().find((w) => w.manifest.name === name)!;

beforeAll(async () => {
  // CI has built everything already (turbo then replays its cache); a fresh checkout builds here.
  const began = performance.now();
  execFileSync(NPX, ['turbo', 'run', 'build', '--filter=@chorus/cli...', '--output-logs=errors-only'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  scratch = mkdtempSync(join(tmpdir(), 'chorus-install-'));
  const tarballDir = join(scratch, 'tarballs');
  mkdirSync(tarballDir);
  const workspaceFlags = publicWorkspaces().flatMap((w) => ['-w', w.manifest.name]);
  const pack = await run(NPM, ['pack', ...workspaceFlags, '--json', '--pack-destination', tarballDir], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  packed = new Map(
    (JSON.parse(pack.stdout) as Packed[]).map((p) => [
      p.name,
      { ...p, tarball: join(tarballDir, p.filename) },
    ]),
  );

  // `npm create chorus@latest my-room` runs create-chorus's bin from the package, as this does.
  const create = await run(
    NPM,
    ['exec', '--yes', `--package=${packed.get('create-chorus')!.tarball}`, '--', 'create-chorus', 'my-room'],
    scratch,
  );
  expect(create.code, create.stderr).toBe(0);
  project = join(scratch, 'my-room');

  typicalInstall = await run(NPM, ['install', ...NPM_QUIET, ...tarballs(TYPICAL)], project);
  expect(typicalInstall.code, typicalInstall.stderr).toBe(0);
  const rest = PUBLIC.filter((name) => !TYPICAL.includes(name) && name !== 'create-chorus');
  fullInstall = await run(NPM, ['install', ...NPM_QUIET, ...tarballs(rest)], project);
  expect(fullInstall.code, fullInstall.stderr).toBe(0);

  const sizes = TYPICAL.map((name) => `${name} ${(packed.get(name)!.size / 1024).toFixed(0)} KiB`);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `typical project: ${sizes.join(', ')}; installed in ${seconds(typicalInstall.ms)}; the CLI and the rest in ${seconds(fullInstall.ms)}; set-up ${seconds(performance.now() - began)}`,
  );
}, 600_000);

afterAll(async () => {
  await Promise.all([...running].map((command) => command.stop()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 60_000);

function start(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Command {
  const started = new Command(command, args, project, env);
  running.add(started);
  started.done.finally(() => running.delete(started));
  return started;
}

describe('the public packages, packed', () => {
  it('are the ones CONTRIBUTING.md names, each with the metadata publishing needs', () => {
    const manifests = publicWorkspaces().map((w) => w.manifest);
    expect(manifests.map((m) => m.name).sort()).toEqual(PUBLIC);
    for (const m of manifests) {
      expect(m.license, m.name).toBe(GPL.includes(m.name) ? 'GPL-3.0-or-later' : 'MIT');
      expect(m.repository?.url, m.name).toMatch(/^git\+https:\/\/.+\.git$/);
      expect(m.engines?.node, m.name).toBe('>=20.19');
      expect(m.publishConfig?.access, m.name).toBe('public');
      expect(m.files?.length, m.name).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(m.exports ?? {})) {
        if (key === './package.json') continue;
        expect(typeof value === 'object' && typeof value.types === 'string', `${m.name} ${key}: types`).toBe(
          true,
        );
      }
    }
  });

  it('are released together: the Changesets fixed group holds exactly them', () => {
    const config = JSON.parse(readFileSync(join(ROOT, '.changeset', 'config.json'), 'utf8')) as {
      fixed: string[][];
    };
    expect(config.fixed.map((group) => [...group].sort())).toEqual([PUBLIC]);
  });

  it('depend on each other at exactly the version released with them, and never on a private package', () => {
    const versions = new Map(publicWorkspaces().map((w) => [w.manifest.name, w.manifest.version]));
    for (const { manifest } of publicWorkspaces()) {
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
        if (!dependency.startsWith('@chorus/')) continue;
        expect(versions.has(dependency), `${manifest.name} depends on private ${dependency}`).toBe(true);
        expect(range, `${manifest.name} -> ${dependency}`).toBe(versions.get(dependency));
      }
    }
  });

  it('hold their entry points, README and LICENSE, and no tests', () => {
    for (const name of PUBLIC) {
      const files = packed.get(name)!.files.map((f) => f.path);
      expect(files, name).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
      expect(files, name).toEqual(expect.arrayContaining(entryFiles(workspace(name).manifest)));
      expect(
        files.filter((path) => /(^|\/)(test|tests|bench)\/|\.(test|spec|fixture)\.[cm]?[jt]s/.test(path)),
        name,
      ).toEqual([]);
      const licence = readFileSync(join(ROOT, workspace(name).dir, 'LICENSE'), 'utf8');
      expect(licence, name).toContain(GPL.includes(name) ? 'GNU GENERAL PUBLIC LICENSE' : 'MIT License');
    }
  });

  it('install from the tarballs and the registry alone, without a warning to puzzle over', () => {
    for (const name of PUBLIC.filter((n) => n !== 'create-chorus')) {
      expect(lstatSync(join(project, 'node_modules', name)).isSymbolicLink(), name).toBe(false);
    }
    expect(npmWarnings(typicalInstall.stderr + typicalInstall.stdout)).toEqual([]);
    // The CLI runs TypeScript room files with tsx, whose esbuild has an install script npm asks about.
    expect(npmWarnings(fullInstall.stderr + fullInstall.stdout, 'install-scripts')).toEqual([]);
  });
});

describe('a project outside the repository', () => {
  it("type-checks the README's room example and the starter with tsc strict, and the example runs", {
    timeout: SLOW,
  }, async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = readme.match(/## A room in code\s+```ts\n([\s\S]*?)```/)?.[1];
    expect(example).toContain('new ChatRoom');
    writeFileSync(join(project, 'src', 'readme-room.ts'), example!);
    const tsconfig = JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions.strict).toBe(true);
    // The published declarations are checked too, as a project without skipLibCheck would.
    const tsc = await run(NPX, ['tsc', '-p', '.', '--skipLibCheck', 'false'], project);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);

    const example$ = start(process.execPath, ['dist/readme-room.js']);
    await example$.waitFor(/^Alice: It is sunny in Paris\.$/m);
    await example$.stop();
  });

  it('serves the starter room through the gateway, and answers a question with its tool', {
    timeout: SLOW,
  }, async () => {
    expect(existsSync(join(project, 'dist', 'main.js'))).toBe(true);
    // PORT=0 picks a free port; the gateway prints it.
    const served = start(process.execPath, ['dist/main.js'], userEnv({ PORT: '0' }));
    const [, url] = await served.waitFor(/on (ws:\/\/127\.0\.0\.1:\d+)\/ws/);
    const ask = await run(
      NPM,
      ['run', '--silent', 'ask', '--', "What's the weather in Paris?"],
      project,
      userEnv({ CHORUS_URL: url }),
    );
    expect(ask.stderr).toBe('');
    expect(ask.stdout).toBe(
      'you: What\'s the weather in Paris?\n  (Ava calls get_weather {"city":"Paris"})\nAva: It is sunny in Paris.\n',
    );
    expect(ask.code).toBe(0);
    const stopped = await served.stop();
    expect(stopped.code).toBe(0);
  });

  it('runs the installed chorus command: --help, and say --out with the local model', {
    timeout: SLOW,
  }, async () => {
    const help = await run(NPX, ['--no-install', 'chorus', '--help'], project);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^chorus: realtime multi-agent voice rooms\n\nUsage:\n {2}chorus serve/);

    const say = await run(
      NPX,
      [
        '--no-install',
        'chorus',
        'say',
        "What's the weather in Paris?",
        '--out',
        'reply.wav',
        '--speed',
        '10',
      ],
      project,
    );
    expect(say.stderr).toBe('');
    expect(say.code).toBe(0);
    expect(say.stdout).toContain('assistant › It is sunny and 22 degrees in Paris.');
    const wav = decodeWav(new Uint8Array(readFileSync(join(project, 'reply.wav'))));
    expect(wav.samples.length / wav.rate).toBeGreaterThan(1.5);
    expect(rms(wav.samples)).toBeGreaterThan(0.02);
  });
});
