#!/usr/bin/env node
// The `chorus` command. npm links a package's bin when it installs it, before anything is built, and
// a build rewrites dist/ without executable bits; so the bin is this small committed file (mode 755
// in git), which loads the compiled CLI or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    'chorus is not built yet: run "npm run build" (or "npm start") at the root of the Chorus repository.\n',
  );
  process.exit(1);
}
await import(cli.href);
