import type { OpenAIClientEvent } from './client-events.js';
import type { OpenAIServerEvent } from './server-events.js';
import type { OpenAISession } from './session.js';
import { OPENAI_PCM_RATE } from './shared.js';

// The beta dialect (header `OpenAI-Beta: realtime=v1`, Azure-style deployments, DashScope) differs
// from GA in a few names and in a flat session. Everything here is a pure rename between the two, so
// the schemas only ever describe GA.

type Json = Record<string, unknown>;

/** Beta server event names and their GA equivalents. */
export const OPENAI_BETA_SERVER_EVENT_ALIASES: Readonly<Record<string, string>> = {
  'response.audio.delta': 'response.output_audio.delta',
  'response.audio.done': 'response.output_audio.done',
  'response.audio_transcript.delta': 'response.output_audio_transcript.delta',
  'response.audio_transcript.done': 'response.output_audio_transcript.done',
  'response.text.delta': 'response.output_text.delta',
  'response.text.done': 'response.output_text.done',
};

const GA_TO_BETA_SERVER_TYPES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(OPENAI_BETA_SERVER_EVENT_ALIASES).map(([beta, ga]) => [ga, beta]),
);

const BETA_TO_GA_FORMAT: Readonly<Record<string, Json>> = {
  pcm16: { type: 'audio/pcm', rate: OPENAI_PCM_RATE },
  g711_ulaw: { type: 'audio/pcmu' },
  g711_alaw: { type: 'audio/pcma' },
};

/** The beta name of a GA server event type (unchanged when both dialects share it). */
export function betaServerEventType(gaType: string): string {
  return GA_TO_BETA_SERVER_TYPES[gaType] ?? gaType;
}

/** The GA name of a beta server event type (unchanged when both dialects share it). */
export function gaServerEventType(type: string): string {
  return OPENAI_BETA_SERVER_EVENT_ALIASES[type] ?? type;
}

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const FLAT_SESSION_KEYS = [
  'modalities',
  'voice',
  'speed',
  'input_audio_format',
  'output_audio_format',
  'input_audio_transcription',
  'turn_detection',
  'input_audio_noise_reduction',
  'max_response_output_tokens',
] as const;

/** Whether a session object is in the beta (flat) shape. */
export function isBetaSession(session: unknown): boolean {
  if (!isRecord(session)) return false;
  if (session.type === 'realtime') return false;
  return session.type === undefined || FLAT_SESSION_KEYS.some((key) => key in session);
}

function formatToGA(value: unknown): unknown {
  return typeof value === 'string' ? (BETA_TO_GA_FORMAT[value] ?? value) : value;
}

function formatToBeta(value: unknown): unknown {
  if (!isRecord(value)) return value;
  if (value.type === 'audio/pcmu') return 'g711_ulaw';
  if (value.type === 'audio/pcma') return 'g711_alaw';
  if (value.type === 'audio/pcm') return 'pcm16';
  return value;
}

/**
 * Turns a beta (flat) session into the GA shape: `modalities` -> `output_modalities`, formats,
 * voice, transcription, turn detection and noise reduction under `audio`. Unknown fields stay.
 */
export function sessionFromBeta(session: Json): Json {
  const {
    modalities,
    voice,
    speed,
    input_audio_format,
    output_audio_format,
    input_audio_transcription,
    turn_detection,
    input_audio_noise_reduction,
    max_response_output_tokens,
    ...rest
  } = session;
  const input: Json = {};
  if (input_audio_format !== undefined) input.format = formatToGA(input_audio_format);
  if (input_audio_transcription !== undefined) input.transcription = input_audio_transcription;
  if (turn_detection !== undefined) input.turn_detection = turn_detection;
  if (input_audio_noise_reduction !== undefined) input.noise_reduction = input_audio_noise_reduction;
  const output: Json = {};
  if (output_audio_format !== undefined) output.format = formatToGA(output_audio_format);
  if (voice !== undefined) output.voice = voice;
  if (speed !== undefined) output.speed = speed;
  const out: Json = { ...rest, type: 'realtime' };
  if (modalities !== undefined) out.output_modalities = modalities;
  if (max_response_output_tokens !== undefined) out.max_output_tokens = max_response_output_tokens;
  const audio: Json = {};
  if (Object.keys(input).length > 0) audio.input = input;
  if (Object.keys(output).length > 0) audio.output = output;
  if (Object.keys(audio).length > 0) out.audio = audio;
  return out;
}

