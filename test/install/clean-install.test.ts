import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { admits } from './node-range.js';
import { ROOT } from './workspaces.js';

// `npm install` in this repository prints no warning a user must puzzle over. npm warns about a package
// whose engines exclude the running Node, and about install scripts not covered by `allowScripts`; both
// are read here from the lockfile `npm ci` installs, for the oldest Node the README promises.

interface Locked {
  readonly engines?: { readonly node?: string };
  readonly hasInstallScript?: boolean;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
}
interface RootManifest {
  readonly engines: { readonly node: string };
  readonly allowScripts?: Readonly<Record<string, boolean>>;
}

const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as RootManifest;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, Locked>;
};
/** Packages installed on this machine: npm skips optional ones built for another platform. */
const installed = Object.entries(lock.packages).filter(
  ([path, pkg]) =>
    path.includes('node_modules/') &&
    (pkg.os === undefined || pkg.os.includes(process.platform)) &&
    (pkg.cpu === undefined || pkg.cpu.includes(process.arch)),
);
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('a clean npm install of the repository', () => {
  it('reads npm engines ranges as npm does', () => {
    expect(admits('>=20.19', '20.19.0')).toBe(true);
    expect(admits('>=22.0.0', '20.19.0')).toBe(false);
    expect(admits('^20.19.0 || >=22.12.0', '20.19.0')).toBe(true);
    expect(admits('^22.11 || ^24 || >=26', '20.19.0')).toBe(false);
    expect(admits('>=6 <7 || >=8', '20.19.0')).toBe(true);
    expect(admits('>= 10.x', '20.19.0')).toBe(true);
    expect(admits('^16 || ^18 || >=20', '20.19.0')).toBe(true);
    expect(admits('~20.18', '20.19.0')).toBe(false);
  });

  it("installs nothing whose engines exclude the README's oldest Node, but the one documented exception", () => {
    const oldest = root.engines.node.replace(/^>=\s*/, '');
    expect(oldest).toBe('20.19');
    const excluding = installed
      .filter(([, pkg]) => pkg.engines?.node !== undefined && !admits(pkg.engines.node, oldest))
      .map(([path, pkg]) => `${path} wants node ${pkg.engines?.node}`);
    // The OpenAI conformance tests compile the gateway's frames against openai 7.60's official types,
    // and every openai 7.x declares Node 22 (CONTRIBUTING.md says so). Only the test workspace has it.
    expect(excluding).toEqual(['test/node_modules/openai wants node >=22.0.0']);
    const openai = JSON.parse(readFileSync(join(ROOT, 'test', 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(openai.devDependencies?.openai ?? openai.dependencies?.openai).toMatch(/^\^?7\./);
  });

  it('has every install script approved or denied in allowScripts', () => {
    const decided = new Set(Object.keys(root.allowScripts ?? {}).map((key) => key.replace(/(.)@.*$/, '$1')));
    const undecided = installed
      .filter(([path, pkg]) => pkg.hasInstallScript === true && !decided.has(nameOf(path)))
      .map(([path]) => nameOf(path));
    expect(undecided).toEqual([]);
  });
});
