import type { IncomingMessage } from 'node:http';

/** Subprotocols that carry a key (browsers cannot set headers on a WebSocket). */
const KEY_PROTOCOL_PREFIXES = ['openai-insecure-api-key.', 'chorus-key.'];

/** The subprotocol a browser offers for the beta dialect, instead of the `OpenAI-Beta` header. */
const BETA_PROTOCOL = 'openai-beta.realtime-v1';

/**
 * The subprotocol the handshake selects. `realtime` (what the official clients offer) or `chorus`
 * when offered. A client that offered only a key-carrying protocol gets that one back: browsers and
 * `ws` fail a handshake in which the server selects none of the offered protocols, and the key goes
 * back only to the client that sent it. Nothing is selected when nothing was offered.
 */
export function selectSubprotocol(offered: ReadonlySet<string>): string | false {
  for (const preferred of ['realtime', 'chorus']) if (offered.has(preferred)) return preferred;
  for (const protocol of offered) {
    if (KEY_PROTOCOL_PREFIXES.some((prefix) => protocol.startsWith(prefix))) return protocol;
  }
  const [first] = offered;
  return first ?? false;
}

/**
 * Whether the client asked for the beta dialect: the `OpenAI-Beta: realtime=v1` header (servers,
 * Azure-style clients) or the `openai-beta.realtime-v1` subprotocol (browsers). Such clients get beta
 * names and the flat session from the first frame (`session.created`) on.
 */
export function wantsBetaDialect(request: IncomingMessage): boolean {
  const header = request.headers['openai-beta'];
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  if (values.some((value) => /(^|[\s,])realtime=v1($|[\s,;])/.test(value))) return true;
  const protocols = request.headers['sec-websocket-protocol'];
  return typeof protocols === 'string' && protocols.split(',').some((p) => p.trim() === BETA_PROTOCOL);
}
