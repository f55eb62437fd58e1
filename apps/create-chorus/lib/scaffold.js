// @ts-check
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The template copied into a new project; package.json is written here, to carry this release's versions. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../template/', import.meta.url));

/** This package's own version: the @chorus/* packages are released together, so it is theirs too. */
export function ownVersion() {
  const self = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return /** @type {string} */ (self.version);
}

/**
 * The new project's package.json: the room, the tool and the gateway need core, local and server;
 * `ask` speaks the protocol with ws; typescript builds it.
 * @param {string} name
 * @param {string} version
 */
export function projectPackageJson(name, version) {
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsc',
      start: 'tsc && node dist/main.js',
      ask: 'node dist/ask.js',
      typecheck: 'tsc --noEmit',
    },
    dependencies: {
      '@chorus/core': `^${version}`,
      '@chorus/local': `^${version}`,
      '@chorus/protocol': `^${version}`,
      '@chorus/server': `^${version}`,
      ws: '^8.23.0',
      zod: '^4.6.7',
    },
    devDependencies: {
      '@types/node': '^20.19.0',
      '@types/ws': '^8.18.2',
      typescript: '~5.9.3',
    },
  };
}

/** npm names: lower case, no spaces; the folder name is the usual choice. */
const VALID_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/**
 * Writes a new Chorus project into `target` (created if missing; refused if it holds files, so nothing
 * of the user's is overwritten). Resolves with the project's absolute path.
 * @param {string} target
 * @param {{ version?: string }} [options]
 */
export function scaffold(target, options = {}) {
  const dir = resolve(target);
  const name = basename(dir);
  if (!VALID_NAME.test(name)) {
    throw new Error(`"${name}" cannot be an npm package name: use lower case letters, digits and dashes`);
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty: choose a new folder name, nothing was written`);
  }
  cpSync(TEMPLATE_DIR, dir, { recursive: true });
  // npm leaves .gitignore out of published packages, so the template holds it without the dot.
  renameSync(join(dir, 'gitignore'), join(dir, '.gitignore'));
  const pkg = projectPackageJson(name, options.version ?? ownVersion());
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return dir;
}
