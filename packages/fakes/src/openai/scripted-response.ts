import type { FakeSessionView } from './dialect.js';
import { toneBytes } from './energy-vad.js';
import type { FakeFault, FakeResponseScript, Json } from './types.js';

// Captured at load so tests that fake the global timers do not freeze the fake provider.
const realSetImmediate = globalThis.setImmediate;

/** What a response needs from its connection. */
export interface ResponseContext {
  readonly beta: boolean;
  readonly omitDoneAfterCancel: boolean;
  /** Send `rate_limits.updated` as each response starts (OpenAI does; DashScope documents no such event). */
  readonly reportsRateLimits: boolean;
  readonly view: FakeSessionView;
  isClosed(): boolean;
  /** Sends a GA-named event (renamed for the dialect by the connection). */
  sendGA(event: { type: string } & Json): void;
  /** Adds an item to the conversation (and announces it); nothing for an out-of-band response. */
  addItem(item: Json): void;
  /** `conversation: 'none'`: the response belongs to no conversation. */
  readonly outOfBand: boolean;
  nextId(prefix: string): string;
  inject(fault: FakeFault): void;
  addAudioMs(itemId: string, ms: number): void;
}

function splitInto(text: string, parts: number): string[] {
  if (text === '') return [''];
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, parts)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * One scripted response, streamed the way the service streams it: `response.created`, per item
 * `output_item.added` / content part / deltas / done events, then `response.done` (also after a
 * cancel, unless the dialect reproduces DashScope's reported omission). One chunk per event-loop
 * turn, so a cancel or a fault can land between any two chunks.
 */
export class ScriptedResponse {
  readonly id: string;
  private cancelled = false;
  private cancelReason = '';
  private wake: (() => void) | undefined;
  private chunks = 0;
  private readonly output: Json[] = [];
  private readonly modalities: ('text' | 'audio')[];
  /** What `response.created`/`.done` say of the response besides its state. */
  private readonly about: Json;

  constructor(
    private readonly ctx: ResponseContext,
    private readonly script: FakeResponseScript,
    options: Json | undefined,
  ) {
    this.id = ctx.nextId('resp');
    this.modalities = (options?.output_modalities as ('text' | 'audio')[] | undefined) ??
      (options?.modalities as ('text' | 'audio')[] | undefined) ?? [...ctx.view.modalities];
    // The service echoes a response's metadata, and names its conversation unless it is out of band
    // (its docs say `conversation_id: null` then; the SDK types allow only a string, so it is left out).
    const metadata = options?.metadata;
    this.about = {
      ...(ctx.outOfBand ? {} : { conversation_id: 'conv_fake' }),
      ...(metadata && typeof metadata === 'object' ? { metadata } : {}),
    };
  }

  cancel(reason: string): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelReason = reason;
    this.release();
  }

  /** Lets a response paused by `pauseAfterChunks` go on. */
  release(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async run(): Promise<void> {
    this.ctx.sendGA({
      type: 'response.created',
      response: {
        id: this.id,
        object: 'realtime.response',
        status: 'in_progress',
        output: [],
        output_modalities: this.modalities,
        ...this.about,
      },
    });
    // The service reports the key's limits as each response starts (figures as in its docs' example).
    if (this.ctx.reportsRateLimits)
      this.ctx.sendGA({
        type: 'rate_limits.updated',
        rate_limits: [
          { name: 'requests', limit: 1000, remaining: 999, reset_seconds: 60 },
          { name: 'tokens', limit: 50_000, remaining: 49_950 - this.chunks, reset_seconds: 60 },
        ],
      });
    const words = (this.script.text ?? '').split(/\s+/).filter((w) => w !== '');
    if (words.length > 0 || this.script.audio) await this.message(words);
    for (const call of this.script.toolCalls ?? []) {
      if (this.stopped()) break;
      await this.toolCall(call.name, call.arguments, call.callId, call.argumentChunks ?? 3);
    }
    if (this.ctx.isClosed()) return;
    if (this.cancelled && this.ctx.omitDoneAfterCancel) return;
    this.ctx.sendGA({
      type: 'response.done',
      response: {
        id: this.id,
        object: 'realtime.response',
        status: this.cancelled ? 'cancelled' : 'completed',
        ...(this.cancelled ? { status_details: { type: 'cancelled', reason: this.cancelReason } } : {}),
        output: this.output,
        output_modalities: this.modalities,
        ...this.about,
        usage: { total_tokens: 10 + this.chunks, input_tokens: 10, output_tokens: this.chunks },
      },
    });
  }

  private stopped(): boolean {
    return this.cancelled || this.ctx.isClosed();
  }

  private tick(): Promise<void> {
    return new Promise((resolve) => {
      if (this.cancelled) resolve();
      else realSetImmediate(() => resolve());
    });
  }

  private async afterChunk(): Promise<void> {
    this.chunks += 1;
    const { fault, pauseAfterChunks } = this.script;
    if (fault && fault.afterChunks === this.chunks) this.ctx.inject(fault.fault);
    if (pauseAfterChunks === this.chunks && !this.stopped()) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private finishItem(item: Json, outputIndex: number): void {
    this.output.push(item);
    this.ctx.sendGA({
      type: 'response.output_item.done',
      response_id: this.id,
      output_index: outputIndex,
      item,
    });
    if (!this.ctx.beta && !this.ctx.outOfBand)
      this.ctx.sendGA({ type: 'conversation.item.done', previous_item_id: null, item });
  }

  private async message(words: string[]): Promise<void> {
    const { ctx, script } = this;
    const audio = this.modalities.includes('audio');
    const itemId = ctx.nextId('item');
    const outputIndex = this.output.length;
    const item: Json = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    ctx.sendGA({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item });
    ctx.addItem(item);
    // Response parts are `audio` / `text` (the SDK types); inside the item the same content is `output_*`.
    const ref = { response_id: this.id, item_id: itemId, output_index: outputIndex, content_index: 0 };
    ctx.sendGA({
      type: 'response.content_part.added',
      ...ref,
      part: audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
    });
    const { outputRate, outputEncoding } = ctx.view;
    const bytesPerMs = (outputRate * (outputEncoding === 'pcm16' ? 2 : 1)) / 1000;
    const count = audio ? Math.max(words.length, script.audio?.length ?? 0) : words.length;
    let said = '';
    ctx.addAudioMs(itemId, 0);
    for (let i = 0; i < count; i++) {
      await this.tick();
      if (this.stopped()) break;
      const word = words[i] === undefined ? '' : (said === '' ? '' : ' ') + words[i];
      if (audio) {
        const bytes = script.audio?.[i] ?? toneBytes(script.chunkMs ?? 100, outputRate, outputEncoding);
        ctx.addAudioMs(itemId, bytes.byteLength / bytesPerMs);
        ctx.sendGA({
          type: 'response.output_audio.delta',
          ...ref,
          delta: Buffer.from(bytes).toString('base64'),
        });
        if (word !== '') ctx.sendGA({ type: 'response.output_audio_transcript.delta', ...ref, delta: word });
      } else {
        ctx.sendGA({ type: 'response.output_text.delta', ...ref, delta: word });
      }
      said += word;
      await this.afterChunk();
      if (this.stopped()) break;
    }
    if (ctx.isClosed()) return;
    const part = audio ? { type: 'audio', transcript: said } : { type: 'text', text: said };
    const content = audio ? { type: 'output_audio', transcript: said } : { type: 'output_text', text: said };
    if (!this.cancelled) {
      if (audio) {
        ctx.sendGA({ type: 'response.output_audio.done', ...ref });
        ctx.sendGA({ type: 'response.output_audio_transcript.done', ...ref, transcript: said });
      } else {
        ctx.sendGA({ type: 'response.output_text.done', ...ref, text: said });
      }
      ctx.sendGA({ type: 'response.content_part.done', ...ref, part });
    }
    item.status = this.cancelled ? 'incomplete' : 'completed';
    item.content = [content];
    this.finishItem(item, outputIndex);
  }

  private async toolCall(
    name: string,
    args: string,
    callIdGiven: string | undefined,
    chunks: number,
  ): Promise<void> {
    const { ctx } = this;
    const itemId = ctx.nextId('item');
    const callId = callIdGiven ?? ctx.nextId('call');
    const outputIndex = this.output.length;
    const item: Json = {
      id: itemId,
      object: 'realtime.item',
      type: 'function_call',
      status: 'in_progress',
      call_id: callId,
      name,
      arguments: '',
    };
    ctx.sendGA({
      type: 'response.output_item.added',
      response_id: this.id,
      output_index: outputIndex,
      item: { ...item },
    });
    ctx.addItem(item);
    const ref = { response_id: this.id, item_id: itemId, output_index: outputIndex, call_id: callId };
    for (const piece of splitInto(args, chunks)) {
      await this.tick();
      if (this.stopped()) break;
      ctx.sendGA({ type: 'response.function_call_arguments.delta', ...ref, delta: piece });
    }
    if (this.stopped()) return;
    ctx.sendGA({ type: 'response.function_call_arguments.done', ...ref, name, arguments: args });
    item.status = 'completed';
    item.arguments = args;
    this.finishItem(item, outputIndex);
  }
}
