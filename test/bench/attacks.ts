/**
 * The figures of the hostile-client findings, each measured on a gateway in its own process (see
 * attack-gateway.ts) while a bystander of another user measures its own request-to-answer latency:
 * file descriptors after 20,000 bad upgrades, CPU time per MB of hostile JSON, peak RSS per connection
 * under a flood of large conversation items, and the bystander's p99 during each. Prints figures;
 * asserts nothing (the reliability suite pins the behaviour).
 *
 *   node --expose-gc --conditions=@chorus/source --import tsx test/bench/attacks.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inWaves, rawUpgrade } from '../reliability/support/raw-upgrade.js';
import { bearer, type Json, WsClient } from '../reliability/support/ws-client.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly port: number;
}

async function startGatewayProcess(...args: string[]): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['--conditions=@chorus/source', '--import', 'tsx', join(HERE, 'attack-gateway.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  return { process: child, pid: child.pid as number, port };
}

async function stop(child: Child): Promise<void> {
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
/** User + system CPU time of `pid` in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
/** Resident set now and at its peak, MiB. */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
function resetPeak(pid: number): void {
  // Writing 5 to clear_refs resets VmHWM (Linux 4.0+).
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not permitted: the peak then includes the gateway's start.
  }
}

/** Starts Bob's process (attack-bystander.ts); `stop` ends it and returns his p99 in ms. */
async function bystander(port: number): Promise<{ stop: () => Promise<number> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@chorus/source', '--import', 'tsx', join(HERE, 'attack-bystander.ts'), String(port)],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise<void>((resolve) => {
    const check = () => (out.includes('ready') ? resolve() : setTimeout(check, 10));
    check();
  });
  return {
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
      return Number(/p99 ([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
    },
  };
}

async function during<T>(port: number, attack: () => Promise<T>): Promise<{ result: T; p99: number }> {
  const watch = await bystander(port);
  const result = await attack();
  return { result, p99: await watch.stop() };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** 8 + 4 OpenAI connections of two users, each sending 60 large items: refused non-images, refused PNGs, accepted text. */
async function itemFlood(gateway: Child, label: string): Promise<void> {
  resetPeak(gateway.pid);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rssBefore = rss(gateway.pid);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(700_000, 1),
  ]);
  const items: Json[] = [
    {
      type: 'input_image',
      image_url: `data:image/png;base64,${Buffer.alloc(700_000, 7).toString('base64')}`,
    },
    { type: 'input_image', image_url: `data:image/png;base64,${png.toString('base64')}` },
  ];
  const textParts = Array.from({ length: 20 }, () => ({ type: 'input_text', text: 'y'.repeat(30_000) }));
  const users = [...Array(8).fill('sk-alice'), ...Array(4).fill('sk-mallory')] as string[];
  let closedEarly = 0;
  const flood = await during(gateway.port, () =>
    Promise.all(
      users.map(async (key, n) => {
        const c = new WsClient(`ws://127.0.0.1:${gateway.port}/v1/realtime?model=assistant`, bearer(key));
        await c.opened;
        for (let i = 0; i < 60 && c.isOpen; i++) {
          const content = i % 3 === 2 ? textParts : [items[i % 3] as Json];
          c.send({
            type: 'conversation.item.create',
            event_id: `f${n}-${i}`,
            item: { type: 'message', role: 'user', content },
          });
          c.messages.splice(0);
          // Paced a little, so that the client process keeps reading what the gateway echoes.
          await new Promise((resolve) => setImmediate(resolve));
        }
        c.send({ type: 'response.cancel', response_id: 0, event_id: 'end' });
        const ended = c.waitFor(
          (m) => (m.error as Json | undefined)?.event_id === 'end',
          'flood end',
          0,
          120_000,
        );
        const outcome = await Promise.race([ended.then(() => 'answered'), c.closed.then(() => 'closed')]);
        if (outcome === 'closed') closedEarly++;
        return c;
      }),
    ),
  );
  const peak = rss(gateway.pid);
  console.log(
    `item flood, ${label} (12 connections x 60 items of 0.7-0.9 MB, 2 users): gateway RSS ${fmt(rssBefore.now)} MiB before, peak ${fmt(peak.peak)} MiB; ` +
      `${fmt((peak.peak - rssBefore.now) / users.length)} MiB per connection at the peak; ${closedEarly} closed by the gateway; bystander p99 ${fmt(flood.p99)} ms`,
  );
  for (const c of flood.result) c.ws.terminate();
}

