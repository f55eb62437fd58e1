#!/usr/bin/env node
import { main } from './main.js';

// Exit explicitly: worker threads (speech synthesis) and sockets must not keep a finished command alive.
const code = await main(process.argv.slice(2));
process.exit(code);
