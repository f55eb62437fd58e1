import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatRoom } from '@chorus/core';
import { type ChorusServer, createChorusServer } from '@chorus/server';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { STORY, scriptedAgent } from '../interop/agentscope/scripted-agent.fixture.js';
import { browserSkipReason, collectPageErrors, launchChromium, screenshot } from './browser-harness.js';

// An AgentScope-style page (agentscope-page/index.html, written from AgentScope's protocol, knowing
// no Chorus addition) in Chromium against the gateway: a session, a reply cut by the user typing
// over it, the next reply, session end and a new session on the same socket.

const skip = browserSkipReason();
if (skip) console.warn(`AgentScope page browser test skipped: ${skip}`);

const PAGE = readFileSync(new URL('./agentscope-page/index.html', import.meta.url));

let gateway: ChorusServer | undefined;
let http: Server | undefined;
let browser: Browser | undefined;

afterEach(async () => {
  await browser?.close();
  await gateway?.close();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  browser = undefined;
  gateway = undefined;
  http = undefined;
});

/** The page at `/`, the gateway's WebSocket routes on the same port, as AgentScope's server has them. */
async function serve(): Promise<string> {
  gateway = createChorusServer({
    rooms: { friday: () => new ChatRoom({ agents: [scriptedAgent('Friday')], clientShaping: true }) },
    logger: pino({ level: 'silent' }),
    auth: { insecureDev: true },
  });
  const server = createServer((request, response) => {
    if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    else if (!gateway?.handleRequest(request, response)) response.writeHead(404).end();
  });
  http = server;
  gateway.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

interface Bubble {
  readonly kind: string;
  readonly sender: string;
  readonly text: string;
}

// Page scripts are strings: this project compiles without the DOM library.
const BUBBLES = `[...document.querySelectorAll('.message')].map((m) => ({
  kind: m.dataset.kind, sender: m.dataset.sender, text: m.textContent }))`;

async function bubbles(page: Page, kind?: string): Promise<Bubble[]> {
  const all = (await page.evaluate(BUBBLES)) as Bubble[];
  return kind ? all.filter((b) => b.kind === kind) : all;
}

async function waitForText(page: Page, text: string): Promise<void> {
  await page.waitForFunction(`${BUBBLES}.some((b) => b.text.includes(${JSON.stringify(text)}))`, undefined, {
    timeout: 15_000,
  });
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.click('#send');
}

describe.skipIf(skip !== undefined)('an AgentScope-style page in Chromium', () => {
  it('gives each reply its own bubble when the user barges in, and starts over after session end', async () => {
    const url = await serve();
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(url);
    await waitForText(page, 'connected');

    await page.click('#start');
    await waitForText(page, 'Agent Friday is ready');

    await say(page, 'tell me a story');
    // Mid-reply: the story's bubble is open and growing.
    await page.waitForFunction(
      `${BUBBLES}.some((b) => b.kind === 'agent' && b.text.length > 20)`,
      undefined,
      {
        timeout: 15_000,
      },
    );
    await say(page, 'what time is it');
    await waitForText(page, 'It is noon.');
    await screenshot(page, 'agentscope-page-barge-in');

    const replies = await bubbles(page, 'agent');
    expect(replies.map((b) => b.sender)).toEqual(['Friday', 'Friday']);
    const [cut, next] = replies.map((b) => b.text);
    // The cut story holds what was said before the user spoke, nothing of the next reply.
    expect(cut?.length).toBeGreaterThan(20);
    expect(STORY.startsWith(cut ?? '')).toBe(true);
    expect(cut).not.toBe(STORY);
    expect(next).toBe('It is noon.');
    expect((await bubbles(page)).filter((b) => b.kind !== 'system').map((b) => b.kind)).toEqual([
      'user',
      'agent',
      'user',
      'agent',
    ]);
    expect(await page.evaluate('window.__audioChunks')).toBeGreaterThan(0);

    // Session end: the agent ends, the session ends, the socket stays open for the next session.
    await page.click('#end');
    await waitForText(page, 'Session session1 has ended');
    expect((await bubbles(page, 'system')).map((b) => b.text)).toContain('Agent Friday has ended');
    await page.fill('#agentName', 'Jarvis');
    await page.click('#start');
    await waitForText(page, 'Agent Jarvis is ready');
    await say(page, 'hello');
    await waitForText(page, 'Hello there.');
    expect(await page.evaluate('window.__ws.readyState')).toBe(1);
    expect((await bubbles(page, 'error')).map((b) => b.text)).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
