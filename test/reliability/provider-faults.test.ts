import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { TestClock } from '@chorus/core/testing';
import type { ServerEvent } from '@chorus/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { failOnProcessErrors } from './support/process-guard.js';
import { type ProviderRig, RIGS } from './support/providers.js';

failOnProcessErrors();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Waits (in real time, bounded) for `done()`, moving the adapters' simulated clock forward a little
 * on each turn so their timers (renewal planning, cancel timeouts) run as they would; between two
 * steps, a ping round trip on the provider's sockets lets what either side sent arrive.
 */
async function pump(rig: ProviderRig, clock: TestClock, done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    clock.increment(5);
    await rig.roundTrip();
  }
}

interface RoomRig {
  readonly rig: ProviderRig;
  readonly clock: TestClock;
  readonly room: ChatRoom;
  readonly agent: RealtimeAgent;
  readonly events: ServerEvent[];
  readonly connectionStates: string[];
}

async function roomOn(
  provider: keyof typeof RIGS,
  apiKey?: string,
  agentClock?: TestClock,
): Promise<RoomRig> {
  const clock = new TestClock();
  const rig = await RIGS[provider](clock, apiKey);
  cleanups.push(() => rig.close());
  const agent = new RealtimeAgent({
    name: 'Ada',
    instructions: 'Be brief.',
    model: rig.model,
    retry: { baseMs: 50, capMs: 50, maxAttempts: 4 },
    random: () => 0,
    ...(agentClock ? { clock: agentClock } : {}),
  });
  const room = new ChatRoom({ agents: [agent], ...(agentClock ? { clock: agentClock } : {}) });
  const events: ServerEvent[] = [];
  const connectionStates: string[] = [];
  cleanups.push(() => room.stop());
  const started = room.start({ next: (event) => events.push(event) });
  started.catch(() => {});
  if (!agentClock) await started;
  return { rig, clock, room, agent, events, connectionStates };
}

const say = (r: RoomRig, text: string) => r.room.handleInput({ type: 'client_text_append', text });
const completedAfter = (r: RoomRig, from: number) =>
  r.events.slice(from).some((e) => e.type === 'agent_response_done' && e.status === 'completed');

describe.each(['gemini', 'openai', 'dashscope'] as const)(
  '%s: a room survives every provider fault',
  (provider) => {
    // The fault list is per provider; build it once to name the cases.
    const names: Record<string, string[]> = {
      gemini: [
        'drop mid-response (no close frame)',
        '1011 mid-response',
        'goAway',
        'pongs never answered',
        'malformed frame',
      ],
      openai: [
        'drop mid-response (no close frame)',
        '1011 mid-response',
        'slow pong (past the pong timeout)',
        'malformed frame',
      ],
      dashscope: [
        'drop mid-response (no close frame)',
        '1011 mid-response',
        'slow pong (past the pong timeout)',
        'malformed frame',
        'idle close',
      ],
    };
    it.each(names[provider] as string[])(
      '%s: recovers, loses no user input, answers again',
      async (faultName) => {
        const r = await roomOn(provider);
        const fault = r.rig.faults.find((f) => f.name === faultName);
        if (!fault) throw new Error(`no fault ${faultName} for ${provider}`);
        const connection = r.agent.modelConnection;
        if (!connection) throw new Error('the agent has no model connection');
        const sub = connection.status$.subscribe((s) => r.connectionStates.push(s.state));
        cleanups.push(async () => sub.unsubscribe());
        const sent: string[] = [];

        if (fault.midResponse) {
          fault.inject();
          let gapSent = false;
          const gapSub = connection.status$.subscribe((s) => {
            if (s.state === 'reconnecting' && !gapSent) {
              gapSent = true;
              say(r, 'said during the gap');
            }
          });
          cleanups.push(async () => gapSub.unsubscribe());
          const from = r.events.length;
          say(r, 'first question');
          sent.push('first question', 'said during the gap');
          await pump(r.rig, r.clock, () => gapSent && completedAfter(r, from), 'the answer after the outage');
        } else {
          let from = r.events.length;
          say(r, 'first question');
          sent.push('first question');
          await pump(r.rig, r.clock, () => completedAfter(r, from), 'the first answer');
          fault.inject();
          for (let t = 0; t < fault.adapterTimeMs; t += 500) {
            r.clock.increment(500);
            await r.rig.roundTrip();
          }
          await pump(
            r.rig,
            r.clock,
            () => r.rig.connections() >= fault.minConnections && connection.state.startsWith('connected'),
            'the connection back',
          );
          from = r.events.length;
          say(r, 'said after the fault');
          sent.push('said after the fault');
          await pump(r.rig, r.clock, () => completedAfter(r, from), 'the answer after the fault');
        }
        await pump(r.rig, r.clock, () => r.agent.state === 'listening', 'the agent listening');
        // Rooms attribute user text ("User: ..."), so look for the words inside each item.
        const received = r.rig.userTexts();
        for (const text of sent)
          expect(received.filter((t) => t.includes(text)).length, text).toBeGreaterThanOrEqual(1);
        expect(r.rig.connections()).toBeGreaterThanOrEqual(fault.minConnections);
        // Recovery is not a storm: one reconnect per outage.
        expect(r.rig.connections()).toBeLessThanOrEqual(fault.minConnections);
        expect(r.room.state).toBe('running');
        expect(r.connectionStates).not.toContain('failed');
        // A goAway is a warning: the session is renewed before the server cuts it, so the connection
        // never drops to reconnecting.
        if (faultName === 'goAway') expect(r.connectionStates).not.toContain('reconnecting');
      },
      30_000,
    );
  },
);
