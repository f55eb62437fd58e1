import type { FakeRealtimeServer } from '../openai/fake-realtime-server.js';
import { ModelEventRecorder, type ModelEventSource } from './model-event-recorder.js';

/** What the rig needs of a realtime model: its events and a way to close it. */
export interface ModelUnderTest {
  readonly events$: ModelEventSource;
  close(): Promise<void>;
}

/** One run of an adapter against a fake: the fake (`f`), the model (`m`) and its recorded events (`r`). */
export interface AdapterRun<M> {
  readonly f: FakeRealtimeServer;
  readonly m: M;
  readonly r: ModelEventRecorder;
}

/**
 * Runs an adapter built on the OpenAI-style fakes (`startFakeOpenAIRealtime`,
 * `startFakeDashScopeRealtime`) against a fresh fake in each test. `open` starts the fake and makes
 * the model pointed at it; `start` calls it and records the model's events; `stop`, from `afterEach`,
 * closes what the test opened: the recorder, then the model, then the fake.
 *
 * ```ts
 * const rig = new AdapterRig(async (options: Partial<OpenAIRealtimeOptions> = {}) => {
 *   const fake = await startFakeOpenAIRealtime();
 *   return { fake, model: new OpenAIRealtimeModel({ apiKey: 'test-key', url: fake.url, ...options }) };
 * });
 * afterEach(() => rig.stop());
 * const { f, m, r } = await rig.start({ clock: new TestClock() });
 * ```
 */
export class AdapterRig<M extends ModelUnderTest, A extends unknown[]> {
  private fake: FakeRealtimeServer | undefined;
  private model: M | undefined;
  private recorder: ModelEventRecorder | undefined;

  constructor(private readonly open: (...args: A) => Promise<{ fake: FakeRealtimeServer; model: M }>) {}

  async start(...args: A): Promise<AdapterRun<M>> {
    const { fake, model } = await this.open(...args);
    this.fake = fake;
    return { f: fake, m: model, r: this.watch(model) };
  }

  /** Records a model the test made by itself (a live smoke test, say); `stop` closes it too. */
  watch(model: M): ModelEventRecorder {
    this.model = model;
    this.recorder = new ModelEventRecorder(model.events$);
    return this.recorder;
  }

  async stop(): Promise<void> {
    this.recorder?.stop();
    await this.model?.close();
    await this.fake?.close();
    this.fake = undefined;
    this.model = undefined;
    this.recorder = undefined;
  }
}
