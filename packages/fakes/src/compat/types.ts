/** A chat message as the fake received it (OpenAI chat completions shape). */
export interface CompatChatMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly tool_calls?: readonly {
    id: string;
    type: string;
    function: { name: string; arguments: string };
  }[];
  readonly tool_call_id?: string;
  readonly name?: string;
}

/** What the fake chat endpoint saw in one request. */
export interface CompatChatRequest {
  readonly model: string;
  readonly messages: readonly CompatChatMessage[];
  readonly tools: readonly {
    type: string;
    function: { name: string; description?: string; parameters?: unknown };
  }[];
  readonly stream: boolean;
}

/** What the fake chat endpoint answers: text, tool calls, or both. */
export interface CompatChatReply {
  readonly content?: string;
  readonly toolCalls?: readonly { readonly id?: string; readonly name: string; readonly arguments: string }[];
}

/** What the fake transcription endpoint saw. */
export interface CompatTranscriptionRequest {
  readonly model: string;
  readonly file: Uint8Array;
  readonly filename: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** What the fake speech endpoint saw. */
export interface CompatSpeechRequest {
  readonly model: string;
  readonly input: string;
  readonly voice: string;
  readonly responseFormat: string;
}

export interface FakeCompatOptions {
  /** The answer to each chat request; default: echoes the last user message. */
  readonly chat?: (request: CompatChatRequest) => CompatChatReply | Promise<CompatChatReply>;
  /** The transcript of each upload; default: `''`. */
  readonly transcribe?: (request: CompatTranscriptionRequest) => string | Promise<string>;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  readonly apiKey?: string;
  /** Characters of content per streamed chunk (default 4), so streaming is really exercised. */
  readonly chunkChars?: number;
  /** Milliseconds of fake speech per input character (default 60). */
  readonly speechMsPerChar?: number;
}
