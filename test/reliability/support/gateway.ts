import { RealtimeAgent } from '@chorus/core';
import { ScriptedModel, type ScriptedModelOptions } from '@chorus/core/testing';
import { type ChorusServer, type ChorusServerOptions, createChorusServer } from '@chorus/server';
import { pino } from 'pino';

export const KEY = 'sk-reliability';

/** An agent on a scripted model that answers every turn with a short spoken reply. */
export function scriptedAgent(name = 'assistant', model: ScriptedModelOptions = {}): RealtimeAgent {
  return new RealtimeAgent({
    name,
    instructions: 'Be brief.',
    model: new ScriptedModel({
      chunkMs: 10,
      fallback: { text: 'Still here.' },
      recordAudio: false,
      ...model,
    }),
  });
}

/** A gateway on 127.0.0.1 port 0 with generous rate limits (floods are tested on their own). */
export async function startGateway(
  options: Partial<ChorusServerOptions> = {},
): Promise<{ server: ChorusServer; base: string; port: number }> {
  const server = createChorusServer({
    rooms: { assistant: () => scriptedAgent() },
    auth: { apiKeys: [KEY] },
    logger: pino({ level: 'silent' }),
    ...options,
    limits: {
      messagesPerSecond: 1_000_000,
      messageBurst: 1_000_000,
      bytesPerSecond: 1e12,
      byteBurst: 1e12,
      userBytesPerSecond: 1e12,
      userByteBurst: 1e12,
      ...options.limits,
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, base: `ws://127.0.0.1:${port}` };
}

/** Room and session gauges as the gateway's own `/healthz` reports them. */
export async function health(port: number): Promise<{ status: string; connections: number; rooms: number }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return (await response.json()) as { status: string; connections: number; rooms: number };
}

/** One sample of a Prometheus series from `/metrics` text, 0 when absent. */
export function metric(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}
