import { bytesFromBase64 } from '@chorus/audio';
import type { SessionConfig, ToolDefinition } from '@chorus/core/provider';
import type { ModelEvent } from '@chorus/protocol';
import type { LocalModel } from '../src/index.js';

export function tool(name: string, properties: Record<string, unknown> = {}): ToolDefinition {
  return { name, description: `${name} tool`, parameters: { type: 'object', properties } };
}

export function session(overrides: Partial<SessionConfig> = {}): SessionConfig {
  return {
    instructions: 'You are a helpful assistant.',
    tools: [],
    modalities: ['audio', 'text'],
    inputAudioFormat: { type: 'audio/pcm', rate: 16000 },
    outputAudioFormat: { type: 'audio/pcm', rate: 24000 },
    turnDetection: { type: 'server_vad' },
    inputTranscription: true,
    ...overrides,
  };
}

/** Records every event of a model, with helpers to wait for one. */
export class EventLog {
  readonly events: ModelEvent[] = [];
  private waiters: { test: (e: ModelEvent) => boolean; resolve: (e: ModelEvent) => void }[] = [];

  constructor(model: LocalModel) {
    model.events$.subscribe((event) => {
      this.events.push(event);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(event)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(event);
        }
      }
    });
  }

  of<T extends ModelEvent['type']>(type: T): Extract<ModelEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ModelEvent, { type: T }> => e.type === type);
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  /** Resolves with the next (or an already seen, when `seen` is true) event of this type. */
  next<T extends ModelEvent['type']>(
    type: T,
    options: { seen?: boolean; timeoutMs?: number } = {},
  ): Promise<Extract<ModelEvent, { type: T }>> {
    const existing = options.seen ? this.of(type)[0] : undefined;
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no ${type} within ${options.timeoutMs ?? 10_000} ms; saw ${this.types().join(', ')}`),
          ),
        options.timeoutMs ?? 10_000,
      );
      this.waiters.push({
        test: (e) => e.type === type,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<ModelEvent, { type: T }>);
        },
      });
    });
  }

  audioBytes(): number {
    return this.of('model_response_audio_delta').reduce((n, e) => n + bytesFromBase64(e.delta).byteLength, 0);
  }

  transcript(): string {
    return this.of('model_response_audio_transcript_delta')
      .map((e) => e.delta)
      .join('');
  }
}
