import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServe, startServe } from '@chorus/cli';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChorusTestClient } from './ws-client.js';

// The acceptance test of the main job: what `npm start` serves, driven by the seed 001 frontend's flow.

let pagesDir: string;
let running: RunningServe | undefined;
const clients: ChorusTestClient[] = [];

beforeAll(() => {
  pagesDir = mkdtempSync(join(tmpdir(), 'chorus-pages-'));
  mkdirSync(join(pagesDir, 'playground', 'dist', 'assets'), { recursive: true });
  writeFileSync(
    join(pagesDir, 'playground', 'dist', 'index.html'),
    '<!doctype html><title>playground</title>',
  );
  writeFileSync(join(pagesDir, 'playground', 'dist', 'assets', 'app.js'), 'console.log("hi");');
});

afterAll(() => rmSync(pagesDir, { recursive: true, force: true }));

afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await running?.close();
  running = undefined;
});

async function serve(): Promise<RunningServe> {
  running = await startServe({
    port: 0,
    host: '127.0.0.1',
    pagesDir,
    local: { speed: 20, transcriber: null },
    env: {},
  });
  return running;
}

function connect(url: string): ChorusTestClient {
  const client = new ChorusTestClient(url);
  clients.push(client);
  return client;
}

describe('chorus serve (in process)', () => {
  it('answers the seed 001 flow on /ws/user1/session1 with get_weather, its result, audio and Paris', async () => {
    const { wsUrl, model, rooms } = await serve();
    expect(model).toBe('local');
    expect(rooms).toEqual(['assistant', 'two-agents', 'streaming-chat']);
    const client = connect(`${wsUrl}/user1/session1`);
    await client.opened;
    client.send({
      type: 'client_session_create',
      config: { instructions: 'You are a helpful assistant.', user_name: 'User1' },
    });
    await client.waitForType('server_session_created');
    client.send({ type: 'client_text_append', session_id: 'session1', text: "What's the weather in Paris?" });
    client.send({ type: 'client_response_create', session_id: 'session1' });

    const call = await client.waitFor(
      (m) =>
        m.type === 'agent_response_tool_use_done' && (m.tool_use as { name: string }).name === 'get_weather',
    );
    expect(call).toMatchObject({
      agent_name: 'assistant',
      tool_use: { name: 'get_weather', input: { city: 'Paris' } },
    });
    const result = await client.waitForType('agent_response_tool_result');
    expect(result).toMatchObject({
      tool_result: { name: 'get_weather', output: '{"city":"Paris","forecast":"sunny","temperature_c":22}' },
    });
    const transcript = await client.waitFor(
      (m) => m.type === 'agent_response_audio_transcript_done' && String(m.transcript).includes('Paris'),
    );
    expect(transcript.transcript).toBe('It is sunny and 22 degrees in Paris.');
    const audio = client.of('agent_response_audio_delta');
    expect(audio.length).toBeGreaterThan(10);
    expect(audio[0]).toMatchObject({ agent_name: 'assistant', format: { type: 'audio/pcm', rate: 24000 } });
    expect(client.of('server_error')).toEqual([]);
  });

  it('serves the built pages, a home page and health, and 404s the rest', async () => {
    const { url, pages } = await serve();
    expect(pages).toEqual({ playground: `${url}/playground/` });
    const page = await fetch(`${url}/playground/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<!doctype html><title>playground</title>');
    const asset = await fetch(`${url}/playground/assets/app.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text()).toBe('console.log("hi");');
    // Client-side routes get the page; paths never leave its directory.
    expect(await (await fetch(`${url}/playground/some/route`)).text()).toContain('playground');
    expect((await fetch(`${url}/playground/..%2f..%2fpackage.json`)).status).toBe(403);
    const redirect = await fetch(`${url}/playground`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/playground/']);
    expect((await fetch(`${url}/inspector/`)).status).toBe(404);
    expect(await (await fetch(`${url}/`)).text()).toContain('/ws/&lt;user&gt;/&lt;session&gt;');
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
  });

  it('close() ends every session with server_session_ended{reason:"shutdown"}', async () => {
    const { wsUrl } = await serve();
    const client = connect(`${wsUrl}/user1/session2`);
    await client.opened;
    client.send({ type: 'client_session_create', config: {} });
    await client.waitForType('server_session_created');
    const started = Date.now();
    await running?.close(2000);
    running = undefined;
    expect(await client.waitForType('server_session_ended')).toMatchObject({ reason: 'shutdown' });
    expect((await client.closed).code).toBe(1001);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('refuses a public address without API keys, and an invalid port', async () => {
    await expect(startServe({ port: 0, host: '0.0.0.0', env: {} })).rejects.toThrow(/CHORUS_API_KEYS/);
    await expect(startServe({ port: 70000, env: {} })).rejects.toThrow(
      /port must be an integer from 0 to 65535/,
    );
  });
});
