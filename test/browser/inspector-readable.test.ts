import type { RunningServe } from '@chorus/cli';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, collectPageErrors, screenshot, startServeAndBrowser } from './browser-harness.js';

const skip = browserSkipReason();
if (skip) console.warn(`inspector readability tests skipped: ${skip}`);

interface Label {
  readonly text: string;
  /** The font size as rendered on screen: computed size times the chart's zoom. */
  readonly px: number;
  readonly box: { x: number; y: number; width: number; height: number };
}

/** Every transition and state label of the first chart, as rendered. Runs in the page. */
async function labels(page: Page): Promise<Label[]> {
  return (await page.evaluate(`(() => {
    const chart = document.querySelector('.chart-canvas');
    if (!chart) return [];
    const viewport = chart.querySelector('.react-flow__viewport');
    const zoom = viewport ? new DOMMatrix(getComputedStyle(viewport).transform).a : 1;
    return [...chart.querySelectorAll('.react-flow__edge-text, .state-label')].map((el) => {
      const r = el.getBoundingClientRect();
      return {
        text: el.textContent ?? '',
        px: parseFloat(getComputedStyle(el).fontSize) * zoom,
        box: { x: r.x, y: r.y, width: r.width, height: r.height },
      };
    });
  })()`)) as Label[];
}

function overlaps(a: Label['box'], b: Label['box']): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe.skipIf(skip !== undefined)('inspector labels are readable in Chromium', () => {
  let serve: RunningServe;
  let browser: Browser;

  beforeAll(async () => {
    ({ serve, browser } = await startServeAndBrowser());
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.close();
  });

  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    it(`at ${width}x${height}: labels of at least 11 px, none overlapping another`, async () => {
      // The inspector is opened first, before the room starts: the chart must still fit.
      const page = await browser.newPage({ viewport: { width, height } });
      const playground = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors = collectPageErrors(page);
      try {
        await page.goto(`${serve.url}/inspector/?room=assistant`);
        await page.locator('[data-status="open"]').waitFor({ timeout: 10_000 });
        await playground.goto(`${serve.url}/playground/?room=assistant&name=Tester`);
        await playground.getByRole('button', { name: 'Join' }).click();
        await playground.locator('[data-status="joined"]').waitFor({ timeout: 20_000 });
        await page.locator('.chart-canvas .state-node').first().waitFor({ timeout: 40_000 });
        await expect.poll(async () => (await labels(page)).length, { timeout: 10_000 }).toBeGreaterThan(3);
        const found = await labels(page);
        const small = found.filter((l) => l.px < 11).map((l) => `${l.text} (${l.px.toFixed(1)} px)`);
        expect(small).toEqual([]);
        const edgeLabels = found.filter((l) => l.box.width > 0);
        const clashes: string[] = [];
        for (let i = 0; i < edgeLabels.length; i++) {
          for (let j = i + 1; j < edgeLabels.length; j++) {
            const a = edgeLabels[i] as Label;
            const b = edgeLabels[j] as Label;
            if (overlaps(a.box, b.box)) clashes.push(`"${a.text}" / "${b.text}"`);
          }
        }
        // Actors of the earlier test's session have finished: collapsed into the history group, never
        // listed with the live room.
        expect(await page.locator('.tree-live .tree-actor.finished').count()).toBe(0);
        if (width === 1920) {
          await expect
            .poll(() => page.locator('.tree-history .tree-actor.finished').count())
            .toBeGreaterThan(0);
          expect(await page.locator('.tree-history').getAttribute('open')).toBeNull();
        }
        await screenshot(page, `inspector-readable-${width}x${height}`);
        expect(clashes).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await playground.close();
        await page.close();
      }
    }, 120_000);
  }
});
