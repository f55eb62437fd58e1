import type { AudioFormat } from '@chorus/protocol';

/** Bytes of audio sent to the listener for one assistant item. */
export interface AudioItem {
  readonly responseId: string;
  readonly itemId: string;
  readonly format: AudioFormat;
  bytes: number;
  /** `agent_response_audio_done` went out for it. */
  closed?: boolean;
}

/** The words of one assistant item so far. */
export interface AssistantItem {
  readonly responseId: string;
  text: string;
  /** Whether the words stream as text (text modality) rather than as an audio transcript. */
  isText?: boolean;
  /** Its `..._done` (transcript or text) went out. */
  closed?: boolean;
}

const MAX_TRACKED_ITEMS = 64;

/**
 * What the agent knows about the responses streaming out right now, per item: the text so far,
 * and the audio bytes sent and how much of them the client played. Interruption and history read it.
 * Which responses were dropped is the agent machine's (`context.dropped`), read through `dropped`.
 *
 * Cheap counters only, because `addAudio` runs per audio frame; every collection is bounded.
 */
export class StreamingItems {
  private audio: AudioItem | undefined;
  private readonly assistant = new Map<string, AssistantItem>();
  private readonly playback = new Map<string, number>();

  /** `dropped`: whether the agent's machine dropped a response (interrupted, or lost with a connection). */
  constructor(private readonly dropped: (responseId: string) => boolean = () => false) {}

  /** Whether the response was cut off, so the rest of its events are ignored. */
  isDropped(responseId: string): boolean {
    return this.dropped(responseId);
  }

  /** Counts one audio delta (`bytes` long) sent to the listener. */
  addAudio(responseId: string, itemId: string, format: AudioFormat, bytes: number): void {
    let item = this.audio;
    if (!item || item.itemId !== itemId) {
      item = { responseId, itemId, format, bytes: 0 };
      this.audio = item;
    }
    item.bytes += bytes;
  }

  /** The audio item being sent for `responseId`, if its audio is the latest sent. */
  audioOf(responseId: string): AudioItem | undefined {
    return this.audio?.responseId === responseId ? this.audio : undefined;
  }

  item(responseId: string, itemId: string): AssistantItem {
    let item = this.assistant.get(itemId);
    if (!item) {
      item = { responseId, text: '' };
      this.assistant.set(itemId, item);
    }
    return item;
  }

  textOf(itemId: string): string | undefined {
    return this.assistant.get(itemId)?.text;
  }

  /** Every item of a response, in the order they started. */
  *itemsOf(responseId: string): IterableIterator<[string, AssistantItem]> {
    for (const entry of this.assistant) if (entry[1].responseId === responseId) yield entry;
  }

  responseText(responseId: string): string {
    let text = '';
    for (const item of this.assistant.values()) if (item.responseId === responseId) text += item.text;
    return text;
  }

  firstItemOf(responseId: string): string | undefined {
    for (const [itemId, item] of this.assistant) if (item.responseId === responseId) return itemId;
    return undefined;
  }

  /** Where the client's playback of an item is, as it last reported. */
  playedMs(itemId: string): number | undefined {
    return this.playback.get(itemId);
  }

  setPlayed(itemId: string, audioEndMs: number): void {
    this.playback.delete(itemId);
    this.playback.set(itemId, audioEndMs);
    trim(this.playback);
  }

  forgetResponse(responseId: string): void {
    for (const [itemId, item] of this.assistant) {
      if (item.responseId === responseId) this.assistant.delete(itemId);
    }
  }

  /**
   * A dropped connection loses the responses in flight: forgets their items and returns their ids,
   * for the machine to drop (their late events must not leak out).
   */
  reset(): string[] {
    const lost = new Set<string>();
    for (const item of this.assistant.values()) lost.add(item.responseId);
    if (this.audio) lost.add(this.audio.responseId);
    this.assistant.clear();
    return [...lost];
  }
}

/** Keeps a map of per-item bookkeeping from growing without bound (oldest go first). */
function trim(collection: Map<string, unknown>): void {
  while (collection.size > MAX_TRACKED_ITEMS) {
    const oldest = collection.keys().next().value as string;
    collection.delete(oldest);
  }
}
