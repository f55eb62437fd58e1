// Prints what an MCP tool call costs through @chorus/mcp: the time to start a stdio server and list
// its tools, and the round trip of a small call over stdio and over Streamable HTTP (loopback).
// Run: node --conditions=@chorus/source --import tsx packages/mcp/scripts/call-latency.ts
import { performance } from 'node:perf_hooks';
import { systemClock, type ToolSource } from '@chorus/core';
import { MCPServerStdio, MCPServerStreamableHttp } from '../src/index.js';
import { STDIO_FIXTURE } from '../test/harness.js';
import { HttpMcpFixture } from '../test/http-fixture.js';

const CALLS = 300;
const context = { clock: systemClock, report: () => undefined };

async function measure(label: string, source: ToolSource): Promise<void> {
  const started = performance.now();
  await source.start(context);
  const ready = performance.now() - started;
  const echo = source.tools.find((t) => t.name === 'echo');
  if (!echo) throw new Error(`${label}: no echo tool`);
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const signal = new AbortController().signal;
    const t0 = performance.now();
    await echo.invoke(
      { text: 'hi' },
      { signal, callId: `c${i}`, agent: undefined as never, progress: () => {} },
    );
    times.push(performance.now() - t0);
  }
  await source.close();
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(2);
  console.log(
    `${label}: ready in ${ready.toFixed(0)} ms; ${CALLS} calls, median ${at(0.5)} ms, p99 ${at(0.99)} ms`,
  );
}

await measure(
  'stdio',
  new MCPServerStdio({ command: process.execPath, args: [STDIO_FIXTURE], stderr: 'ignore' }),
);
const http = await HttpMcpFixture.start();
await measure('streamable http', new MCPServerStreamableHttp({ url: http.url }));
await http.stop();
