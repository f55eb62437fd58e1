import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));

/** The fields of a package.json that publishing depends on. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly engines?: Record<string, string>;
  readonly files?: readonly string[];
  readonly bin?: Record<string, string>;
  readonly exports?: Record<string, string | Record<string, string>>;
  readonly publishConfig?: { readonly access?: string };
  readonly dependencies?: Record<string, string>;
}

export interface Workspace {
  /** `packages/core`, relative to the repository root. */
  readonly dir: string;
  readonly manifest: Manifest;
}

/** Every workspace of the repository, read from the root package.json's globs (`packages/*`, `test`). */
export function workspaces(): Workspace[] {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  return root.workspaces.flatMap((glob) => {
    const dirs = glob.endsWith('/*')
      ? readdirSync(join(ROOT, glob.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${glob.slice(0, -2)}/${entry.name}`)
      : [glob];
    return dirs.map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest,
    }));
  });
}

export function publicWorkspaces(): Workspace[] {
  return workspaces().filter((w) => w.manifest.private !== true);
}

/** The files a package's exports map and bin point at (conditions other than `@chorus/source`). */
export function entryFiles(manifest: Manifest): string[] {
  const targets: string[] = Object.values(manifest.bin ?? {});
  for (const value of Object.values(manifest.exports ?? {})) {
    if (typeof value === 'string') targets.push(value);
    else
      for (const [condition, target] of Object.entries(value))
        if (condition !== '@chorus/source') targets.push(target);
  }
  return targets.map((target) => target.replace(/^\.\//, ''));
}
