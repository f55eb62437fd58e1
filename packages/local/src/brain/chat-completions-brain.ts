import type { ConversationItem, ToolDefinition } from '@chorus/core/provider';
import type { Brain, BrainOutput, BrainRequest } from './brain.js';
import { readSseData } from './sse.js';

export interface ChatCompletionsBrainOptions {
  /**
   * The server's base URL (`http://127.0.0.1:11434/v1` for Ollama, `http://127.0.0.1:8080/v1` for
   * llama.cpp) or the full `/chat/completions` URL.
   */
  readonly url: string;
  /** The model name the server knows (`llama3.2`, `qwen2.5:3b`, ...). */
  readonly model: string;
  /** Sent as `Authorization: Bearer`; local servers usually need none. */
  readonly apiKey?: string;
  readonly temperature?: number;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Gives up on a request after this long (default 60 s). */
  readonly timeoutMs?: number;
}

type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCallOut[] }
  | { role: 'tool'; tool_call_id: string; content: string };

interface ToolCallOut {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface StreamChunk {
  choices?: {
    delta?: {
      content?: string | null;
      tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason?: string | null;
  }[];
  error?: { message?: string };
}

function endpoint(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

/** The conversation in chat-completions form: tool calls on assistant messages, outputs as `tool` messages. */
export function chatMessages(
  instructions: string,
  history: readonly ConversationItem[],
  extra?: string,
): ChatMessage[] {
  const system = [instructions, extra].filter((s) => s?.trim()).join('\n\n');
  const messages: ChatMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const item of history) {
    if (item.type === 'message') {
      if (item.role === 'assistant') messages.push({ role: 'assistant', content: item.text });
      else
        messages.push({
          role: item.role,
          content: item.speaker ? `${item.speaker}: ${item.text}` : item.text,
        });
    } else if (item.type === 'function_call') {
      const call: ToolCallOut = {
        id: item.callId,
        type: 'function',
        function: { name: item.name, arguments: item.arguments },
      };
      const last = messages.at(-1);
      if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else {
      messages.push({ role: 'tool', tool_call_id: item.callId, content: item.output });
    }
  }
  return messages;
}

function chatTools(tools: readonly ToolDefinition[]) {
  return tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));
}

async function describeFailure(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string };
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    if (message) return `HTTP ${response.status}: ${message}`;
  } catch {
    // not JSON
  }
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

/**
 * A brain backed by any OpenAI-compatible `/v1/chat/completions` endpoint (Ollama, llama.cpp server,
 * vLLM, LocalAI), streamed over SSE so speech starts with the first sentence, with tool calls.
 */
export class ChatCompletionsBrain implements Brain {
  readonly name = 'chat-completions';
  private readonly url: string;

  constructor(private readonly options: ChatCompletionsBrainOptions) {
    if (!options.url) throw new Error('chatCompletionsBrain: `url` is required');
    if (!options.model) throw new Error('chatCompletionsBrain: `model` is required');
    this.url = endpoint(options.url);
  }

  async *respond(request: BrainRequest): AsyncIterable<BrainOutput> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    const signal = AbortSignal.any([request.signal, timeout]);
    const body = {
      model: this.options.model,
      stream: true,
      messages: chatMessages(request.instructions, request.history, request.responseInstructions),
      ...(request.tools.length > 0 ? { tools: chatTools(request.tools) } : {}),
      ...(this.options.temperature !== undefined ? { temperature: this.options.temperature } : {}),
    };
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          ...this.options.headers,
        },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (request.signal.aborted) return;
      throw new Error(`cannot reach ${this.url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) throw new Error(`${this.url} answered ${await describeFailure(response)}`);
    if (!response.body) throw new Error(`${this.url} sent no body`);
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    try {
      if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        // A server that ignores `stream: true` answers with one JSON object.
        yield* this.fromWhole(
          (await response.json()) as {
            choices?: { message?: { content?: string | null; tool_calls?: ToolCallOut[] } }[];
          },
        );
        return;
      }
      for await (const data of readSseData(response.body, request.signal)) {
        if (data === '[DONE]') break;
        let chunk: StreamChunk;
        try {
          chunk = JSON.parse(data) as StreamChunk;
        } catch {
          throw new Error(`${this.url} streamed something that is not JSON: ${data.slice(0, 120)}`);
        }
        if (chunk.error)
          throw new Error(`${this.url} streamed an error: ${chunk.error.message ?? 'unknown'}`);
        const delta = chunk.choices?.[0]?.delta;
        if (delta?.content) yield { type: 'text', delta: delta.content };
        for (const part of delta?.tool_calls ?? []) {
          const index = part.index ?? 0;
          const call = calls.get(index) ?? { id: '', name: '', arguments: '' };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
          calls.set(index, call);
        }
      }
    } catch (error) {
      if (request.signal.aborted) return;
      throw error;
    }
    if (request.signal.aborted) return;
    for (const [index, call] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
      yield {
        type: 'tool_call',
        callId: call.id || `call_chat_${index}`,
        name: call.name,
        arguments: call.arguments || '{}',
      };
    }
  }

  private *fromWhole(body: {
    choices?: { message?: { content?: string | null; tool_calls?: ToolCallOut[] } }[];
  }): Iterable<BrainOutput> {
    const message = body.choices?.[0]?.message;
    if (message?.content) yield { type: 'text', delta: message.content };
    for (const call of message?.tool_calls ?? []) {
      yield {
        type: 'tool_call',
        callId: call.id,
        name: call.function.name,
        arguments: call.function.arguments || '{}',
      };
    }
  }
}

/** A {@link ChatCompletionsBrain}: `chatCompletionsBrain({ url: 'http://127.0.0.1:11434/v1', model: 'llama3.2' })`. */
export function chatCompletionsBrain(options: ChatCompletionsBrainOptions): ChatCompletionsBrain {
  return new ChatCompletionsBrain(options);
}
