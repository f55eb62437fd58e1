import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestClock } from '@chorus/core/testing';
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { setUpTracing } from '../src/tracing/tracing-setup.js';
import { TestClient } from './client.fixture.js';
import { EchoAgent } from './echo-agent.fixture.js';
import { memoryTracing } from './span-tree.fixture.js';

// The standard OTEL_* variables point the gateway's exporter at a collector; without them (and with
// no provider given or registered) nothing is traced at all.

let gateway: ChorusServer | undefined;
let collector: Server | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await gateway?.close();
  gateway = undefined;
  await new Promise<void>((resolve) => (collector ? collector.close(() => resolve()) : resolve()));
  collector = undefined;
});

describe('exporting turn traces over OTLP', () => {
  it('sends a private session’s turn to the collector OTEL_EXPORTER_OTLP_ENDPOINT names, with OTEL_EXPORTER_OTLP_HEADERS', async () => {
    const received: { url: string | undefined; headers: IncomingHttpHeaders; body: string }[] = [];
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString() });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector?.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    // The OTLP exporter reads its settings from the process environment itself, as the spec has it.
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `http://127.0.0.1:${port}`);
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-team=voice');
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    gateway = createChorusServer({
      rooms: { echo: () => new EchoAgent('host') },
      auth: { insecureDev: true },
      logger: pino({ level: 'silent' }),
      env: process.env,
    });
    const { port: gatewayPort } = await gateway.listen(0, '127.0.0.1');
    const c = new TestClient(`ws://127.0.0.1:${gatewayPort}/ws/alice/s1`);
    await c.opened;
    c.send({ type: 'client_session_create', config: {} });
    await c.waitForType('server_session_created');
    c.send({ type: 'client_response_create' });
    await c.waitForType('agent_response_done');
    c.ws.terminate();
    // Closing flushes the batch.
    await gateway.close();
    gateway = undefined;
    const traces = received.filter((r) => r.url === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]?.headers['x-team']).toBe('voice');
    const body = traces.map((t) => t.body).join('\n');
    for (const name of ['chorus.gateway.receive', 'chorus.agent.response', 'chorus.model.request'])
      expect(body).toContain(name);
    expect(body).toContain('session:alice/s1');
  });

  it('traces nothing, and wraps nothing, with no endpoint, no provider and none registered', () => {
    const clock = new TestClock();
    expect(setUpTracing(undefined, {}, clock).tracer).toBeUndefined();
    expect(
      setUpTracing(
        undefined,
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' },
        clock,
      ).tracer,
    ).toBeUndefined();
    expect(setUpTracing(memoryTracing().provider, {}, clock).tracer).toBeDefined();
    // An application that registered its own SDK globally gets the turns in it.
    const registered = memoryTracing().provider;
    expect(trace.setGlobalTracerProvider(registered)).toBe(true);
    try {
      expect(setUpTracing(undefined, {}, clock).tracer).toBeDefined();
    } finally {
      trace.disable();
    }
  });
});
