import type { RealtimeModel } from '@chorus/core';
import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { TestClock } from '@chorus/core/testing';
import { DashScopeRealtimeModel } from '@chorus/dashscope';
import { FakeGeminiServer, startFakeDashScopeRealtime, startFakeOpenAIRealtime } from '@chorus/fakes';
import { GeminiRealtimeModel } from '@chorus/gemini';
import { OpenAIRealtimeModel } from '@chorus/openai';
import type { ServerEvent } from '@chorus/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { failOnProcessErrors } from './support/process-guard.js';

failOnProcessErrors();

const MAX_ATTEMPTS = 4;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A room whose agent retries on a simulated clock (so ten simulated minutes pass in a moment), over
 * a model whose own timers run on a second simulated clock.
 */
function room(model: RealtimeModel, clock: TestClock) {
  const agent = new RealtimeAgent({
    name: 'Ada',
    instructions: 'Be brief.',
    model,
    clock,
    retry: { baseMs: 500, capMs: 5_000, maxAttempts: MAX_ATTEMPTS },
    random: () => 1,
  });
  const chat = new ChatRoom({ agents: [agent], clock });
  const events: ServerEvent[] = [];
  cleanups.push(() => chat.stop());
  return { agent, chat, events, start: () => chat.start({ next: (e) => events.push(e) }) };
}

/** What the provider fakes share: a ping round trip on their open sockets (see `roundTripAll`). */
interface Fake {
  roundTrip(): Promise<void>;
}

/**
 * Lets ten simulated minutes pass, with real sockets delivering in between: every simulated second a
 * ping round trip on the fake's open sockets (or one turn of the event loop when none is open).
 * A regression that reconnects would do so many times over ten minutes, so the count shows it.
 */
async function tenMinutes(clock: TestClock, fake: Fake): Promise<void> {
  for (let t = 0; t < 600_000; t += 250) {
    clock.increment(250);
    if (t % 1_000 === 0) await fake.roundTrip();
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Steps the simulated clock until `done()`, with a round trip on the fake's sockets between steps. */
async function waitFor(done: () => boolean, what: string, clock: TestClock, fake: Fake): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    clock.increment(10);
    await fake.roundTrip();
  }
}

describe('a fatal provider error causes no retry storm', () => {
  it('gemini: a bad key fails the room start after exactly one connect', async () => {
    const fake = await FakeGeminiServer.start();
    cleanups.push(() => fake.close());
    // One clock for the room, its agent and the adapter, as an application would run them.
    const clock = new TestClock();
    const r = room(new GeminiRealtimeModel({ apiKey: 'wrong', url: fake.url, clock: clock }), clock);
    await expect(r.start()).rejects.toThrow(/could not start/);
    await tenMinutes(clock, fake);
    expect(fake.connections).toHaveLength(1);
  });

  it('openai: a key revoked mid-session (fatal auth error) ends the agent without reconnecting', async () => {
    const fake = await startFakeOpenAIRealtime();
    cleanups.push(() => fake.close());
    // One clock for the room, its agent and the adapter, as an application would run them.
    const clock = new TestClock();
    const r = room(new OpenAIRealtimeModel({ apiKey: 'test-key', url: fake.url, clock: clock }), clock);
    await r.start();
    fake.inject({ type: 'auth' });
    await waitFor(() => r.agent.state === 'failed', 'the agent failed', clock, fake);
    await tenMinutes(clock, fake);
    expect(fake.connections.length + fake.authFailures).toBe(1);
    const fatal = r.events.filter((e) => e.type === 'agent_error' && e.fatal === true);
    // Reported to the room exactly once: the agent's failure is that same error, not a second one.
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({
      type: 'agent_error',
      error_type: 'invalid_request_error',
      code: 'invalid_api_key',
      agent_name: 'Ada',
    });
  });

  it('dashscope: exhausted quota mid-session ends the agent without reconnecting', async () => {
    const fake = await startFakeDashScopeRealtime();
    cleanups.push(() => fake.close());
    // One clock for the room, its agent and the adapter, as an application would run them.
    const clock = new TestClock();
    const r = room(new DashScopeRealtimeModel({ apiKey: 'test-key', url: fake.url, clock: clock }), clock);
    await r.start();
    fake.inject({ type: 'quota' });
    await waitFor(() => r.agent.state === 'failed', 'the agent failed', clock, fake);
    await tenMinutes(clock, fake);
    expect(fake.connections.length + fake.authFailures).toBe(1);
  });

  it('gemini: a retryable failure that persists is retried at most maxAttempts times, with backoff', async () => {
    const fake = await FakeGeminiServer.start();
    cleanups.push(() => fake.close());
    // One clock for the room, its agent and the adapter, as an application would run them.
    const clock = new TestClock();
    const r = room(new GeminiRealtimeModel({ apiKey: fake.apiKey, url: fake.url, clock: clock }), clock);
    await r.start();
    for (let i = 0; i < 20; i++) fake.inject({ type: 'rate_limit', via: 'http' });
    const faultAt = clock.now();
    fake.inject({ type: 'close', code: 1011 });
    await waitFor(() => r.agent.state === 'failed', 'the agent to give up', clock, fake);
    // Backoff: with no jitter (random 1) the waits are 500, 1000, 2000 and 4000 ms before the
    // 4 retries; the simulated clock also moves a little while each refused attempt completes.
    const gaveUpAfterMs = clock.now() - faultAt;
    expect(gaveUpAfterMs).toBeGreaterThanOrEqual(7_500);
    expect(gaveUpAfterMs).toBeLessThan(9_000);
    await tenMinutes(clock, fake);
    // The first connection, then one attempt per allowed failure.
    expect(fake.connections.length).toBe(1);
    const refusedUpgrades = 20 - remainingRateLimits(fake);
    expect(refusedUpgrades).toBe(MAX_ATTEMPTS);
  });
});

/** The fake keeps queued connection faults privately; count what is left by how many upgrades it refused. */
function remainingRateLimits(fake: FakeGeminiServer): number {
  return (fake as unknown as { connectionFaults: unknown[] }).connectionFaults.length;
}
