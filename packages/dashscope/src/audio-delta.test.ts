import { startFakeDashScopeRealtime } from '@chorus/fakes';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dashscopeDialect } from './dashscope-realtime-model.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('DashScope audio deltas read from the received frame', () => {
  it('give the ids and audio its own parse gives, for every audio frame of a response from the fake', async () => {
    const fake = await startFakeDashScopeRealtime();
    stops.push(() => fake.close());
    const ws = new WebSocket(`${fake.url}?model=qwen3-omni-flash-realtime`, {
      headers: { Authorization: 'Bearer test-key' },
    });
    stops.push(async () => ws.terminate());
    const frames: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        const type = (JSON.parse(data.toString()) as { type: string }).type;
        if (type === 'session.created') {
          ws.send(JSON.stringify({ type: 'input_text_buffer.append', text: 'go' }));
          ws.send(JSON.stringify({ type: 'response.create' }));
        }
        if (type === 'response.audio.delta') frames.push(data);
        if (type === 'response.done') resolve();
      });
    });
    expect(frames.length).toBeGreaterThan(1);
    const dialect = dashscopeDialect({ apiKey: 'test-key' });
    for (const frame of frames) {
      const fast = dialect.readAudioDelta?.(frame);
      const full = dialect.parseServer(frame);
      if (!fast || !full.ok || full.unknown || full.event.type !== 'response.output_audio.delta')
        throw new Error(`not read alike: ${frame.toString().slice(0, 120)}`);
      expect([fast.response_id, fast.item_id]).toEqual([full.event.response_id, full.event.item_id]);
      expect(Buffer.from(fast.audio).toString('base64')).toBe(full.event.delta);
    }
  });
});
