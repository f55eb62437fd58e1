import type { AnyTool, ToolSource, ToolSourceContext } from '@chorus/core';
import {
  type ChorusClock,
  type RetryPolicy,
  retryDelay,
  retryPolicy,
  systemClock,
} from '@chorus/core/provider';
import type { ErrorCode as ChorusErrorCode } from '@chorus/protocol';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { clockSignal } from './clock-signal.js';
import { type ListedTool, toolsFromListing } from './mcp-tools.js';
import { DEFAULT_MCP_LIMITS, type MCPLimits, type MCPServerOptions } from './options.js';
import { type MCPCallResult, resultText } from './result-text.js';

/**
 * `idle` (not started, or closed by its last agent), `connecting` (spawning or handshaking),
 * `ready`, `waiting` (down, the next attempt is scheduled), `failed` (gave up after the retry
 * policy's attempts).
 */
export type MCPServerState = 'idle' | 'connecting' | 'ready' | 'waiting' | 'failed';

// Our clock decides every timeout; the SDK's own (real-time) request timer must never fire first.
const NO_SDK_TIMEOUT = 2_147_483_647;
const MAX_LIST_PAGES = 100;
const CLIENT_INFO = { name: 'chorus', version: '0.1.0' };
const DEFAULT_RETRY: Partial<RetryPolicy> = { baseMs: 500, capMs: 30_000, maxAttempts: 10 };

class ToolFailure extends Error {}

/**
 * One MCP server as a Chorus {@link ToolSource}: its tools become agent tools, `tools/list_changed`
 * updates them, and every call carries the agent's `AbortSignal` (the SDK turns an abort into
 * `notifications/cancelled`). A server that closes, fails a call or does not answer a ping after a
 * call ended badly is abandoned and started again with backoff on the agent's clock; meanwhile its
 * calls fail with a message the agent can say. Shared by several agents, it starts once and stops
 * with the last.
 */
export abstract class MCPServer implements ToolSource {
  readonly name: string;
  protected readonly limits: MCPLimits;
  private readonly policy: RetryPolicy;
  private current: readonly AnyTool[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly contexts: ToolSourceContext[] = [];
  protected clock: ChorusClock = systemClock;
  private client: Client | undefined;
  private transport: Transport | undefined;
  private generation = 0;
  private failures = 0;
  private retryTimer: unknown;
  private firstAttempt: Promise<void> | undefined;
  private closing: Promise<void> = Promise.resolve();
  private status: MCPServerState = 'idle';
  private checking = false;
  private refreshing = false;
  private refreshAgain = false;

  protected constructor(
    protected readonly options: MCPServerOptions,
    defaultName: string,
    /** What getting it back is called in reports: a process is restarted, a URL reconnected. */
    private readonly recovery: 'restarting' | 'reconnecting',
  ) {
    this.name = options.name ?? defaultName;
    this.limits = { ...DEFAULT_MCP_LIMITS, ...options.limits };
    this.policy = retryPolicy({ ...DEFAULT_RETRY, ...options.retry });
  }

  /** A new transport for one attempt. */
  protected abstract createTransport(): Transport;

  /** Ends the transport of a server that may not answer any more (a hung process is killed). */
  protected async abandon(transport: Transport): Promise<void> {
    await transport.close();
  }

  /** Ends the transport of a healthy server when its last agent leaves. */
  protected async shutdown(client: Client): Promise<void> {
    await client.close();
  }

  /** The current connection misbehaved (an oversized answer): drop it and start again. */
  protected fault(reason: string): void {
    this.lost(this.generation, reason);
  }

  get tools(): readonly AnyTool[] {
    return this.current;
  }

  get state(): MCPServerState {
    return this.status;
  }

  async start(context: ToolSourceContext): Promise<void> {
    this.contexts.push(context);
    if (!this.firstAttempt) {
      this.clock = context.clock;
      const closing = this.closing;
      this.firstAttempt = closing.then(() => this.connect());
    }
    return this.firstAttempt;
  }

  onToolsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.contexts.pop();
    if (this.contexts.length > 0 || !this.firstAttempt) return this.closing;
    this.generation++;
    this.status = 'idle';
    this.firstAttempt = undefined;
    this.failures = 0;
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.transport = undefined;
    this.setTools([]);
    this.closing = client ? this.shutdown(client).catch(() => undefined) : Promise.resolve();
    return this.closing;
  }

