import { type ErrorCode, GATEWAY_AGENT_ID, type ServerEvent, type SessionConfig } from '@chorus/protocol';

/**
 * How a Chorus client hears about errors in its own frames. AgentScope frontends handle `agent_error`
 * and ignore `server_error`; Chorus clients read `server_error` (it names the field). `both`, the
 * default, sends `server_error` and then the same error as `agent_error` from the agent id
 * `gateway`, so an unchanged AgentScope page shows it; `config.dialect` picks one of the two.
 */
export type ErrorDialect = NonNullable<SessionConfig['dialect']>;

export const DEFAULT_ERROR_DIALECT: ErrorDialect = 'both';

/** A problem with one client frame, or the gateway's own. */
export interface ClientProblem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly path?: string | undefined;
  readonly eventId?: string | undefined;
}

/** Codes of the gateway failing on its own, as opposed to refusing what the client sent. */
const GATEWAY_FAULTS: ReadonlySet<string> = new Set(['internal_error', 'room_unavailable']);

/** The frames that report `problem` in `dialect`, in order. */
export function errorFrames(dialect: ErrorDialect, problem: ClientProblem): ServerEvent[] {
  const { code, message, path, eventId } = problem;
  const where = { ...(path ? { path } : {}), ...(eventId ? { event_id: eventId } : {}) };
  const frames: ServerEvent[] = [];
  if (dialect !== 'agentscope') frames.push({ type: 'server_error', code, message, ...where });
  if (dialect !== 'chorus') {
    frames.push({
      type: 'agent_error',
      agent_id: GATEWAY_AGENT_ID,
      agent_name: GATEWAY_AGENT_ID,
      error_type: GATEWAY_FAULTS.has(code) ? 'server_error' : 'invalid_request_error',
      code,
      message,
      fatal: false,
      ...where,
    });
  }
  return frames;
}
