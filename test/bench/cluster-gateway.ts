/**
 * A gateway of N processes for the cluster benchmark, as `chorus serve --workers N` runs it: node:cluster
 * workers sharing one port, on one Redis bus, serving the density room ({@link LocalEchoRoom}).
 *
 *   cluster-gateway.ts <workers> <port> <redis url>     prints "ready" once every worker listens
 */
import cluster from 'node:cluster';
import { pino } from 'pino';

const [workersArg, portArg, bus] = process.argv.slice(2);
const workers = Number(workersArg ?? 1);
const port = Number(portArg);

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork();
    worker.on('message', (m) => {
      if (m === 'listening' && ++listening === workers) console.log('ready');
    });
  }
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const { createChorusServer } = await import('@chorus/server');
  const { LocalEchoRoom } = await import('./local-echo-room.js');
  const gateway = createChorusServer({
    rooms: { echo: () => new LocalEchoRoom() },
    auth: { apiKeys: ['bench-key'] },
    logger: pino({ level: 'silent' }),
    limits: { messagesPerSecond: 1e6, messageBurst: 1e6, maxSessionsPerUser: 100_000 },
    ...(bus ? { cluster: { bus } } : {}),
  });
  await gateway.listen(port, '127.0.0.1');
  process.send?.('listening');
  process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
}