/** Turns a GA session into the beta (flat) shape a beta endpoint expects. */
export function sessionToBeta(session: OpenAISession | Json): Json {
  const { type: _type, output_modalities, audio, max_output_tokens, ...rest } = session as Json;
  const out: Json = { ...rest };
  if (output_modalities !== undefined) out.modalities = output_modalities;
  if (max_output_tokens !== undefined) out.max_response_output_tokens = max_output_tokens;
  const input = isRecord(audio) && isRecord(audio.input) ? audio.input : undefined;
  const output = isRecord(audio) && isRecord(audio.output) ? audio.output : undefined;
  if (input?.format !== undefined) out.input_audio_format = formatToBeta(input.format);
  if (input?.transcription !== undefined) out.input_audio_transcription = input.transcription;
  if (input?.turn_detection !== undefined) out.turn_detection = input.turn_detection;
  if (input?.noise_reduction !== undefined) out.input_audio_noise_reduction = input.noise_reduction;
  if (output?.format !== undefined) out.output_audio_format = formatToBeta(output.format);
  if (output?.voice !== undefined) out.voice = output.voice;
  if (output?.speed !== undefined) out.speed = output.speed;
  return out;
}

function contentToGA(part: unknown, role: unknown): unknown {
  if (!isRecord(part)) return part;
  const assistant = role === 'assistant';
  if (part.type === 'text') return { ...part, type: assistant ? 'output_text' : 'input_text' };
  if (part.type === 'audio') return { ...part, type: assistant ? 'output_audio' : 'input_audio' };
  return part;
}

function contentToBeta(part: unknown): unknown {
  if (!isRecord(part)) return part;
  if (part.type === 'output_text') return { ...part, type: 'text' };
  if (part.type === 'output_audio') return { ...part, type: 'audio' };
  return part;
}

/** Renames beta content part types (`text`, `audio`) in an item to GA ones. */
export function itemFromBeta(item: unknown): unknown {
  if (!isRecord(item) || !Array.isArray(item.content)) return item;
  return { ...item, content: item.content.map((part) => contentToGA(part, item.role)) };
}

/** Renames GA assistant content part types to the beta ones (`text`, `audio`). */
export function itemToBeta(item: unknown): unknown {
  if (!isRecord(item) || !Array.isArray(item.content)) return item;
  return { ...item, content: item.content.map(contentToBeta) };
}

function responseFromBeta(response: unknown): unknown {
  if (!isRecord(response)) return response;
  const { modalities, ...rest } = response;
  const out: Json = { ...rest };
  if (modalities !== undefined && out.output_modalities === undefined) out.output_modalities = modalities;
  if (Array.isArray(out.output)) out.output = out.output.map(itemFromBeta);
  return out;
}

function responseToBeta(response: unknown): unknown {
  if (!isRecord(response)) return response;
  const { output_modalities, ...rest } = response;
  const out: Json = { ...rest };
  if (output_modalities !== undefined) out.modalities = output_modalities;
  if (Array.isArray(out.output)) out.output = out.output.map(itemToBeta);
  return out;
}

function responseParamsFromBeta(params: unknown): unknown {
  if (!isRecord(params)) return params;
  const { modalities, voice, output_audio_format, max_response_output_tokens, ...rest } = params;
  const out: Json = { ...rest };
  if (modalities !== undefined) out.output_modalities = modalities;
  if (max_response_output_tokens !== undefined) out.max_output_tokens = max_response_output_tokens;
  if (voice !== undefined || output_audio_format !== undefined) {
    const output: Json = {};
    if (voice !== undefined) output.voice = voice;
    if (output_audio_format !== undefined) output.format = formatToGA(output_audio_format);
    out.audio = { output };
  }
  if (Array.isArray(out.input)) out.input = out.input.map(itemFromBeta);
  return out;
}