  // --- connecting ---------------------------------------------------------------------------

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.status = 'connecting';
    const ms = this.options.connectTimeoutMs ?? 10_000;
    const timeout = clockSignal(this.clock, ms, `no answer within ${ms} ms`);
    try {
      const transport = this.createTransport();
      const client = new Client(CLIENT_INFO, { capabilities: {} });
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
        if (generation === this.generation) void this.refresh();
      });
      client.onclose = () => this.lost(generation, `MCP server ${this.name} closed the connection`);
      client.onerror = () => void this.checkAlive(generation);
      this.client = client;
      this.transport = transport;
      await client.connect(transport, { signal: timeout.signal, timeout: NO_SDK_TIMEOUT });
      const listed = await this.listAll(client, timeout.signal);
      if (generation !== this.generation) return;
      this.status = 'ready';
      this.failures = 0;
      this.setTools(listed);
    } catch (error) {
      const why = timeout.signal.aborted ? `no answer within ${ms} ms` : describe(error);
      this.lost(generation, `MCP server ${this.name} could not start: ${why}`);
    } finally {
      timeout.disarm();
    }
  }

  /** The connection of `generation` is gone: abandon it and try again after the backoff. */
  private lost(generation: number, reason: string): void {
    if (generation !== this.generation || this.status === 'idle') return;
    this.generation++;
    const transport = this.transport;
    this.client = undefined;
    this.transport = undefined;
    if (transport) void this.abandon(transport).catch(() => undefined);
    this.failures++;
    if (this.failures > this.policy.maxAttempts) {
      this.status = 'failed';
      this.setTools([]);
      this.report('tool_source_failed', `${reason}; gave up after ${this.policy.maxAttempts} attempts`);
      return;
    }
    const delay = retryDelay(this.policy, this.failures, this.options.random);
    this.status = 'waiting';
    this.report('tool_source_down', `${reason}; ${this.recovery} in ${delay} ms`);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  /** After a call ended badly: a server that does not answer a ping in time counts as hung. */
  private async checkAlive(generation: number): Promise<void> {
    const client = this.client;
    if (this.checking || !client || generation !== this.generation || this.status !== 'ready') return;
    this.checking = true;
    const ms = this.options.pingTimeoutMs ?? 5_000;
    const timeout = clockSignal(this.clock, ms, `no answer to a ping within ${ms} ms`);
    try {
      await client.ping({ signal: timeout.signal, timeout: NO_SDK_TIMEOUT });
    } catch (error) {
      const why = timeout.signal.aborted ? `did not answer a ping within ${ms} ms` : describe(error);
      this.lost(generation, `MCP server ${this.name} ${why}`);
    } finally {
      timeout.disarm();
      this.checking = false;
    }
  }

  // --- tools --------------------------------------------------------------------------------

  private async listAll(client: Client, signal: AbortSignal): Promise<ListedTool[]> {
    const listed: ListedTool[] = [];
    // A server cannot make us page forever or hold more than a few times what we keep.
    const hold = this.limits.maxTools * 4;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES && listed.length < hold; page++) {
      const result = await client.listTools(cursor === undefined ? undefined : { cursor }, {
        signal,
        timeout: NO_SDK_TIMEOUT,
      });
      listed.push(...(result.tools as ListedTool[]).slice(0, hold - listed.length));
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return listed;
  }

  /** `tools/list_changed`: list again (once more if another change came meanwhile). */
  private async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        const client = this.client;
        const generation = this.generation;
        if (!client || this.status !== 'ready') return;
        const ms = this.options.connectTimeoutMs ?? 10_000;
        const timeout = clockSignal(this.clock, ms, `no tool list within ${ms} ms`);
        try {
          const listed = await this.listAll(client, timeout.signal);
          if (generation === this.generation) this.setTools(listed);
        } catch {
          void this.checkAlive(generation);
        } finally {
          timeout.disarm();
        }
      } while (this.refreshAgain);
    } finally {
      this.refreshing = false;
    }
  }

  private setTools(listed: readonly ListedTool[]): void {
    const { tools, problems } = toolsFromListing(listed, {
      server: this.name,
      filter: this.options.toolFilter,
      approval: this.options.requireApproval,
      timeoutMs: this.options.timeoutMs,
      limits: this.limits,
      call: (name, args, signal) => this.call(name, args, signal),
    });
    for (const problem of problems) this.report('tool_dropped', problem);
    const before = JSON.stringify(this.current.map((t) => t.definition));
    if (before === JSON.stringify(tools.map((t) => t.definition))) return;
    this.current = tools;
    for (const listener of [...this.listeners]) listener();
  }

  private async call(
    name: string,
    args: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
  ): Promise<string> {
    const client = this.client;
    if (!client || this.status !== 'ready') {
      throw new Error(`the MCP server ${this.name} is ${this.unavailable()}`);
    }
    const generation = this.generation;
    try {
      const result = (await client.callTool({ name, arguments: { ...args } }, undefined, {
        signal,
        timeout: NO_SDK_TIMEOUT,
      })) as MCPCallResult;
      const text = resultText(result, this.limits.maxResultBytes);
      if (result.isError) throw new ToolFailure(text || 'the tool reported an error');
      return text;
    } catch (error) {
      if (error instanceof ToolFailure) throw error;
      if (signal.aborted) {
        void this.checkAlive(generation);
        throw signal.reason instanceof Error ? signal.reason : new Error('the call was cancelled');
      }
      if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
        throw new Error(`the MCP server ${this.name} stopped during the call; ${this.recovery} it`);
      }
      if (error instanceof McpError && error.code !== ErrorCode.RequestTimeout) {
        throw new Error(error.message); // the server answered: it is alive
      }
      void this.checkAlive(generation);
      throw new Error(`the MCP server ${this.name} could not be reached: ${describe(error)}`);
    }
  }

  private unavailable(): string {
    switch (this.status) {
      case 'failed':
        return 'down and no longer retried';
      case 'idle':
        return 'not started';
      default:
        return `down; ${this.recovery} it`;
    }
  }

  private report(code: ChorusErrorCode, message: string): void {
    for (const context of this.contexts) context.report({ code, message });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
