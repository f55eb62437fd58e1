import type { GeminiClientMessage } from '@chorus/protocol/gemini';
import type { LiveClientMessage } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { buildSetup } from '../src/setup-message.js';
import { baseSession } from './harness.js';

/** The SDK's types as JSON carries them: enum members become their string values. */
type Wire<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? readonly Wire<U>[]
      : T extends (...args: never[]) => unknown
        ? never
        : T extends object
          ? { readonly [K in keyof T]?: Wire<T[K]> }
          : T;

const setup = buildSetup(baseSession, {
  model: 'gemini-3.8-live',
  sessionResumption: true,
  contextWindowCompression: true,
  toolSchemaField: 'parameters',
  audioOnlyOutput: true,
  seedHistory: true,
});

/**
 * Every client message this project can build (the encoder types each one as a
 * `GeminiClientMessage`) is, field for field, a message the official SDK types allow.
 */
type Conforms<T extends Wire<LiveClientMessage>> = T;
export type ClientMessagesConform = Conforms<GeminiClientMessage>;

const sdkSetup: Wire<LiveClientMessage> = { setup };
const sdkText: Wire<LiveClientMessage> = { realtimeInput: { text: 'hi' } } satisfies GeminiClientMessage;

describe('frames against the @google/genai types', () => {
  it('the setup the adapter builds type-checks as the SDK LiveClientMessage', () => {
    expect(sdkSetup.setup?.historyConfig).toEqual({ initialHistoryInClientContent: true });
    expect(sdkText.realtimeInput?.text).toBe('hi');
  });
});
