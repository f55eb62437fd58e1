import type { ServerEvent } from '@chorus/protocol';
import { RealtimeAgent, type RealtimeAgentOptions } from '../agent/realtime-agent.js';
import { ScriptedModel, type ScriptedModelOptions } from '../testing/scripted-model.js';
import { TestClock } from '../testing/test-clock.js';

/** Lets pending promise callbacks and microtasks run (no time passes on any clock). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Advances the test clock in steps, letting promises settle between timers. */
export async function advance(clock: TestClock, ms: number, step = 10): Promise<void> {
  for (let passed = 0; passed < ms; passed += step) {
    clock.increment(Math.min(step, ms - passed));
    await settle(2);
  }
}

export interface AgentFixture {
  clock: TestClock;
  model: ScriptedModel;
  agent: RealtimeAgent;
  events: ServerEvent[];
  /** The types of the events received so far, excluding noisy bookkeeping ones. */
  types(): string[];
}

export async function startedAgent(
  modelOptions: ScriptedModelOptions = {},
  agentOptions: Partial<RealtimeAgentOptions> = {},
): Promise<AgentFixture> {
  const clock = new TestClock();
  const model = new ScriptedModel({ clock, ...modelOptions });
  const agent = new RealtimeAgent({ name: 'Ada', instructions: 'Be brief.', model, clock, ...agentOptions });
  const events: ServerEvent[] = [];
  await agent.start({ next: (event) => events.push(event) });
  await settle();
  return {
    clock,
    model,
    agent,
    events,
    types: () =>
      events
        .map((event) => event.type)
        .filter((type) => type !== 'agent_history_updated' && type !== 'agent_state_changed'),
  };
}

export function ofType<T extends ServerEvent['type']>(events: readonly ServerEvent[], type: T) {
  return events.filter((event): event is Extract<ServerEvent, { type: T }> => event.type === type);
}
