/** A JSON value: what every feed item is made of, so it can go on a socket as is. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Limits for turning arbitrary values (events, state values, definitions) into compact JSON. */
export interface JsonSafeLimits {
  /** Nesting depth kept; deeper values become the string `'[depth]'`. */
  readonly maxDepth: number;
  /** Characters kept per string; the rest is replaced by a count. */
  readonly maxStringChars: number;
  /** Elements kept per array and keys per object. */
  readonly maxEntries: number;
  /** Keys removed wherever they appear: audio and image payloads never reach the feed. */
  readonly omitKeys: ReadonlySet<string>;
}

/** Field names that carry media payloads in Chorus, OpenAI and Gemini events. */
export const MEDIA_KEYS: ReadonlySet<string> = new Set([
  'delta',
  'audio',
  'image',
  'pcm',
  'chunk',
  'inlineData',
]);

export const DEFAULT_JSON_SAFE_LIMITS: JsonSafeLimits = {
  maxDepth: 6,
  maxStringChars: 512,
  maxEntries: 64,
  omitKeys: MEDIA_KEYS,
};

function isActorRefLike(value: object): value is { sessionId: string } {
  return (
    'sessionId' in value && typeof (value as { sessionId: unknown }).sessionId === 'string' && 'send' in value
  );
}

/**
 * Converts any value into bounded JSON: functions dropped, binary replaced by its length, actor refs
 * replaced by their session id, media keys omitted, cycles cut. Never throws.
 */
export function toJsonSafe(value: unknown, limits: JsonSafeLimits = DEFAULT_JSON_SAFE_LIMITS): JsonValue {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number, fromToJson = false): JsonValue | undefined => {
    switch (typeof v) {
      case 'string':
        return v.length > limits.maxStringChars
          ? `${v.slice(0, limits.maxStringChars)}…(+${v.length - limits.maxStringChars} chars)`
          : v;
      case 'number':
        return Number.isFinite(v) ? v : String(v);
      case 'boolean':
        return v;
      case 'bigint':
        return v.toString();
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (v === null) return null;
    const obj = v as object;
    if (ArrayBuffer.isView(obj)) return { bytes: obj.byteLength };
    if (obj instanceof ArrayBuffer) return { bytes: obj.byteLength };
    if (isActorRefLike(obj)) return { actor: obj.sessionId };
    if (obj instanceof Error) return { error: obj.name, message: walk(obj.message, depth + 1) ?? '' };
    // Honour toJSON as JSON.stringify does: XState's transition definitions use it to name their
    // targets by id instead of embedding whole state-node graphs (megabytes per machine otherwise).
    // Its result is walked as plain data (XState's copies carry toJSON along again).
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (!fromToJson && typeof toJSON === 'function') {
      let json: unknown;
      try {
        json = toJSON.call(obj);
      } catch {
        return '[unreadable]';
      }
      return walk(json, depth, true);
    }
    if (seen.has(obj)) return '[cycle]';
    if (depth >= limits.maxDepth) return '[depth]';
    seen.add(obj);
    try {
      if (Array.isArray(obj)) {
        const out: JsonValue[] = [];
        for (const item of obj.slice(0, limits.maxEntries)) out.push(walk(item, depth + 1) ?? null);
        if (obj.length > limits.maxEntries) out.push(`…(+${obj.length - limits.maxEntries} items)`);
        return out;
      }
      const out: { [key: string]: JsonValue } = {};
      let kept = 0;
      for (const key of Object.keys(obj)) {
        if (limits.omitKeys.has(key)) continue;
        if (kept >= limits.maxEntries) {
          out['…'] = 'more keys omitted';
          break;
        }
        const item = walk((obj as Record<string, unknown>)[key], depth + 1);
        if (item === undefined) continue;
        out[key] = item;
        kept++;
      }
      return out;
    } catch {
      // A throwing getter must not break the feed.
      return '[unreadable]';
    } finally {
      seen.delete(obj);
    }
  };
  return walk(value, 0) ?? null;
}
