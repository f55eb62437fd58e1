import type { SessionConfig } from '@chorus/core';
import { TestClock } from '@chorus/core/testing';
import { FakeGeminiServer, type FakeGeminiServerOptions } from '@chorus/fakes';
import type { ModelEvent } from '@chorus/protocol';
import type { GeminiRealtimeModelOptions } from '../src/gemini-options.js';
import { GeminiRealtimeModel } from '../src/gemini-realtime-model.js';

export const baseSession: SessionConfig = {
  instructions: 'You are terse.',
  tools: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City name' },
          unit: { type: ['string', 'null'], enum: ['c', 'f', null] },
        },
        required: ['city'],
        additionalProperties: false,
      },
    },
  ],
  voice: 'Puck',
  modalities: ['audio', 'text'],
  inputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
  turnDetection: { type: 'server_vad', prefixPaddingMs: 300, silenceDurationMs: 200 },
  inputTranscription: true,
};

/** A model wired to a fresh fake, with a simulated clock and an event log. */
export class Harness {
  readonly events: ModelEvent[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly fake: FakeGeminiServer,
    readonly model: GeminiRealtimeModel,
    readonly clock: TestClock,
  ) {
    model.events$.subscribe((event) => {
      this.events.push(event);
      for (const listener of [...this.listeners]) listener();
    });
  }

  static async start(
    fakeOptions: FakeGeminiServerOptions = {},
    modelOptions: Partial<GeminiRealtimeModelOptions> = {},
  ): Promise<Harness> {
    const fake = await FakeGeminiServer.start(fakeOptions);
    const clock = new TestClock();
    const model = new GeminiRealtimeModel({
      apiKey: fake.apiKey,
      url: fake.url,
      clock,
      ...modelOptions,
    });
    return new Harness(fake, model, clock);
  }

  of<T extends ModelEvent['type']>(type: T): Extract<ModelEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<ModelEvent, { type: T }> => event.type === type);
  }

  /** Resolves with the `nth` (from 1) event matching, waiting for it if needed. */
  waitFor<T extends ModelEvent['type']>(
    type: T,
    predicate: (event: Extract<ModelEvent, { type: T }>) => boolean = () => true,
    nth = 1,
    timeoutMs = 5000,
  ): Promise<Extract<ModelEvent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.of(type).filter(predicate)[nth - 1];
        if (!found) return false;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(
            `no ${type} #${nth} within ${timeoutMs} ms; saw: ${this.events.map((e) => e.type).join(', ')}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.listeners.add(check);
    });
  }

  async stop(): Promise<void> {
    await this.model.close();
    await this.fake.close();
  }
}

/** Lets pending socket I/O happen (the fake and the adapter talk over real loopback sockets). */
export function io(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
