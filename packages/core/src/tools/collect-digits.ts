import type { ChorusClock } from '../clock.js';

/**
 * Keypad digits (DTMF) reach an agent as the caller's typed text `DTMF: <keys>`, which every agent
 * and room handles unchanged. A tool that asks for digits (`context.collectDigits`) takes that text
 * instead while it waits, so a PIN goes to the tool and not into the conversation.
 */
export const DTMF_TEXT_PREFIX = 'DTMF: ';

/** The keys of a telephone keypad (A-D exist on some). */
const DTMF_KEYS = /^[0-9*#A-D]+$/;

/** The text a phone line sends for `keys` pressed. */
export function dtmfText(keys: string): string {
  return `${DTMF_TEXT_PREFIX}${keys}`;
}

/** The keys in a `DTMF: <keys>` text, or undefined for any other text. */
export function parseDtmfText(text: string): string | undefined {
  if (!text.startsWith(DTMF_TEXT_PREFIX)) return undefined;
  const keys = text.slice(DTMF_TEXT_PREFIX.length).trim();
  return DTMF_KEYS.test(keys) ? keys : undefined;
}

/** Bounds of one request, so a tool cannot hold a caller (or memory) without end. */
export const MAX_DIGITS = 64;
export const MAX_DIGITS_TIMEOUT_MS = 600_000;

export interface CollectDigitsOptions {
  /** Ends the entry once this many digits were typed (1-64, default 64). */
  readonly max?: number;
  /** A key that ends the entry and is left out of the digits (default `#`; null for none). */
  readonly terminator?: string | null;
  /** Ends the entry this long after the request, on the agent's clock (1-600000 ms, default 10000). */
  readonly timeoutMs?: number;
}

export interface CollectedDigits {
  /** The keys typed, without the terminator. */
  readonly digits: string;
  /** What ended the entry. */
  readonly reason: 'max' | 'terminator' | 'timeout';
  /** Keys that arrived in the same group after the entry ended; they go nowhere else. */
  readonly ignored: string;
}

interface Resolved {
  readonly max: number;
  readonly terminator: string | null;
  readonly timeoutMs: number;
}

function resolve(options: CollectDigitsOptions): Resolved {
  const max = options.max ?? MAX_DIGITS;
  if (!Number.isInteger(max) || max < 1 || max > MAX_DIGITS)
    throw new RangeError(`collectDigits: max must be an integer from 1 to ${MAX_DIGITS}, got ${max}`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_DIGITS_TIMEOUT_MS)
    throw new RangeError(
      `collectDigits: timeoutMs must be from 1 to ${MAX_DIGITS_TIMEOUT_MS}, got ${timeoutMs}`,
    );
  const terminator = options.terminator === undefined ? '#' : options.terminator;
  if (terminator !== null && !(terminator.length === 1 && DTMF_KEYS.test(terminator)))
    throw new RangeError(`collectDigits: terminator must be one keypad key or null, got "${terminator}"`);
  return { max, terminator, timeoutMs };
}

interface Waiting {
  readonly options: Resolved;
  digits: string;
  readonly finish: (reason: CollectedDigits['reason'], ignored?: string) => void;
}

/**
 * One agent's digit requests: at most one at a time (a second while one waits is refused, naming
 * the call that waits), each ended by `max`, the terminator, its timeout on the agent's clock, or
 * its abort signal (the tool call interrupted, timed out or the agent stopped).
 */
export class DigitCollector {
  #waiting: { callId: string; state: Waiting } | undefined;

  constructor(private readonly clock: ChorusClock) {}

  /** True while a tool waits for digits. */
  get waiting(): boolean {
    return this.#waiting !== undefined;
  }

  collect(callId: string, options: CollectDigitsOptions, signal: AbortSignal): Promise<CollectedDigits> {
    let resolved: Resolved;
    try {
      resolved = resolve(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#waiting)
      return Promise.reject(new Error(`collectDigits: tool call ${this.#waiting.callId} is already waiting`));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<CollectedDigits>((settle, reject) => {
      const end = () => {
        this.clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.#waiting?.state === state) this.#waiting = undefined;
      };
      const onAbort = () => {
        end();
        reject(signal.reason);
      };
      const state: Waiting = {
        options: resolved,
        digits: '',
        finish: (reason, ignored = '') => {
          end();
          settle({ digits: state.digits, reason, ignored });
        },
      };
      const timer = this.clock.setTimeout(() => state.finish('timeout'), resolved.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting = { callId, state };
    });
  }

  /**
   * Offers a user's text: a `DTMF: <keys>` text is taken (true) while a request waits; any other
   * text, or digits with no request waiting, is left to the conversation (false).
   */
  offer(text: string): boolean {
    const waiting = this.#waiting?.state;
    if (!waiting) return false;
    const keys = parseDtmfText(text);
    if (keys === undefined) return false;
    const { max, terminator } = waiting.options;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key === terminator) {
        waiting.finish('terminator', keys.slice(i + 1));
        return true;
      }
      waiting.digits += key;
      if (waiting.digits.length >= max) {
        // "Type your PIN, then #": the # after the last digit belongs to this entry.
        const next = keys[i + 1] === terminator ? i + 2 : i + 1;
        waiting.finish('max', keys.slice(next));
        return true;
      }
    }
    return true;
  }
}
