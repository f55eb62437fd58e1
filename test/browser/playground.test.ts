import type { RunningServe } from '@chorus/cli';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  collectPageErrors,
  launchChromium,
  screenshot,
  speechToolsReason,
  speechWav,
  startServeAndBrowser,
} from './browser-harness.js';

const skip = browserSkipReason() ?? speechToolsReason();
if (skip) console.warn(`playground browser tests skipped: ${skip}`);

/** The player counters these tests read (the page's `PlayerStats` has more). */
interface PlayerStats {
  chunksReceived: number;
  chunksStarted: number;
  chunksFinished: number;
  clears: number;
  lastClearStopped: number;
  secondsPlayed: number;
}

async function stats(page: Page): Promise<PlayerStats & { pending: number; framesSent: number }> {
  // A string: it runs in the page, and this project compiles without the DOM library.
  return (await page.evaluate(`(() => {
    const session = window.__chorusPlayground;
    if (!session) throw new Error('no session on the page');
    return { ...session.player.stats, pending: session.player.pendingSeconds, framesSent: session.framesSent };
  })()`)) as PlayerStats & { pending: number; framesSent: number };
}

async function join(page: Page, base: string, room: string): Promise<void> {
  await page.goto(`${base}/playground/?room=${room}&name=Tester`);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('[data-status="joined"]').waitFor({ timeout: 20_000 });
}

/**
 * Leaves the room the way a user does (the Leave button ends the session), then closes the page.
 * A page closed without a close frame leaves its session held for resumption, and its agent
 * answering on in the room the next test joins.
 */
async function leave(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Leave' }).click();
  await page.getByRole('button', { name: 'Join' }).waitFor({ timeout: 10_000 });
  await page.close();
}

describe.skipIf(skip !== undefined)('playground in Chromium', () => {
  let serve: RunningServe;
  let browser: Browser;
  let micBrowser: Browser;

  beforeAll(async () => {
    ({ serve, browser } = await startServeAndBrowser());
    const wav = speechWav('Hello there. Can you hear me?', 'hello-there');
    micBrowser = await launchChromium({ microphoneWav: wav });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await micBrowser?.close();
    await serve?.close();
  });

  it('answers a typed question with a spoken reply that is played and transcribed', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectPageErrors(page);
    await join(page, serve.url, 'assistant');
    await page.getByLabel('Message').fill('What is the weather in Paris?');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-speaker="user"]').first().textContent())
      .toContain('weather in Paris');
    const reply = page.locator('.bubble.agent.done').last();
    await reply.waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => (await stats(page)).chunksFinished, { timeout: 30_000 })
      .toBeGreaterThan(10);
    await expect.poll(async () => (await stats(page)).pending, { timeout: 30_000 }).toBe(0);
    const figures = await stats(page);
    expect(figures.chunksReceived).toBeGreaterThanOrEqual(figures.chunksFinished);
    expect(figures.secondsPlayed).toBeGreaterThan(0.5);
    expect(figures.clears).toBe(0);
    expect((await reply.textContent())?.length ?? 0).toBeGreaterThan(10);
    // The weather tool was called with the city, and its result is shown.
    await expect.poll(() => page.locator('.tool .tool-name').first().textContent()).toBe('get_weather');
    expect(await page.locator('.tool .args').first().textContent()).toContain('Paris');
    await expect.poll(() => page.locator('.turns tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'playground-typed-question');
    expect(errors).toEqual([]);
    await leave(page);
  }, 90_000);

  it('hears synthesized speech from the microphone: VAD starts a turn and the agent answers', async () => {
    const page = await micBrowser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectPageErrors(page);
    await join(page, serve.url, 'assistant');
    await page.getByRole('button', { name: 'Mic' }).click();
    await expect.poll(async () => (await stats(page)).framesSent, { timeout: 10_000 }).toBeGreaterThan(10);
    const spoken = page.locator('[data-speaker="user"]').first();
    await spoken.waitFor({ timeout: 20_000 });
    await page.locator('.bubble.agent').first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await stats(page)).chunksStarted, { timeout: 30_000 }).toBeGreaterThan(0);
    const heard = (await spoken.locator('p').textContent()) ?? '';
    console.info(`speech recognized from the fake microphone: "${heard}"`);
    await screenshot(page, 'playground-microphone-turn');
    await page.getByRole('button', { name: 'Mic on' }).click();
    expect(errors).toEqual([]);
    await leave(page);
  }, 90_000);

  it('clears the agent playback at once when the user talks over it', async () => {
    const page = await micBrowser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectPageErrors(page);
    await join(page, serve.url, 'assistant');
    // An unknown request gets the long fallback sentence: several seconds of speech to talk over.
    await page.getByLabel('Message').fill('Please tell me a long story about nothing at all.');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await stats(page)).chunksStarted, { timeout: 30_000 }).toBeGreaterThan(5);
    expect((await stats(page)).clears).toBe(0);
    await page.getByRole('button', { name: 'Mic' }).click();
    await page.locator('.bubble.agent.interrupted').first().waitFor({ timeout: 20_000 });
    const after = await stats(page);
    expect(after.clears).toBeGreaterThanOrEqual(1);
    // Audio was queued or playing when the interruption came, and all of it was stopped.
    expect(after.lastClearStopped).toBeGreaterThan(0);
    const cut = (await page.locator('.bubble.agent.interrupted p').first().textContent()) ?? '';
    expect(cut.length).toBeLessThan(
      'Sorry, I can tell you the weather, book an appointment, or put you through to billing.'.length,
    );
    await expect
      .poll(() => page.locator('[data-agent] .state-badge').first().textContent())
      .not.toBe('responding');
    await screenshot(page, 'playground-barge-in');
    expect(errors).toEqual([]);
    await leave(page);
  }, 90_000);
});
