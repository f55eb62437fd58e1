/**
 * The inspector page's frame rate while a room of three agents talks.
 *
 * Starts a gateway with one shared room of three local agents (no key, no network), opens the
 * playground and the inspector in headless Chromium, has the user greet everyone (all three answer,
 * aloud) and counts requestAnimationFrame callbacks in the inspector over 5 s. Prints frames per
 * second and how many feed frames the inspector received meanwhile.
 *
 *   npx tsx --conditions @chorus/source test/bench/inspector-fps.ts
 *
 * Needs /usr/bin/chromium and built pages (`npm run build`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { ChatRoom, mentionFloor, RealtimeAgent } from '@chorus/core';
import { LocalModel, rulesBrain } from '@chorus/local';
import { createChorusServer } from '@chorus/server';
import { CHROMIUM, ensurePageBuilt, launchChromium, REPO_ROOT } from '../browser/browser-harness.js';

const MEASURE_MS = 5000;

function agent(name: string, greeting: string): RealtimeAgent {
  return new RealtimeAgent({
    name,
    instructions: `You are ${name}. Keep it short.`,
    model: new LocalModel({
      brain: rulesBrain({
        intents: [{ name: 'greeting', match: ['hello', 'hi', 'everyone'], reply: greeting }],
        fallback: `${name} here.`,
      }),
    }),
  });
}

const threeAgents = () =>
  new ChatRoom({
    agents: [
      agent('Ava', "Hello! I'm Ava. I know the weather anywhere in the world."),
      agent('Max', "Hi, I'm Max. I tell jokes, mostly about robots and their batteries."),
      agent('Zoe', "Hey, I'm Zoe. I keep the notes for everyone in this room."),
    ],
    floor: mentionFloor({ fallback: 'all' }),
    maxAgentTurns: 3,
  });

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: ${CHROMIUM} is not installed`);
    return;
  }
  ensurePageBuilt('playground');
  ensurePageBuilt('inspector');
  const gateway = createChorusServer({
    rooms: { 'three-agents': threeAgents },
    defaultRoom: 'three-agents',
    auth: { insecureDev: true },
  });
  const http = createServer((request, response) => {
    if (gateway.handleRequest(request, response)) return;
    const match = /^\/(playground|inspector)\/([\w./-]*)$/.exec(
      new URL(request.url ?? '/', 'http://x').pathname,
    );
    const file = match ? join(REPO_ROOT, 'apps', match[1] as string, 'dist', match[2] || 'index.html') : '';
    if (!match || file.includes('..') || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  gateway.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  try {
    const playground = await browser.newPage();
    await playground.goto(`${base}/playground/?room=three-agents&name=Bench`);
    await playground.getByRole('button', { name: 'Join' }).click();
    await playground.locator('[data-status="joined"]').waitFor({ timeout: 30_000 });
    const inspector = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    let feedFrames = 0;
    inspector.on('websocket', (socket) => socket.on('framereceived', () => feedFrames++));
    await inspector.goto(`${base}/inspector/?room=three-agents`);
    await inspector.locator('.chart-card').first().waitFor({ timeout: 30_000 });
    const charts = await inspector.locator('.chart-card').count();
    const before = feedFrames;
    // Counted in the page; a string, so no bundler helper leaks into the page's scope.
    const measuring = inspector.evaluate(`new Promise((resolve) => {
      let frames = 0;
      const start = performance.now();
      function tick() {
        frames++;
        if (performance.now() - start < ${MEASURE_MS}) requestAnimationFrame(tick);
        else resolve({ frames, seconds: (performance.now() - start) / 1000 });
      }
      requestAnimationFrame(tick);
    })`) as Promise<{ frames: number; seconds: number }>;
    await playground.getByLabel('Message').fill('Hello everyone!');
    await playground.keyboard.press('Enter');
    const { frames, seconds } = await measuring;
    const agentsSpoke = await playground.locator('.bubble.agent').count();
    console.log(`inspector frame rate while 3 agents talk: ${(frames / seconds).toFixed(1)} fps`);
    console.log(`  ${frames} frames in ${seconds.toFixed(2)} s; ${charts} charts on screen;`);
    console.log(
      `  ${feedFrames - before} feed frames received; ${agentsSpoke} agent replies in the transcript`,
    );
  } finally {
    await browser.close();
    await gateway.drain({ deadlineMs: 2000 });
    await gateway.close();
    http.close();
  }
}

await main();