function responseParamsToBeta(params: unknown): unknown {
  if (!isRecord(params)) return params;
  const { output_modalities, audio, ...rest } = params;
  const out: Json = { ...rest };
  if (output_modalities !== undefined) out.modalities = output_modalities;
  const output = isRecord(audio) && isRecord(audio.output) ? audio.output : undefined;
  if (output?.voice !== undefined) out.voice = output.voice;
  if (output?.format !== undefined) out.output_audio_format = formatToBeta(output.format);
  if (Array.isArray(out.input)) out.input = out.input.map(itemToBeta);
  return out;
}

/** A raw event rewritten to GA names and shapes, and whether anything beta was found. */
export interface NormalizedEvent {
  readonly value: { type: string } & Json;
  readonly beta: boolean;
}

/** Rewrites a raw server event from the beta dialect to GA (a no-op on GA events). */
export function normalizeServerEvent(raw: { type: string } & Json): NormalizedEvent {
  const type = gaServerEventType(raw.type);
  let beta = type !== raw.type;
  const out: { type: string } & Json = { ...raw, type };
  if ((type === 'session.created' || type === 'session.updated') && isBetaSession(out.session)) {
    out.session = sessionFromBeta(out.session as Json);
    beta = true;
  }
  if ('item' in out) out.item = itemFromBeta(out.item);
  if ('response' in out) {
    const response = out.response;
    if (isRecord(response) && 'modalities' in response) beta = true;
    out.response = responseFromBeta(response);
  }
  // Both dialects name response parts `text` / `audio`; older peers sent item content names.
  if (isRecord(out.part)) out.part = contentToBeta(out.part);
  return { value: out, beta };
}

/** Rewrites a raw client event from the beta dialect to GA (a no-op on GA events). */
export function normalizeClientEvent(raw: { type: string } & Json): NormalizedEvent {
  const out: { type: string } & Json = { ...raw };
  let beta = false;
  if (raw.type === 'session.update' && isBetaSession(raw.session)) {
    out.session = sessionFromBeta(raw.session as Json);
    beta = true;
  }
  if (raw.type === 'response.create' && isRecord(raw.response)) {
    beta = ['modalities', 'voice', 'output_audio_format', 'max_response_output_tokens'].some(
      (key) => key in (raw.response as Json),
    );
    out.response = responseParamsFromBeta(raw.response);
  }
  if (raw.type === 'conversation.item.create') out.item = itemFromBeta(raw.item);
  return { value: out, beta };
}

/** Writes a GA client event in the beta dialect (flat session, beta content types). */
export function clientEventToBeta(event: OpenAIClientEvent): Json {
  switch (event.type) {
    case 'session.update':
      return { ...event, session: sessionToBeta(event.session) };
    case 'response.create':
      return event.response === undefined
        ? { ...event }
        : { ...event, response: responseParamsToBeta(event.response) };
    case 'conversation.item.create':
      return { ...event, item: itemToBeta(event.item) };
    default:
      return { ...event };
  }
}

/** Writes a GA server event in the beta dialect (beta names, flat session, beta content types). */
export function serverEventToBeta(event: OpenAIServerEvent): Json {
  const out: Json = { ...event, type: betaServerEventType(event.type) };
  if ((event.type === 'session.created' || event.type === 'session.updated') && isRecord(event.session)) {
    out.session = sessionToBeta(event.session);
  }
  if ('item' in out) out.item = itemToBeta(out.item);
  if ('response' in out) out.response = responseToBeta(out.response);
  if (isRecord(out.part)) out.part = contentToBeta(out.part);
  return out;
}
