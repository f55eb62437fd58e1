import { basename } from 'node:path';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { MCPServer } from './mcp-server.js';
import type { MCPServerOptions } from './options.js';

export interface MCPServerStdioOptions extends MCPServerOptions {
  readonly command: string;
  readonly args?: readonly string[];
  /** Added to the SDK's safe default environment (PATH, HOME, ...), not to all of ours. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The server's stderr: ours (default) or nowhere. */
  readonly stderr?: 'inherit' | 'ignore';
}

/**
 * An MCP server run as a child process speaking over stdin/stdout. Restarted with backoff when it
 * exits or hangs (a hung process is killed with SIGKILL); stopped when its last agent stops.
 */
export class MCPServerStdio extends MCPServer {
  private process: StdioClientTransport | undefined;

  constructor(private readonly stdio: MCPServerStdioOptions) {
    super(stdio, basename(stdio.command), 'restarting');
  }

  /** The server process's id while one runs. */
  get pid(): number | undefined {
    return this.process?.pid ?? undefined;
  }

  protected createTransport(): Transport {
    const { command, args, env, cwd, stderr } = this.stdio;
    this.process = new StdioClientTransport({
      command,
      args: args ? [...args] : undefined,
      env: env ? { ...env } : undefined,
      cwd,
      stderr: stderr ?? 'inherit',
      maxBufferSize: this.limits.maxMessageBytes,
    });
    return this.process;
  }

  protected override async abandon(transport: Transport): Promise<void> {
    const pid = (transport as StdioClientTransport).pid;
    if (pid !== null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (this.process === transport) this.process = undefined;
    await transport.close();
  }
}
