import { TestClock } from '@chorus/core/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus, MemoryBusNetwork } from '../src/cluster/memory-bus.js';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { tracerProviderFrom } from '../src/tracing/tracer-provider.js';
import { TestClient } from './client.fixture.js';
import { EchoAgent } from './echo-agent.fixture.js';

const silent = pino({ level: 'silent' });
const servers: ChorusServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const s of servers.splice(0)) await s.close();
});

describe('turn traces across gateways', () => {
  it('traces a turn from the gateway that received it, over the bus, to the owner’s agent and first audio', async () => {
    const clock = new TestClock();
    const network = new MemoryBusNetwork(clock);
    // Each gateway has its own provider, as separate processes would: only the bus links them.
    const exporters = { A: new InMemorySpanExporter(), B: new InMemorySpanExporter() };
    async function gateway(id: 'A' | 'B') {
      const server = createChorusServer({
        rooms: { lobby: () => new EchoAgent('host') },
        auth: { insecureDev: true },
        logger: silent,
        clock,
        cluster: { bus: new MemoryBus(network, id) },
        tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporters[id])] }),
        env: {},
      });
      servers.push(server);
      const { port } = await server.listen(0, '127.0.0.1');
      return `ws://127.0.0.1:${port}`;
    }
    const [a, b] = [await gateway('A'), await gateway('B')];
    const join = async (base: string, user: string) => {
      const c = new TestClient(`${base}/ws/${user}/s1`);
      clients.push(c);
      await c.opened;
      c.send({ type: 'client_session_create', config: { room: 'lobby' } });
      await c.waitForType('server_session_created');
      return c;
    };
    const alice = await join(a, 'alice'); // A owns the room
    const bob = await join(b, 'bob');
    bob.send({ type: 'client_text_append', text: 'hi' });
    bob.send({ type: 'client_response_create' });
    // A traces each room event in the same dispatch that sends it to its own user: once alice on A
    // and bob on B both have the reply's end, every span of the turn has ended on both gateways.
    await Promise.all([alice.waitForType('agent_response_done'), bob.waitForType('agent_response_done')]);
    const onB = exporters.B.getFinishedSpans();
    const onA = exporters.A.getFinishedSpans();
    const receive = onB.find(
      (s) => s.name === 'chorus.gateway.receive' && s.attributes['chorus.event'] === 'client_response_create',
    );
    expect(receive).toBeDefined();
    const traceId = receive?.spanContext().traceId;
    const inTrace = onA.filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
    expect(inTrace).toEqual(
      expect.arrayContaining([
        'chorus.bus.hop',
        'chorus.room.input',
        'chorus.model.request',
        'chorus.agent.response',
        'chorus.audio.first_out',
      ]),
    );
    const hop = onA.find((s) => s.name === 'chorus.bus.hop' && s.spanContext().traceId === traceId);
    expect(hop?.parentSpanContext?.spanId).toBe(receive?.spanContext().spanId);
    // Each gateway's metrics carry its bus's figures.
    const metricsB = await (servers[1] as ChorusServer).metrics.registry.metrics();
    expect(metricsB).toMatch(/^chorus_bus_up 1$/m);
    expect(Number(/^chorus_bus_published_messages (\d+)$/m.exec(metricsB)?.[1])).toBeGreaterThan(2);
    expect(Number(/^chorus_bus_received_messages (\d+)$/m.exec(metricsB)?.[1])).toBeGreaterThan(5);
  });

  it('traces a shared room’s turn in one process the same way, without the hop', async () => {
    const exporter = new InMemorySpanExporter();
    const server = createChorusServer({
      rooms: { lobby: () => new EchoAgent('host') },
      auth: { insecureDev: true },
      logger: silent,
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
      env: {},
    });
    servers.push(server);
    const { port } = await server.listen(0, '127.0.0.1');
    const join = async (user: string) => {
      const c = new TestClient(`ws://127.0.0.1:${port}/ws/${user}/s1`);
      clients.push(c);
      await c.opened;
      c.send({ type: 'client_session_create', config: { room: 'lobby' } });
      await c.waitForType('server_session_created');
      return c;
    };
    const alice = await join('alice');
    await join('bob');
    alice.send({ type: 'client_response_create' });
    await alice.waitForType('agent_response_done');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const spans = exporter.getFinishedSpans();
    const receive = spans.find((s) => s.name === 'chorus.gateway.receive');
    expect(receive?.attributes).toMatchObject({ 'chorus.room': 'lobby', 'chorus.user': 'alice' });
    const inTrace = spans.filter((s) => s.spanContext().traceId === receive?.spanContext().traceId);
    const byName = (name: string) => inTrace.filter((s) => s.name === name);
    expect(byName('chorus.bus.hop')).toEqual([]);
    const [input] = byName('chorus.room.input');
    expect(input?.parentSpanContext?.spanId).toBe(receive?.spanContext().spanId);
    // Two users in the room, one reply: traced once, not once per listener.
    const responses = byName('chorus.agent.response');
    expect(responses).toHaveLength(1);
    expect(responses[0]?.parentSpanContext?.spanId).toBe(input?.spanContext().spanId);
    expect(byName('chorus.model.request')).toHaveLength(1);
    expect(byName('chorus.audio.first_out')).toHaveLength(1);
  });

  it('exports over OTLP only when the OTEL_* variables name an endpoint', async () => {
    const none = tracerProviderFrom(undefined, {});
    expect(none.shutdown).toBeUndefined();
    expect(none.provider).not.toBeInstanceOf(BasicTracerProvider);
    const disabled = tracerProviderFrom(undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SDK_DISABLED: 'true',
    });
    expect(disabled.shutdown).toBeUndefined();
    const otlp = tracerProviderFrom(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(otlp.provider).toBeInstanceOf(BasicTracerProvider);
    // Nothing was traced, so shutting down sends nothing.
    await otlp.shutdown?.();
  });
});
