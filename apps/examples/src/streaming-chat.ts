import { type ChorusClock, RealtimeAgent, systemClock, tool } from '@chorus/core';
import { rulesBrain } from '@chorus/local';
import { z } from 'zod';
import { localModels, type ScenarioOptions } from './model-factory.js';
import { isMainModule, runScenario } from './run-scenario.js';

// Seed 004: a responsive chat agent whose `delayed_lookup` tool takes 3 seconds. The reply streams
// word by word while it is spoken, the tool shows as running, and the answer follows its result.

export const LOOKUP_DELAY_MS = 3000;

/** Waits `ms` on `clock`, or rejects as soon as `signal` aborts (barge-in, timeout, stop). */
export function wait(ms: number, clock: ChorusClock, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `delayed_lookup(query)`: a slow lookup (3 s by default), like a network call. */
export function delayedLookup(options: { delayMs?: number; clock?: ChorusClock } = {}) {
  const delayMs = options.delayMs ?? LOOKUP_DELAY_MS;
  const clock = options.clock ?? systemClock;
  return tool({
    name: 'delayed_lookup',
    description: 'Look something up. Slow: takes about three seconds.',
    parameters: z.object({ query: z.string().min(1).describe('What to look up') }),
    timeoutMs: delayMs + 10_000,
    execute: async ({ query }, { signal }) => {
      await wait(delayMs, clock, signal);
      return `Data for '${query}' retrieved successfully after a delay.`;
    },
  });
}

/** The chat agent's rules. */
export function streamingChatBrain() {
  return rulesBrain({
    intents: [
      {
        name: 'lookup',
        match:
          /\b(?:delayed lookup|look ?up|lookup|search)\b(?:\s+(?:for|of|on|about))?\s+(?<query>.+?)[?.!]*$/i,
        reply: 'Looking that up. It takes a few seconds.',
        tool: { name: 'delayed_lookup', args: (match) => ({ query: match?.groups?.query ?? '' }) },
      },
      {
        name: 'story',
        match: ['story'],
        reply:
          'Once upon a time, a small robot learned to talk. At first it spoke one word at a time. ' +
          'Then it learned to stream whole sentences while still thinking of the next. ' +
          'Everyone who listened heard it sooner. The end.',
      },
      { name: 'greeting', match: ['hello', 'hi', 'hey'], reply: 'Hi! Ask me to look something up.' },
    ],
    toolResultReply: 'Here is what I found. {output}',
    fallback: "I'm a quick chat assistant. Say: do a delayed lookup for the weather in Paris.",
    vocabulary: ['lookup', 'look', 'delayed', 'story'],
  });
}

export interface StreamingChatOptions extends ScenarioOptions {
  /** How long `delayed_lookup` takes (default 3000 ms), on `clock`. */
  readonly lookupDelayMs?: number;
}

/** Seed 004's streaming chat agent with its slow `delayed_lookup` tool. */
export function streamingChat(options: StreamingChatOptions = {}): RealtimeAgent {
  const models = options.model ?? localModels();
  return new RealtimeAgent({
    name: 'RealtimeChatAgent',
    instructions:
      'You are a highly responsive chat assistant. Answer user questions concisely. If the user asks for ' +
      "a 'delayed lookup', use the delayed_lookup tool.",
    model: models({ agent: 'RealtimeChatAgent', brain: streamingChatBrain() }),
    tools: [
      delayedLookup({
        ...(options.lookupDelayMs === undefined ? {} : { delayMs: options.lookupDelayMs }),
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    ],
    clientShaping: options.clientShaping === true,
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

if (isMainModule(import.meta.url)) {
  await runScenario(streamingChat(), ['Tell me a story', 'Do a delayed lookup for the weather in Paris']);
}