async function main(): Promise<void> {
  console.log(`# Hostile clients against the gateway (${new Date().toISOString()})\n`);
  // --- baseline and bad upgrades (default limits) -----------------------------------------------
  const plain = await startGatewayProcess();
  const idle = await during(plain.port, () => new Promise((resolve) => setTimeout(resolve, 3000)));
  console.log(`bystander p99 with no attack: ${fmt(idle.p99)} ms`);
  const before = fds(plain.pid);
  const paths = ['/nope', '/healthz', '/ws//x/y', '/ws/a%20b/s', '/v1/realtime', '/ws/alice/s1'];
  const upgrades = await during(plain.port, () =>
    inWaves(20_000, 200, (i) => rawUpgrade(plain.port, paths[i % paths.length] as string, {}, 5000)),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const answered = upgrades.result.filter((a) => a.status !== undefined && a.closedByServer).length;
  const health = await fetch(`http://127.0.0.1:${plain.port}/healthz`);
  console.log(
    `20,000 bad upgrades: ${answered} answered and closed; gateway fds ${before} before, ${fds(plain.pid)} after; ` +
      `/healthz ${health.status}; bystander p99 ${fmt(upgrades.p99)} ms`,
  );

  // --- hostile JSON with default limits: how far one connection gets ----------------------------
  const frame = (head: string) => {
    const count = Math.floor((1_550_000 - head.length - 8) / 3);
    return `${head},"a":[${'{},'.repeat(count - 1)}{}]}`;
  };
  const chorusFrame = frame('{"type":"client_text_append","text":"x"');
  {
    const attacker = new WsClient(`ws://127.0.0.1:${plain.port}/ws/mallory/cut`, bearer('sk-mallory'));
    await attacker.opened;
    for (let i = 0; i < 100 && attacker.isOpen; i++) {
      attacker.send(chorusFrame);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const closed = await Promise.race([
      attacker.closed,
      new Promise((r) => setTimeout(() => r(undefined), 3000)),
    ]);
    const refused = attacker.messages.filter((m: Json) => m.code === 'too_large').length;
    console.log(
      `default limits: a connection sending 1.55 MB hostile frames got ${refused} refused, then close ${JSON.stringify(closed)}`,
    );
    attacker.ws.terminate();
  }
  await itemFlood(plain, 'default limits');
  await stop(plain);

  // --- hostile JSON, byte limit raised so validation itself is what is measured ----------------
  const raised = await startGatewayProcess('--raise-byte-limit');
  for (const [route, url, frameText, sentinel] of [
    [
      'Chorus',
      '/ws/mallory/json',
      chorusFrame,
      (id: string) => ({ type: 'client_text_append', text: 0, event_id: id }),
    ],
    [
      'OpenAI',
      '/v1/realtime?model=assistant',
      frame('{"type":"response.cancel"'),
      (id: string) => ({ type: 'response.cancel', response_id: 0, event_id: id }),
    ],
  ] as const) {
    const attacker = new WsClient(`ws://127.0.0.1:${raised.port}${url}`, bearer('sk-mallory'));
    await attacker.opened;
    const cpuBefore = cpuMs(raised.pid);
    const { p99: hostileP99 } = await during(raised.port, async () => {
      for (let i = 0; i < 100; i++) attacker.send(frameText);
      attacker.send(sentinel('end'));
      await attacker.waitFor(
        (m) => m.event_id === 'end' || (m.error as Json | undefined)?.event_id === 'end',
        'the sentinel',
        0,
        120_000,
      );
    });
    const mb = (frameText.length * 100) / 1e6;
    console.log(
      `${route}: 100 hostile frames (${fmt(mb)} MB): ${fmt((cpuMs(raised.pid) - cpuBefore) / mb)} ms of gateway CPU per MB; bystander p99 ${fmt(hostileP99)} ms`,
    );
    attacker.ws.terminate();
  }

  await itemFlood(raised, 'byte limit raised');
  await stop(raised);
}

await main();
