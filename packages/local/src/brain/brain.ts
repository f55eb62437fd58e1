import type { ConversationItem, ToolDefinition } from '@chorus/core/provider';

/** What a brain gets for one response. */
export interface BrainRequest {
  readonly instructions: string;
  /** Only these tools may be called; a brain never calls a tool missing here. */
  readonly tools: readonly ToolDefinition[];
  /** The conversation so far, oldest first; the last user message or tool output is what to answer. */
  readonly history: readonly ConversationItem[];
  /** Extra instructions for this response only. */
  readonly responseInstructions?: string;
  /** Aborted when the response is cancelled (barge-in, `cancelResponse`, `close`). */
  readonly signal: AbortSignal;
}

/** A piece of a brain's answer, streamed. */
export type BrainOutput =
  | { readonly type: 'text'; readonly delta: string }
  | {
      readonly type: 'tool_call';
      readonly callId: string;
      readonly name: string;
      readonly arguments: string;
    };

/** Text in, reply text or tool calls out. */
export interface Brain {
  /** A short name for logs: `rules`, `chat-completions`. */
  readonly name: string;
  respond(request: BrainRequest): AsyncIterable<BrainOutput>;
  /**
   * Words and phrases this brain reacts to, so speech recognition can be biased towards them. A brain
   * that understands anything returns nothing.
   */
  vocabulary?(): readonly string[];
  /**
   * How well this brain understands the text: 0 for its most specific intent, higher for looser ones,
   * undefined when only the fallback would answer. Speech recognition uses it to choose between an
   * open decode and one biased towards the vocabulary.
   */
  intentRank?(text: string): number | undefined;
  /** Whole requests this brain expects, as said aloud, for a constrained speech decode. */
  phrases?(): readonly string[];
}
