import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { boundedFetch } from './bounded-fetch.js';
import { clockSignal } from './clock-signal.js';
import { MCPServer } from './mcp-server.js';
import type { MCPServerOptions } from './options.js';

export interface MCPServerStreamableHttpOptions extends MCPServerOptions {
  readonly url: string | URL;
  /** Sent with every request (an `Authorization` header, for example). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * An MCP server reached over Streamable HTTP. Reconnected (a new session) with backoff when it
 * cannot be reached; the SDK's own stream retries are off, so one policy, on the agent's clock,
 * decides. Its session is ended with a DELETE when its last agent stops.
 */
export class MCPServerStreamableHttp extends MCPServer {
  private readonly url: URL;

  constructor(private readonly http: MCPServerStreamableHttpOptions) {
    const url = new URL(http.url);
    super(http, url.host, 'reconnecting');
    this.url = url;
  }

  protected createTransport(): Transport {
    return new StreamableHTTPClientTransport(this.url, {
      requestInit: { headers: { ...this.http.headers } },
      fetch: boundedFetch(this.limits.maxMessageBytes, this.name, (reason) => this.fault(reason)),
      reconnectionOptions: {
        maxRetries: 0,
        initialReconnectionDelay: 1000,
        maxReconnectionDelay: 1000,
        reconnectionDelayGrowFactor: 1,
      },
    });
  }

  protected override async shutdown(client: Client): Promise<void> {
    const transport = client.transport as StreamableHTTPClientTransport | undefined;
    // A server that does not answer the DELETE in time is left; closing aborts the request.
    const ms = this.options.connectTimeoutMs ?? 10_000;
    const timeout = clockSignal(this.clock, ms, 'no answer');
    const timedOut = new Promise<void>((resolve) =>
      timeout.signal.addEventListener('abort', () => resolve()),
    );
    await Promise.race([transport?.terminateSession().catch(() => undefined), timedOut]);
    timeout.disarm();
    await client.close();
  }
}
