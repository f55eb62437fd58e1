import type { RetryPolicy } from '@chorus/core';

/** Which of a server's tools the agent gets, by the server's own tool names. */
export type MCPToolFilter =
  | { readonly allowed?: readonly string[]; readonly blocked?: readonly string[] }
  | ((tool: { readonly name: string; readonly description: string }) => boolean);

/**
 * Which calls ask the client first (`agent_tool_approval_requested`, answered with
 * `client_tool_approval`): all, none, the named tools, or a predicate on the server's tool name
 * and the arguments.
 */
export type MCPApproval =
  | 'always'
  | 'never'
  | readonly string[]
  | ((toolName: string, args: Readonly<Record<string, unknown>>) => boolean | Promise<boolean>);

/** What one server may make the agent hold. */
export interface MCPLimits {
  /** Tools kept from one server; the rest are left out and reported (default 128). */
  readonly maxTools: number;
  /** A tool whose input schema is larger as JSON is left out and reported (default 16 KiB). */
  readonly maxSchemaBytes: number;
  /** Descriptions are cut to this many characters (default 2,048). */
  readonly maxDescriptionChars: number;
  /** A result's text is cut to this many UTF-8 bytes, saying so (default 64 KiB). */
  readonly maxResultBytes: number;
  /** A stdio message larger than this closes the server as faulty; an HTTP answer larger fails its call (default 4 MiB). */
  readonly maxMessageBytes: number;
}

export const DEFAULT_MCP_LIMITS: MCPLimits = {
  maxTools: 128,
  maxSchemaBytes: 16 * 1024,
  maxDescriptionChars: 2048,
  maxResultBytes: 64 * 1024,
  maxMessageBytes: 4 * 1024 * 1024,
};

/** Options every MCP server takes, whatever its transport. */
export interface MCPServerOptions {
  /** Names the server in reports and errors (default: the command or the URL's host). */
  readonly name?: string;
  readonly toolFilter?: MCPToolFilter;
  /** Default `'never'`. */
  readonly requireApproval?: MCPApproval;
  /** Timeout of this server's calls (default: the agent's `toolTimeoutMs`). */
  readonly timeoutMs?: number;
  /** How long the handshake and the tool listing may take (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** After a call ended badly, how long the server has to answer a ping before it counts as hung (default 5 s). */
  readonly pingTimeoutMs?: number;
  /** Backoff between restarts or reconnects (default 500 ms doubling up to 30 s, 10 failures in a row). */
  readonly retry?: Partial<RetryPolicy>;
  /** Jitter source for the backoff, in [0, 1). */
  readonly random?: () => number;
  readonly limits?: Partial<MCPLimits>;
}
