import { checkJsonShape } from '../json-shape.js';
import { MAX_CLIENT_EVENT_SIZE, MAX_SERVER_EVENT_SIZE } from '../limits.js';
import { findUnsafeStructure } from '../unsafe-structure.js';
import { gaServerEventType, normalizeClientEvent, normalizeServerEvent } from './beta.js';
import {
  isOpenAIClientEventType,
  type OpenAIClientEvent,
  openaiClientEventSchemas,
} from './client-events.js';
import { parseHotDelta } from './hot-deltas.js';
import {
  checkDepth,
  decodeFrame,
  decodeFrameShallow,
  errorFromZod,
  type ProviderParseResult,
} from './parse-result.js';
import {
  isOpenAIServerEventType,
  type OpenAIServerEvent,
  openaiServerEventSchemas,
} from './server-events.js';

/**
 * Parses one frame from an OpenAI Realtime server (GA or beta names) into a GA event.
 * Never throws. Unknown types come back as `{ ok: true, unknown: true }` with the frame kept whole.
 *
 * @param input - the frame as text, bytes, or an already parsed object.
 */
export function parseOpenAIServerEvent(input: unknown): ProviderParseResult<OpenAIServerEvent> {
  const shallow = decodeFrameShallow(input, MAX_SERVER_EVENT_SIZE);
  if (!shallow.ok) return shallow;
  const gaType = gaServerEventType(shallow.value.type);
  const hot = parseHotDelta(shallow.value, gaType);
  if (hot)
    return { ok: true, unknown: false, event: hot, dialect: gaType === shallow.value.type ? 'ga' : 'beta' };
  const decoded = checkDepth(shallow);
  if (!decoded.ok) return decoded;
  const { value, beta } = normalizeServerEvent(decoded.value);
  if (!isOpenAIServerEventType(value.type)) {
    return { ok: true, unknown: true, event: { ...value, type: value.type, unknown: true } };
  }
  const parsed = openaiServerEventSchemas[value.type].safeParse(value);
  if (!parsed.success) return { ok: false, error: errorFromZod(parsed.error, decoded.value.type) };
  return { ok: true, unknown: false, event: parsed.data as OpenAIServerEvent, dialect: beta ? 'beta' : 'ga' };
}

/**
 * Parses one frame from an OpenAI Realtime client (GA or beta shapes) into a GA event; the
 * gateway's OpenAI-compatible endpoint uses it on untrusted input. Never throws.
 */
export function parseOpenAIClientEvent(input: unknown): ProviderParseResult<OpenAIClientEvent> {
  // Counted before JSON.parse builds anything (see checkJsonShape): a hostile frame costs one scan.
  const raw = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if ((typeof raw === 'string' || raw instanceof Uint8Array) && raw.length <= MAX_CLIENT_EVENT_SIZE) {
    const shape = checkJsonShape(raw);
    if (shape) {
      return {
        ok: false,
        error: { message: `(root): ${shape.message}`, issues: [{ path: '(root)', message: shape.message }] },
      };
    }
  }
  const decoded = decodeFrame(input, MAX_CLIENT_EVENT_SIZE);
  if (!decoded.ok) return decoded;
  // `__proto__` and `constructor.prototype` would reach the merged session through zod's copy of unknown keys.
  const unsafe = findUnsafeStructure(decoded.value);
  if (unsafe) {
    const issue = { path: unsafe.path, message: unsafe.message };
    return {
      ok: false,
      error: { message: `${unsafe.path}: ${unsafe.message}`, issues: [issue], eventType: decoded.value.type },
    };
  }
  const { value, beta } = normalizeClientEvent(decoded.value);
  if (!isOpenAIClientEventType(value.type)) {
    return { ok: true, unknown: true, event: { ...value, type: value.type, unknown: true } };
  }
  const parsed = openaiClientEventSchemas[value.type].safeParse(value);
  if (!parsed.success) return { ok: false, error: errorFromZod(parsed.error, value.type) };
  return { ok: true, unknown: false, event: parsed.data as OpenAIClientEvent, dialect: beta ? 'beta' : 'ga' };
}
