/** Which endpoint an upgrade request is for. */
export type Route =
  | { readonly kind: 'chorus'; readonly userId: string; readonly sessionId: string }
  | { readonly kind: 'openai'; readonly room: string | undefined; readonly model: string | undefined }
  | { readonly kind: 'inspect'; readonly room: string | undefined }
  | { readonly kind: 'health' }
  | { readonly kind: 'metrics' }
  | { readonly kind: 'rooms' };

/** An upgrade the gateway answers with an HTTP error: a path it does not serve, or ids that break the rule. */
export interface NoRoute {
  readonly kind: 'none';
  /** 404 for a path that is not the gateway's, 400 for a malformed one under `/ws`. */
  readonly status: 400 | 404;
  readonly reason: string;
}

/** User and session ids in paths: 1-128 URL-safe characters, so they log and compare cleanly. */
const ID = /^[A-Za-z0-9_.~-]{1,128}$/;
const ID_RULE = 'must be 1-128 characters of A-Z a-z 0-9 _ . ~ - (after URL decoding)';

/** Parses a request URL into a route, or a reason it matches none. */
export function matchRoute(url: string | undefined): Route | NoRoute {
  let parsed: URL;
  try {
    parsed = new URL(url ?? '/', 'http://gateway');
  } catch {
    return { kind: 'none', status: 400, reason: 'bad URL' };
  }
  const path = parsed.pathname.replace(/\/+$/, '') || '/';
  const segments = path.split('/').slice(1);
  if (segments[0] === 'ws') {
    const [, userId, sessionId, extra] = segments;
    if (userId === undefined || sessionId === undefined || extra !== undefined) {
      return { kind: 'none', status: 400, reason: 'expected /ws/:userId/:sessionId' };
    }
    const user = safeDecode(userId);
    const session = safeDecode(sessionId);
    if (!user || !ID.test(user)) return { kind: 'none', status: 400, reason: `userId ${ID_RULE}` };
    if (!session || !ID.test(session)) return { kind: 'none', status: 400, reason: `sessionId ${ID_RULE}` };
    return { kind: 'chorus', userId: user, sessionId: session };
  }
  const room = parsed.searchParams.get('room') ?? undefined;
  if (path === '/v1/realtime')
    return { kind: 'openai', room, model: parsed.searchParams.get('model') ?? undefined };
  if (path === '/inspect') return { kind: 'inspect', room };
  if (path === '/healthz') return { kind: 'health' };
  if (path === '/metrics') return { kind: 'metrics' };
  if (path === '/rooms') return { kind: 'rooms' };
  return { kind: 'none', status: 404, reason: 'no such endpoint' };
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
