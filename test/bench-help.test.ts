import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `npm run bench` takes minutes and rewrites test/bench/RESULTS.md: asking it for help must do neither.
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./bench/RESULTS.md', import.meta.url));

function bench(...args: string[]) {
  return spawnSync(
    process.execPath,
    ['--conditions=@chorus/source', '--import', 'tsx', 'test/bench/run-all.ts', ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
}

describe('npm run bench', () => {
  it('prints its usage for --help, runs nothing and leaves RESULTS.md alone', () => {
    const before = statSync(RESULTS).mtimeMs;
    const help = bench('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run bench \[-- --quick\]\n/);
    // Progress lines of a run end with the elapsed time, "(12 s)".
    expect(help.stdout).not.toMatch(/\(\d+ s\)$/m);
    const typo = bench('--qiuck');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/^unknown option --qiuck\n\nUsage: npm run bench/);
    expect(statSync(RESULTS).mtimeMs).toBe(before);
  }, 120_000);
});
