/** A client message ready for the wire, with the audio bytes it carries (0 for control messages). */
export interface OutboundMessage {
  readonly text: string;
  readonly audioBytes: number;
}

/**
 * An ordered, bounded queue of outbound messages. Only audio counts against the bound and only audio
 * is ever dropped (oldest first): text, tool results and turn marks are small and always kept, since
 * losing one would change the conversation. What was dropped is counted so the owner can report it.
 */
export class InputBuffer {
  private messages: OutboundMessage[] = [];
  private audioBytes = 0;
  private dropped = 0;

  constructor(private readonly maxAudioBytes: number) {}

  get length(): number {
    return this.messages.length;
  }

  push(message: OutboundMessage): void {
    this.messages.push(message);
    this.audioBytes += message.audioBytes;
    if (this.audioBytes <= this.maxAudioBytes) return;
    const kept: OutboundMessage[] = [];
    for (const queued of this.messages) {
      if (this.audioBytes > this.maxAudioBytes && queued.audioBytes > 0) {
        this.audioBytes -= queued.audioBytes;
        this.dropped += queued.audioBytes;
      } else {
        kept.push(queued);
      }
    }
    this.messages = kept;
  }

  /** Takes everything queued, in order, and how many audio bytes were dropped since the last take. */
  take(): { messages: OutboundMessage[]; droppedAudioBytes: number } {
    const taken = { messages: this.messages, droppedAudioBytes: this.dropped };
    this.clear();
    return taken;
  }

  clear(): void {
    this.messages = [];
    this.audioBytes = 0;
    this.dropped = 0;
  }
}
