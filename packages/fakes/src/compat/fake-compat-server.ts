import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bytesFromPcm16, encodeWav, generateTone } from '@chorus/audio';
import { multipartBoundary, parseMultipart } from './multipart.js';
import type {
  CompatChatMessage,
  CompatChatReply,
  CompatChatRequest,
  CompatSpeechRequest,
  CompatTranscriptionRequest,
  FakeCompatOptions,
} from './types.js';

const MAX_BODY_BYTES = 25 * 1024 * 1024;
const SPEECH_RATE = 24000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function parseJsonBody(body: Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new HttpError(400, 'We could not parse the JSON body of your request.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new HttpError(400, 'The body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '')
    throw new HttpError(400, `Missing required parameter: '${field}'.`, field, 'missing_required_parameter');
  return value;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function lastUserText(messages: readonly CompatChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user')
      return typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
  }
  return '';
}

/**
 * A local fake of the OpenAI-compatible HTTP endpoints that local LLM and speech servers (Ollama,
 * llama.cpp, vLLM, whisper.cpp, LocalAI) expose: `/v1/chat/completions` (JSON or SSE streaming, with
 * tool calls), `/v1/audio/transcriptions` (multipart upload) and `/v1/audio/speech` (wav or pcm).
 * Errors use OpenAI's `{ error: { message, type, param, code } }` shape.
 */
