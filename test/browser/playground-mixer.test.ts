import type { RunningServe } from '@chorus/cli';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, collectPageErrors, screenshot, startServeAndBrowser } from './browser-harness.js';

const skip = browserSkipReason();
if (skip) console.warn(`playground mixer browser tests skipped: ${skip}`);

interface Mixed {
  /** Output samples at 0.25 s (both voices) and 0.75 s (after both). */
  both: number;
  after: number;
  stats: { chunksStarted: number; chunksFinished: number; maxVoicesMixed: number; secondsPlayed: number };
}

describe.skipIf(skip !== undefined)('playground: agent voices mixed in an AudioWorklet (Chromium)', () => {
  let serve: RunningServe;
  let browser: Browser;

  beforeAll(async () => {
    ({ serve, browser } = await startServeAndBrowser());
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.close();
  });

  it("plays two agents' audio at the same time, summed, at their own rates", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectPageErrors(page);
    await page.goto(`${serve.url}/playground/?room=assistant&name=Tester`);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('[data-status="joined"]').waitFor({ timeout: 20_000 });
    // The page's own player class, on an offline context so the mixed output can be read back. Two
    // voices, each 0.5 s of a constant level (0.25 at 24 kHz, 0.5 at 16 kHz), queued at the same
    // moment (the offline clock is at 0, so both start at once): mixed, the output is 0.75 while both
    // play and silent from 0.5 s; one after the other, it would be 0.25 and then 0.5 until 1 s.
    // A string: it runs in the page, and this project compiles without the DOM library.
    const mixed = (await page.evaluate(`(async () => {
      const session = window.__chorusPlayground;
      if (!session) throw new Error('no session on the page');
      const Player = session.player.constructor;
      const rate = 48000;
      const context = new OfflineAudioContext(1, rate, rate);
      const player = new Player({ context, prebufferSeconds: 0.1 });
      await player.ready;
      const level = (value, sampleRate) => {
        const samples = new Int16Array(sampleRate / 2).fill(Math.round(value * 32768));
        return new Uint8Array(samples.buffer);
      };
      player.enqueue(level(0.25, 24000), 24000, 'item_alice', 'alice');
      player.enqueue(level(0.5, 16000), 16000, 'item_bob', 'bob');
      // The chunks reach the worklet as messages on Chromium's audio thread; on a loaded machine the
      // render could pass their start before the second arrived. The render pauses after its first
      // quanta until the worklet has reported both chunks started (bounded, as below).
      const waitForStart = context.suspend(256 / rate).then(async () => {
        for (let i = 0; i < 50 && player.stats.chunksStarted < 2; i++) await new Promise((r) => setTimeout(r, 20));
        await context.resume();
      });
      const rendered = (await context.startRendering()).getChannelData(0);
      await waitForStart;
      // The worklet's reports arrive as messages after the render, from Chromium's audio thread: a
      // bounded wait on an outside thread, one of the README's stated exceptions to "no real sleeps".
      for (let i = 0; i < 50 && player.stats.chunksFinished < 2; i++) await new Promise((r) => setTimeout(r, 20));
      const at = (seconds) => rendered[Math.round(seconds * rate)];
      return { both: at(0.25), after: at(0.75), stats: { ...player.stats } };
    })()`)) as Mixed;
    expect(mixed.both).toBeCloseTo(0.75, 2);
    expect(mixed.after).toBe(0);
    expect(mixed.stats).toMatchObject({ chunksStarted: 2, chunksFinished: 2, maxVoicesMixed: 2 });
    expect(mixed.stats.secondsPlayed).toBeCloseTo(1, 2);
    await screenshot(page, 'playground-mixer');
    expect(errors).toEqual([]);
    await page.close();
  });
});
