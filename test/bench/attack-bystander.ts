/**
 * Bob, another user, in his own process (so the attacker's work does not delay his measurements): a
 * cheap request every 20 ms on his own Chorus session, timed from send to the gateway's answer. Prints
 * `p99 <ms> n <count>` when stdin closes.
 *
 *   node --conditions=@chorus/source --import tsx test/bench/attack-bystander.ts <port>
 */
import { bearer, WsClient } from '../reliability/support/ws-client.js';

const port = Number(process.argv[2]);
const client = new WsClient(`ws://127.0.0.1:${port}/ws/bob/watch-${process.pid}`, bearer('sk-bob'));
await client.opened;
client.send({ type: 'client_session_create', config: {} });
await client.waitForType('server_session_created');
console.log('ready');
const latencies: number[] = [];
let running = true;
process.stdin.resume();
process.stdin.on('end', () => {
  running = false;
});
for (let i = 0; running; i++) {
  const id = `probe-${i}`;
  const sent = performance.now();
  client.messages.splice(0);
  client.send({ type: 'client_text_append', text: 0, event_id: id });
  await client.waitFor((m) => m.event_id === id, id, 0, 60_000).catch(() => {});
  latencies.push(performance.now() - sent);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const sorted = latencies.sort((a, b) => a - b);
const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
console.log(`p99 ${p99.toFixed(1)} n ${sorted.length}`);
client.ws.terminate();
process.exit(0);
