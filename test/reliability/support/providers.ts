import type { RealtimeModel } from '@chorus/core';
import type { TestClock } from '@chorus/core/testing';
import { DashScopeRealtimeModel } from '@chorus/dashscope';
import {
  FakeGeminiServer,
  type FakeRealtimeServer,
  startFakeDashScopeRealtime,
  startFakeOpenAIRealtime,
} from '@chorus/fakes';
import { GeminiRealtimeModel } from '@chorus/gemini';
import { OpenAIRealtimeModel } from '@chorus/openai';

/** A provider fault the way the fakes inject it, and whether the adapter must reconnect. */
export interface FaultCase {
  readonly name: string;
  /** Arms or fires the fault; `midResponse` faults hit the reply to the next user turn. */
  readonly inject: () => void;
  readonly midResponse: boolean;
  /** Simulated adapter time needed before the fault is noticed (keepalive faults). */
  readonly adapterTimeMs: number;
  /** At least this many provider connections once recovered. */
  readonly minConnections: number;
}

/** A realtime model wired to a fresh local fake of its provider, with fault injection and a record. */
export interface ProviderRig {
  readonly provider: 'gemini' | 'openai' | 'dashscope';
  readonly model: RealtimeModel;
  readonly faults: readonly FaultCase[];
  /** Provider connections opened so far (upgrades the fake accepted or refused). */
  connections(): number;
  /** User texts the fake received, on every connection (replayed history included). */
  userTexts(): string[];
  /**
   * Resolves once the fake has pinged every open provider socket and had its pong: what either side
   * sent before has been read. The step between two clock increments, instead of a sleep.
   */
  roundTrip(): Promise<void>;
  close(): Promise<void>;
}

const LONG_REPLY = 'one two three four five six seven eight nine ten';

export async function geminiRig(clock: TestClock, apiKey?: string): Promise<ProviderRig> {
  const fake = await FakeGeminiServer.start({
    chunkIntervalMs: 5,
    defaultTurn: { transcript: 'Okay.', chunks: 2 },
  });
  const model = new GeminiRealtimeModel({
    apiKey: apiKey ?? fake.apiKey,
    url: fake.url,
    clock,
  });
  const midResponse = (inject: () => void) => () => {
    fake.queueTurns({ transcript: LONG_REPLY, chunks: 10 });
    inject();
  };
  return {
    provider: 'gemini',
    model,
    faults: [
      {
        name: 'drop mid-response (no close frame)',
        inject: midResponse(() => fake.inject({ type: 'drop_mid_response', afterChunks: 2 })),
        midResponse: true,
        adapterTimeMs: 0,
        minConnections: 2,
      },
      {
        name: '1011 mid-response',
        inject: midResponse(() => fake.inject({ type: 'close_mid_response', afterChunks: 2, code: 1011 })),
        midResponse: true,
        adapterTimeMs: 0,
        minConnections: 2,
      },
      {
        name: 'goAway',
        inject: () => fake.inject({ type: 'go_away', timeLeftMs: 8_000 }),
        midResponse: false,
        adapterTimeMs: 0,
        minConnections: 2,
      },
      {
        name: 'pongs never answered',
        inject: () => fake.inject({ type: 'slow_pong', delayMs: Number.POSITIVE_INFINITY }),
        midResponse: false,
        adapterTimeMs: 46_000,
        minConnections: 2,
      },
      {
        name: 'malformed frame',
        inject: () => fake.inject({ type: 'malformed_frame' }),
        midResponse: false,
        adapterTimeMs: 0,
        minConnections: 1,
      },
    ],
    connections: () => fake.connections.length,
    userTexts: () => [
      ...fake.messagesOf('realtimeInput').flatMap((m) => (m.text === undefined ? [] : [m.text])),
      ...fake
        .messagesOf('clientContent')
        .flatMap((c) => c.turns ?? [])
        .filter((t) => t.role === 'user')
        .flatMap((t) => (t.parts ?? []).map((p) => p.text ?? '')),
    ],
    roundTrip: () => fake.roundTrip(),
    close: () => fake.close(),
  };
}

function openaiStyleFaults(fake: FakeRealtimeServer, extra: readonly FaultCase[]): FaultCase[] {
  const midResponse = (fault: Parameters<FakeRealtimeServer['inject']>[0]) => () =>
    fake.queueResponse({ text: LONG_REPLY, fault: { afterChunks: 2, fault } });
  return [
    {
      name: 'drop mid-response (no close frame)',
      inject: midResponse({ type: 'drop' }),
      midResponse: true,
      adapterTimeMs: 0,
      minConnections: 2,
    },
    {
      name: '1011 mid-response',
      inject: midResponse({ type: 'close', code: 1011, reason: 'server error' }),
      midResponse: true,
      adapterTimeMs: 0,
      minConnections: 2,
    },
    {
      name: 'slow pong (past the pong timeout)',
      inject: () => fake.setPongDelay(60_000),
      midResponse: false,
      adapterTimeMs: 26_000,
      minConnections: 2,
    },
    {
      name: 'malformed frame',
      inject: () => fake.inject({ type: 'malformed' }),
      midResponse: false,
      adapterTimeMs: 0,
      minConnections: 1,
    },
    ...extra,
  ];
}

function conversationTexts(fake: FakeRealtimeServer): string[] {
  return fake.connections
    .flatMap((connection) => connection.conversation)
    .filter((item) => item.role === 'user')
    .flatMap((item) => ((item.content as { text?: string }[] | undefined) ?? []).map((c) => c.text ?? ''));
}

export async function openaiRig(clock: TestClock, apiKey?: string): Promise<ProviderRig> {
  const fake = await startFakeOpenAIRealtime();
  const model = new OpenAIRealtimeModel({ apiKey: apiKey ?? 'test-key', url: fake.url, clock });
  return {
    provider: 'openai',
    model,
    faults: openaiStyleFaults(fake, []),
    connections: () => fake.connections.length + fake.authFailures,
    userTexts: () => conversationTexts(fake),
    roundTrip: () => fake.roundTrip(),
    close: () => fake.close(),
  };
}

export async function dashscopeRig(clock: TestClock, apiKey?: string): Promise<ProviderRig> {
  const fake = await startFakeDashScopeRealtime();
  // Rooms here talk in typed text: opt in to the (unverified) text items.
  const model = new DashScopeRealtimeModel({
    apiKey: apiKey ?? 'test-key',
    url: fake.url,
    clock,
    textItems: true,
  });
  return {
    provider: 'dashscope',
    model,
    faults: openaiStyleFaults(fake, [
      {
        name: 'idle close',
        inject: () => fake.inject({ type: 'idle_close' }),
        midResponse: false,
        adapterTimeMs: 0,
        minConnections: 2,
      },
    ]),
    connections: () => fake.connections.length + fake.authFailures,
    userTexts: () => conversationTexts(fake),
    roundTrip: () => fake.roundTrip(),
    close: () => fake.close(),
  };
}

export const RIGS = { gemini: geminiRig, openai: openaiRig, dashscope: dashscopeRig } as const;
