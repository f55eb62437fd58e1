import { type RunningServe, startServe } from '@chorus/cli';
import { twilioSignature } from '@chorus/server';
import { afterEach, describe, expect, it } from 'vitest';

let running: RunningServe | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const fields = { CallSid: 'CA0123', From: '+15551230000', To: '+15559870000' };

async function post(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('chorus serve --twilio-auth-token', () => {
  it('answers signed Twilio webhooks with TwiML into the demo room, and refuses unsigned ones', async () => {
    running = await startServe({
      port: 0,
      env: { CHORUS_API_KEYS: 'alice:sk-alice' },
      twilioAuthToken: 'tok',
      local: { speed: 20, transcriber: null },
    });
    const url = `${running.url}/twilio/voice?agent=assistant`;
    const signed = await post(url, {
      'x-twilio-signature': twilioSignature('tok', url, Object.entries(fields)),
    });
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain('<Parameter name="agent" value="assistant"/>');
    expect((await post(url)).status).toBe(401);
  });

  it('with keys and no token, serves no phone routes', async () => {
    running = await startServe({
      port: 0,
      env: { CHORUS_API_KEYS: 'alice:sk-alice' },
      local: { speed: 20, transcriber: null },
    });
    expect((await post(`${running.url}/twilio/voice`)).status).toBe(404);
  });

  it('without keys (loopback dev), serves phone calls to this machine without a token', async () => {
    running = await startServe({ port: 0, env: {}, local: { speed: 20, transcriber: null } });
    expect((await post(`${running.url}/twilio/voice`)).status).toBe(200);
  });
});
