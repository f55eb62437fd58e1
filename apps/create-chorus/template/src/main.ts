import { createChorusServer, createGatewayLogger } from '@chorus/server';
import { createRoom } from './room.js';

// The gateway: the Chorus protocol at /ws/<user>/<session> and OpenAI Realtime at /v1/realtime.
// Without CHORUS_API_KEYS only this machine may connect (insecureDev listens on loopback only).
const port = Number(process.env.PORT ?? 8787);
const server = createChorusServer({
  rooms: { weather: createRoom },
  auth: { insecureDev: true },
  logger: createGatewayLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
});
const address = await server.listen(port, '127.0.0.1');
console.log(`Chorus gateway on ws://127.0.0.1:${address.port}/ws/<user>/<session> (Ctrl+C stops it)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    // Every session is told the server is shutting down, and every room stops, before the exit.
    await server.close();
    process.exit(0);
  });
}
