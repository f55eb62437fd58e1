import type { RunningServe } from '@chorus/cli';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, collectPageErrors, screenshot, startServeAndBrowser } from './browser-harness.js';

const skip = browserSkipReason();
if (skip) console.warn(`playground turn tests skipped: ${skip}`);

async function join(page: Page, base: string, room: string): Promise<void> {
  await page.goto(`${base}/playground/?room=${room}&name=Tester`);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('[data-status="joined"]').waitFor({ timeout: 20_000 });
}

async function ask(page: Page, text: string): Promise<void> {
  const replies = await page.locator('.bubble.agent.done').count();
  await page.getByLabel('Message').fill(text);
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.locator('.bubble.agent.done').count(), { timeout: 30_000 })
    .toBeGreaterThan(replies);
}

describe.skipIf(skip !== undefined)('playground: turns, tools and handoffs in Chromium', () => {
  let serve: RunningServe;
  let browser: Browser;

  beforeAll(async () => {
    ({ serve, browser } = await startServeAndBrowser());
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.close();
  });

  it('labels each latency row with its turn and shows E2E for a typed turn; tool JSON breaks between keys', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectPageErrors(page);
    await join(page, serve.url, 'assistant');
    await ask(page, 'What is the weather in Paris?');
    await expect.poll(() => page.locator('.turns tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const row = page.locator('.turns tbody tr').first();
    await expect
      .poll(() => row.locator('td').first().textContent())
      .toMatch(/^#1 assistant · What is the weather/);
    // E2E: typed turns have no server figure; the page's send-to-first-audio stands in.
    await expect.poll(() => row.locator('td').nth(2).textContent(), { timeout: 30_000 }).toMatch(/^\d+ ms$/);
    const args = page.locator('.tool .args').first();
    await expect.poll(() => args.textContent()).toContain('"city": "Paris"');
    // Indented JSON on its own lines; a line too long scrolls instead of wrapping inside a word.
    const style = await args.evaluate((el) => {
      const view = globalThis as unknown as {
        getComputedStyle(e: unknown): { whiteSpace: string; wordBreak: string; overflowWrap: string };
      };
      const { whiteSpace, wordBreak, overflowWrap } = view.getComputedStyle(el);
      return { whiteSpace, wordBreak, overflowWrap };
    });
    expect(style).toEqual({ whiteSpace: 'pre', wordBreak: 'normal', overflowWrap: 'normal' });
    // The gateway offered binary frames (it echoed binary_audio): the agent's audio came as bytes.
    const binary = (await page.evaluate(`(() => {
      const s = window.__chorusPlayground;
      return { offered: s.binaryOffered, received: s.binaryFramesReceived, played: s.player.stats.chunksFinished };
    })()`)) as { offered: boolean; received: number; played: number };
    expect(binary.offered).toBe(true);
    expect(binary.received).toBeGreaterThan(10);
    expect(binary.played).toBeGreaterThan(0);
    await screenshot(page, 'playground-turn-rows');
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('after the billing handoff: the reply and the agents panel name billing, and the handoff tool is done', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectPageErrors(page);
    await join(page, serve.url, 'assistant');
    await ask(page, 'I need help with billing');
    const transfer = page.locator('.tool', {
      has: page.locator('.tool-name', { hasText: 'transfer_to_billing' }),
    });
    await transfer.first().waitFor({ timeout: 30_000 });
    await expect
      .poll(() => transfer.first().locator('.tag').textContent(), { timeout: 30_000 })
      .not.toBe('running');
    await expect
      .poll(() => page.locator('.agents li').first().getAttribute('data-persona'), { timeout: 30_000 })
      .toBe('billing');
    await expect.poll(() => page.locator('.bubble.agent').last().getAttribute('data-name')).toBe('billing');
    await screenshot(page, 'playground-billing-handoff');
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
