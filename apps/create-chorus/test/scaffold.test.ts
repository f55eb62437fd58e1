import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ownVersion, scaffold } from '../lib/scaffold.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'create-chorus-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('create-chorus', () => {
  it('writes the template with a package.json naming the folder and this release of @chorus/*', () => {
    const dir = scaffold(join(tempDir(), 'my-room'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-room');
    expect(pkg.dependencies).toMatchObject({
      '@chorus/core': `^${ownVersion()}`,
      '@chorus/local': `^${ownVersion()}`,
      '@chorus/server': `^${ownVersion()}`,
    });
    for (const file of [
      '.gitignore',
      'tsconfig.json',
      'README.md',
      'src/room.ts',
      'src/main.ts',
      'src/ask.ts',
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(existsSync(join(dir, 'gitignore'))).toBe(false);
  });

  it('depends on the same version as every public @chorus package of this repository', () => {
    const core = JSON.parse(
      readFileSync(new URL('../../../packages/core/package.json', import.meta.url), 'utf8'),
    );
    expect(ownVersion()).toBe(core.version);
  });

  it('refuses a folder with files in it, and a name npm would refuse, writing nothing', () => {
    const dir = join(tempDir(), 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => scaffold(dir)).toThrow('is not empty: choose a new folder name, nothing was written');
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
    expect(() => scaffold(join(tempDir(), 'My Room'))).toThrow('"My Room" cannot be an npm package name');
  });
});
