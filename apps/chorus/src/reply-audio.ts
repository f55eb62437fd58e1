import {
  aLawDecode,
  bytesFromBase64,
  concatPcm16,
  encodeWav,
  muLawDecode,
  pcm16FromBytes,
  resamplePcm16,
} from '@chorus/audio';
import type { ServerEventOf } from '@chorus/protocol';

interface Item {
  readonly rate: number;
  readonly chunks: Int16Array[];
}

/** The reply audio as a WAV file, and what it holds. */
export interface ReplyWav {
  readonly wav: Uint8Array;
  readonly rate: number;
  readonly seconds: number;
}

/**
 * Collects the agents' audio deltas, item by item, and joins them into one mono PCM16 WAV. Items
 * follow each other in the order they started (two agents talking at once are not mixed), at the
 * rate of the first; G.711 is decoded and other rates are resampled.
 */
export class ReplyAudio {
  private readonly items = new Map<string, Item>();

  add(event: ServerEventOf<'agent_response_audio_delta'>): void {
    const bytes = bytesFromBase64(event.delta);
    const { type, rate } = event.format;
    const samples =
      type === 'audio/pcmu'
        ? muLawDecode(bytes)
        : type === 'audio/pcma'
          ? aLawDecode(bytes)
          : pcm16FromBytes(bytes);
    const key = `${event.agent_id}/${event.item_id}`;
    let item = this.items.get(key);
    if (!item) {
      item = { rate, chunks: [] };
      this.items.set(key, item);
    }
    item.chunks.push(samples);
  }

  get empty(): boolean {
    return this.items.size === 0;
  }

  async toWav(): Promise<ReplyWav> {
    const items = [...this.items.values()];
    const rate = items[0]?.rate ?? 24000;
    const parts: Int16Array[] = [];
    for (const item of items) {
      const joined = concatPcm16(item.chunks);
      parts.push(item.rate === rate ? joined : await resamplePcm16(joined, item.rate, rate));
    }
    const all = concatPcm16(parts);
    return { wav: encodeWav(all, rate), rate, seconds: all.length / rate };
  }
}
