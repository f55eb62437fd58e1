import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/**
 * A real MCP server over Streamable HTTP on 127.0.0.1, built with the SDK's own server classes (one
 * `McpServer` per session, as the SDK's stateful example does). `events` records what it saw: the
 * Authorization header, calls, cancellations, session ends.
 */
export class HttpMcpFixture {
  readonly events: string[] = [];
  private readonly sessions = new Map<string, StreamableHTTPServerTransport>();

  private constructor(private readonly server: Server) {}

  static async start(port = 0): Promise<HttpMcpFixture> {
    const server = createServer();
    const fixture = new HttpMcpFixture(server);
    server.on('request', (req, res) => void fixture.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    return fixture;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  /** Stops listening and drops every connection, as a crashed server would. */
  async stop(): Promise<void> {
    for (const transport of this.sessions.values()) await transport.close();
    this.sessions.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (req.method === 'POST' && isInitializeRequest(body)) {
      this.events.push(`auth ${req.headers.authorization ?? '-'}`);
    }
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? this.sessions.get(id) : undefined;
    if (!transport && req.method === 'POST' && isInitializeRequest(body)) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => {
          this.sessions.set(sessionId, created);
        },
      });
      created.onclose = () => {
        if (created.sessionId) this.sessions.delete(created.sessionId);
      };
      await this.mcpServer().connect(created);
      transport = created;
    }
    if (!transport) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
      );
      return;
    }
    if (req.method === 'DELETE') this.events.push('session deleted');
    await transport.handleRequest(req, res, body);
  }

  private mcpServer(): McpServer {
    const server = new McpServer({ name: 'http-fixture', version: '1.0.0' });
    server.registerTool(
      'echo',
      { description: 'Says the text back', inputSchema: { text: z.string() } },
      async ({ text }) => {
        this.events.push(`call echo ${text}`);
        return { content: [{ type: 'text', text: `echo: ${text}` }] };
      },
    );
    server.registerTool('hang', { description: 'Never answers until cancelled' }, async (extra) => {
      this.events.push('call hang');
      await new Promise((resolve) => extra.signal.addEventListener('abort', resolve, { once: true }));
      this.events.push('cancelled hang');
      return { content: [{ type: 'text', text: 'cancelled' }] };
    });
    server.registerTool(
      'big',
      { description: 'Returns a long text', inputSchema: { bytes: z.number().int() } },
      async ({ bytes }) => ({ content: [{ type: 'text', text: 'x'.repeat(bytes) }] }),
    );
    return server;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}
