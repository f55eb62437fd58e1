/**
 * The gateway the attack figures are measured on, in its own process so that its descriptors, memory
 * and CPU time are its own: attached to an app's http server the way `chorus serve` runs it, keys for
 * two users and a bystander, rooms on a scripted agent whose model takes no images. Prints its port.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/attack-gateway.ts [--raise-byte-limit]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { createChorusServer } from '@chorus/server';
import { pino } from 'pino';

const raise = process.argv.includes('--raise-byte-limit');
const server = createChorusServer({
  rooms: {
    assistant: () =>
      new RealtimeAgent({
        name: 'assistant',
        instructions: 'Be brief.',
        model: new ScriptedModel({
          chunkMs: 10,
          fallback: { text: 'Still here.' },
          recordAudio: false,
          capabilities: { imageInput: false },
        }),
      }),
  },
  auth: { apiKeys: { 'sk-alice': 'alice', 'sk-mallory': 'mallory', 'sk-bob': 'bob' } },
  logger: pino({ level: 'silent' }),
  limits: {
    maxSessionsPerUser: 16,
    // The CPU-per-MB figure measures validation, so the byte bucket must not cut the attacker first.
    ...(raise
      ? {
          bytesPerSecond: 1e12,
          byteBurst: 1e12,
          userBytesPerSecond: 1e12,
          userByteBurst: 1e12,
          messagesPerSecond: 1e6,
          messageBurst: 1e6,
        }
      : {}),
  },
});
const http = createServer((request, response) => {
  if (!server.handleRequest(request, response)) response.writeHead(404).end('not found\n');
});
server.attach(http);
http.listen(0, '127.0.0.1', () => {
  console.log(`port ${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
