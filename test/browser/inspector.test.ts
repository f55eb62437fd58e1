import type { RunningServe } from '@chorus/cli';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign, createActor, createMachine } from 'xstate';
import { browserSkipReason, collectPageErrors, screenshot, startServeAndBrowser } from './browser-harness.js';
import { createWebSocketInspectorEmulation } from './stately-inspect-emulation.js';

const skip = browserSkipReason();
if (skip) console.warn(`inspector browser tests skipped: ${skip}`);

/** The innermost lit states of a chart, as the page reports them. */
async function litStates(page: Page, machine: string): Promise<string[]> {
  return page
    .locator(`[data-machine="${machine}"] .state-node[data-active="true"]`)
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state-key') ?? ''));
}

/**
 * Records every value a chart card shows, so a test can check the order states were lit in. The
 * scripts run in the page; they are strings because this project compiles without the DOM library.
 */
async function recordValues(page: Page, selector: string): Promise<void> {
  await page.evaluate(`(() => {
    const card = document.querySelector(${JSON.stringify(selector)});
    if (!card) throw new Error('no ${selector.replaceAll("'", '')} on the page');
    const seen = [card.getAttribute('data-value') ?? ''];
    window.__values = seen;
    new MutationObserver(() => {
      const value = card.getAttribute('data-value') ?? '';
      if (seen.at(-1) !== value) seen.push(value);
    }).observe(card, { attributes: true, attributeFilter: ['data-value'] });
  })()`);
}

async function recordedValues(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__values')) as string[];
}

/** Whether `sequence` contains `wanted` in order (not necessarily adjacent). */
function inOrder(sequence: readonly string[], wanted: readonly string[]): boolean {
  let i = 0;
  for (const value of sequence) if (value === wanted[i]) i++;
  return i === wanted.length;
}

describe.skipIf(skip !== undefined)('inspector in Chromium', () => {
  let serve: RunningServe;
  let browser: Browser;

  beforeAll(async () => {
    ({ serve, browser } = await startServeAndBrowser());
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.close();
  });

  it('shows a plain XState app that points the @statelyai/inspect WebSocket inspector at the gateway', async () => {
    // What `createWebSocketInspector({ url: 'ws://…/inspect' })` does; the gateway relays it to the page.
    const inspectUrl = `${serve.url.replace(/^http/, 'ws')}/inspect`;
    const inspector = createWebSocketInspectorEmulation(inspectUrl);
    const light = createMachine({
      id: 'trafficLight',
      initial: 'green',
      context: { cycles: 0 },
      states: {
        green: { on: { TIMER: 'yellow' } },
        yellow: { on: { TIMER: 'red' } },
        red: {
          initial: 'walk',
          states: { walk: { on: { COUNTDOWN: 'wait' } }, wait: {} },
          on: {
            TIMER: { target: 'green', actions: assign({ cycles: ({ context }) => context.cycles + 1 }) },
          },
        },
      },
    });
    const actor = createActor(light, { inspect: inspector.inspect }).start();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${serve.url}/inspector/?ws=${encodeURIComponent(inspectUrl)}`);
      await page.locator('[data-room="xstate:trafficLight"]').waitFor({ timeout: 10_000 });
      const chart = '[data-machine^="trafficLight@"]';
      await page.locator(`${chart} .state-node`).first().waitFor();
      expect(
        await page
          .locator(`${chart} .state-node`)
          .evaluateAll((n) => n.map((e) => e.getAttribute('data-state-id'))),
      ).toEqual([
        'trafficLight.green',
        'trafficLight.yellow',
        'trafficLight.red',
        'trafficLight.red.walk',
        'trafficLight.red.wait',
      ]);
      await expect.poll(() => litStates(page, 'trafficLight@x:0')).toEqual(['green']);
      actor.send({ type: 'TIMER' });
      await expect.poll(() => litStates(page, 'trafficLight@x:0')).toEqual(['yellow']);
      actor.send({ type: 'TIMER' });
      await expect.poll(() => litStates(page, 'trafficLight@x:0')).toEqual(['red', 'walk']);
      actor.send({ type: 'COUNTDOWN' });
      await expect.poll(() => litStates(page, 'trafficLight@x:0')).toEqual(['red', 'wait']);
      // The transition just taken is drawn animated, labelled with its event.
      await expect.poll(() => page.locator(`${chart} .react-flow__edge.edge-taken`).count()).toBe(1);
      expect(
        await page.locator(`${chart} .react-flow__edge.edge-taken .react-flow__edge-text`).textContent(),
      ).toBe('COUNTDOWN');
      actor.send({ type: 'TIMER' });
      await expect.poll(() => litStates(page, 'trafficLight@x:0')).toEqual(['green']);
      // The timeline has the events; the selected moment shows the snapshot's context.
      await page.locator('.entry.kind-state button', { hasText: 'green' }).first().click();
      await expect.poll(() => page.locator('.detail pre').last().textContent()).toContain('"cycles": 1');
      await page.getByRole('checkbox', { name: 'state changes' }).uncheck();
      expect(await page.locator('.entry.kind-state').count()).toBe(0);
      expect(await page.locator('.entry.kind-event code', { hasText: 'COUNTDOWN' }).count()).toBe(1);
      await page.getByRole('checkbox', { name: 'state changes' }).check();
      await screenshot(page, 'inspector-stately-app');
      expect(errors).toEqual([]);
    } finally {
      actor.stop();
      inspector.stop();
      await page.close();
    }
  }, 60_000);

  // The two-agents room (a ChatRoom) rather than the single-agent `assistant` room: the gateway
  // attaches the inspector before a room starts, and a lone RealtimeAgent has no actor until then.
  it("draws an agent's chart from the gateway feed and lights listening -> responding -> listening in a turn", async () => {
    const playground = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectPageErrors(page);
    try {
      await playground.goto(`${serve.url}/playground/?room=two-agents&name=Tester`);
      await playground.getByRole('button', { name: 'Join' }).click();
      await playground.locator('[data-status="joined"]').waitFor({ timeout: 20_000 });
      await page.goto(`${serve.url}/inspector/?room=two-agents`);
      await page.locator('[data-status="open"]').waitFor({ timeout: 10_000 });
      const card = '[data-actor-name="Ava"][data-machine^="realtimeAgent"]';
      const drawn = await page
        .locator(`${card} .state-node`)
        .first()
        .waitFor({ timeout: 40_000 })
        .then(() => true)
        .catch(() => false);
      expect(
        drawn,
        'the gateway /inspect feed for room "two-agents" carries no chart for the agent Ava',
      ).toBe(true);
      const lit = () =>
        page
          .locator(`${card} .state-node[data-active="true"]`)
          .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state-key') ?? ''));
      await expect.poll(lit, { timeout: 15_000 }).toEqual(['session', 'listening']);
      await recordValues(page, card);
      await playground.getByLabel('Message').fill('Ava, what is the weather in Paris?');
      await playground.keyboard.press('Enter');
      await expect
        .poll(
          async () =>
            inOrder(await recordedValues(page), [
              'session.listening',
              'session.responding',
              'session.listening',
            ]),
          {
            timeout: 30_000,
          },
        )
        .toBe(true);
      // The transition just taken is drawn animated.
      expect(await page.locator(`${card} .react-flow__edge.edge-taken`).count()).toBeGreaterThan(0);
      console.info(`agent states lit during the turn: ${(await recordedValues(page)).join(' -> ')}`);
      await screenshot(page, 'inspector-agent-turn');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await playground.close();
    }
  }, 120_000);
});