export class FakeCompatServer {
  /** Every chat request received, in order. */
  readonly chatRequests: CompatChatRequest[] = [];
  /** Every transcription upload received, in order. */
  readonly transcriptionRequests: CompatTranscriptionRequest[] = [];
  /** Every speech request received, in order. */
  readonly speechRequests: CompatSpeechRequest[] = [];
  private completionCounter = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeCompatOptions,
    /** `http://127.0.0.1:<port>` */
    readonly baseUrl: string,
  ) {}

  /** Listens on 127.0.0.1, port 0 (any free port). */
  static start(options: FakeCompatOptions = {}): Promise<FakeCompatServer> {
    return new Promise((resolve, reject) => {
      let fake: FakeCompatServer | undefined;
      const server = createServer((req, res) => {
        void fake?.handle(req, res);
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        fake = new FakeCompatServer(server, options, `http://127.0.0.1:${port}`);
        resolve(fake);
      });
    });
  }

  /** Stops listening and drops open connections. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.baseUrl);
      if (
        this.options.apiKey !== undefined &&
        req.headers.authorization !== `Bearer ${this.options.apiKey}`
      ) {
        throw new HttpError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
      }
      const route = `${req.method} ${url.pathname}`;
      if (route === 'POST /v1/chat/completions') return await this.chat(req, res);
      if (route === 'POST /v1/audio/transcriptions') return await this.transcription(req, res);
      if (route === 'POST /v1/audio/speech') return await this.speech(req, res);
      throw new HttpError(404, `Invalid URL (${req.method} ${url.pathname})`);
    } catch (error) {
      const http =
        error instanceof HttpError
          ? error
          : new HttpError(500, error instanceof Error ? error.message : String(error));
      if (res.headersSent) {
        res.end();
        return;
      }
      const type =
        http.status === 401
          ? 'invalid_request_error'
          : http.status >= 500
            ? 'server_error'
            : 'invalid_request_error';
      sendJson(res, http.status, {
        error: { message: http.message, type, param: http.param, code: http.code },
      });
    }
  }

  private async chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parseJsonBody(await readBody(req));
    const model = requireString(body, 'model');
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      throw new HttpError(
        400,
        "Missing required parameter: 'messages'.",
        'messages',
        'missing_required_parameter',
      );
    }
    for (const [i, message] of (body.messages as unknown[]).entries()) {
      if (
        !message ||
        typeof message !== 'object' ||
        typeof (message as { role?: unknown }).role !== 'string'
      ) {
        throw new HttpError(
          400,
          `Invalid value for 'messages[${i}]': each message needs a role.`,
          `messages[${i}].role`,
        );
      }
    }
    const tools = Array.isArray(body.tools) ? (body.tools as CompatChatRequest['tools']) : [];
    const request: CompatChatRequest = {
      model,
      messages: body.messages as CompatChatMessage[],
      tools,
      stream: body.stream === true,
    };
    this.chatRequests.push(request);
    const reply: CompatChatReply = this.options.chat
      ? await this.options.chat(request)
      : { content: `You said: ${lastUserText(request.messages)}` };
    const id = `chatcmpl-fake${++this.completionCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
      id: call.id ?? `call_fake_${this.completionCounter}_${index}`,
      type: 'function' as const,
      function: { name: call.name, arguments: call.arguments },
    }));
    const finishReason = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    if (!request.stream) {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: reply.content ?? null,
              ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
            },
            finish_reason: finishReason,
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }, null));
    const size = Math.max(1, this.options.chunkChars ?? 4);
    const content = reply.content ?? '';
    for (let i = 0; i < content.length; i += size)
      res.write(chunk({ content: content.slice(i, i + size) }, null));
    for (const [index, call] of toolCalls.entries()) {
      // The first chunk of a call names it; its arguments follow in pieces, as OpenAI streams them.
      res.write(
        chunk(
          {
            tool_calls: [
              { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
            ],
          },
          null,
        ),
      );
      const args = call.function.arguments;
      for (let i = 0; i < args.length; i += size) {
        res.write(chunk({ tool_calls: [{ index, function: { arguments: args.slice(i, i + size) } }] }, null));
      }
    }
    res.write(chunk({}, finishReason));
    res.end('data: [DONE]\n\n');
  }

  private async transcription(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary) throw new HttpError(400, 'Content-Type must be multipart/form-data with a boundary.');
    const body = await readBody(req);
    let parts: ReturnType<typeof parseMultipart>;
    try {
      parts = parseMultipart(body, boundary);
    } catch (error) {
      throw new HttpError(400, `Malformed multipart body: ${(error as Error).message}`);
    }
    const fields: Record<string, string> = {};
    let file: (typeof parts)[number] | undefined;
    for (const part of parts) {
      if (part.name === 'file') file = part;
      else fields[part.name] = new TextDecoder().decode(part.data);
    }
    if (!file || file.data.length === 0)
      throw new HttpError(400, "Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
    const model = fields.model;
    if (!model)
      throw new HttpError(400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    const request: CompatTranscriptionRequest = {
      model,
      file: file.data,
      filename: file.filename ?? 'file',
      fields,
    };
    this.transcriptionRequests.push(request);
    const text = this.options.transcribe ? await this.options.transcribe(request) : '';
    const format = fields.response_format ?? 'json';
    if (format === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    } else if (format === 'json') sendJson(res, 200, { text });
    else if (format === 'verbose_json')
      sendJson(res, 200, {
        task: 'transcribe',
        language: fields.language ?? 'english',
        duration: 0,
        text,
        segments: [],
      });
    else
      throw new HttpError(
        400,
        `response_format '${format}' is not supported by this fake (json, text, verbose_json)`,
        'response_format',
      );
  }

  private async speech(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parseJsonBody(await readBody(req));
    const model = requireString(body, 'model');
    const input = requireString(body, 'input');
    const voice = requireString(body, 'voice');
    const responseFormat = typeof body.response_format === 'string' ? body.response_format : 'mp3';
    if (responseFormat !== 'wav' && responseFormat !== 'pcm') {
      throw new HttpError(
        400,
        `response_format '${responseFormat}' is not supported by this fake (wav, pcm)`,
        'response_format',
      );
    }
    this.speechRequests.push({ model, input, voice, responseFormat });
    // Stands in for speech: a tone as long as the text would take to say.
    const samples = generateTone(
      220,
      Math.max(100, input.length * (this.options.speechMsPerChar ?? 60)),
      SPEECH_RATE,
      0.3,
    );
    const bytes = responseFormat === 'wav' ? encodeWav(samples, SPEECH_RATE) : bytesFromPcm16(samples);
    res.writeHead(200, {
      'content-type': responseFormat === 'wav' ? 'audio/wav' : 'audio/pcm',
      'content-length': bytes.byteLength,
    });
    res.end(bytes);
  }
}
