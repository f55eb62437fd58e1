#!/usr/bin/env node
// `npm create chorus@latest my-room`: writes a new project with a room, a tool and the gateway.
import { scaffold } from '../lib/scaffold.js';

const [target, ...extra] = process.argv.slice(2);
if (target === '--help' || target === '-h' || target === undefined || extra.length > 0) {
  process.stdout.write(
    'Usage: npm create chorus@latest <folder>\n\nWrites a Chorus project (a room, a tool and the gateway) into a new folder.\n',
  );
  process.exit(target === undefined || extra.length > 0 ? 2 : 0);
}
try {
  const dir = scaffold(target);
  process.stdout.write(
    `Created ${dir}\n\nNext:\n  cd ${target}\n  npm install\n  npm start                                       # the gateway on ws://127.0.0.1:8787\n  npm run ask -- "What's the weather in Paris?"   # in another terminal\n`,
  );
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
