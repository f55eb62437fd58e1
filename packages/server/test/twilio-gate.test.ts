import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ChorusServer, createChorusServer } from '../src/server.js';
import { isValidTwilioSignature, twilioSignature } from '../src/twilio/twilio-signature.js';
import { EchoAgent } from './echo-agent.fixture.js';

const TOKEN = 'gate-token';
let server: ChorusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("Twilio's request signature", () => {
  // Twilio's documented example (its request validation docs and helper libraries' README):
  // auth token 12345, this URL and these POST fields sign to RSOYDt4T1cUTdK1PDd93/VVr8B8=.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params: [string, string][] = [
    ['CallSid', 'CA1234567890ABCDE'],
    ['Caller', '+14158675309'],
    ['Digits', '1234'],
    ['From', '+14158675309'],
    ['To', '+18005551212'],
  ];

  it("matches Twilio's documented test vector", () => {
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilioSignature('12345', url, [...params].reverse())).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(isValidTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(true);
  });

  it('refuses a wrong token, a changed field or URL, and a missing signature', () => {
    const good = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    expect(isValidTwilioSignature('54321', good, url, params)).toBe(false);
    expect(isValidTwilioSignature('12345', good, url, [...params.slice(1), ['CallSid', 'CA0']])).toBe(false);
    expect(isValidTwilioSignature('12345', good, `${url}&x=1`, params)).toBe(false);
    expect(isValidTwilioSignature('12345', undefined, url, params)).toBe(false);
  });
});

async function start(twilio: { authToken?: string }, insecureDev = false) {
  server = createChorusServer({
    rooms: { echo: () => new EchoAgent(), lobby: () => new EchoAgent() },
    auth: insecureDev ? { insecureDev: true } : { apiKeys: ['k'] },
    twilio,
    logger: pino({ level: 'silent' }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, base: `http://127.0.0.1:${port}` };
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const voiceFields = { CallSid: 'CA0123', From: '+15551230000', To: '+15559870000', AccountSid: 'AC0123' };

describe('POST /twilio/voice', () => {
  it('answers a signed webhook with TwiML connecting the call to the stream, room and caller as parameters', async () => {
    const { base, port } = await start({ authToken: TOKEN });
    const url = `${base}/twilio/voice?room=lobby`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(TOKEN, url, Object.entries(voiceFields)),
      },
      body: form(voiceFields),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await response.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect>' +
        `<Stream url="ws://127.0.0.1:${port}/twilio/media-stream">` +
        '<Parameter name="room" value="lobby"/><Parameter name="caller" value="+15551230000"/>' +
        '</Stream></Connect></Response>',
    );
  });

  it('refuses a wrong signature with 403, a missing one with 401, an unknown room with 404', async () => {
    const { base } = await start({ authToken: TOKEN });
    const url = `${base}/twilio/voice`;
    const post = (headers: Record<string, string>, target = url) =>
      fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: form(voiceFields),
      });
    const wrong = twilioSignature('another-token', url, Object.entries(voiceFields));
    expect((await post({ 'x-twilio-signature': wrong })).status).toBe(403);
    expect((await post({})).status).toBe(401);
    const unknown = `${url}?agent=nope`;
    const signed = twilioSignature(TOKEN, unknown, Object.entries(voiceFields));
    expect((await post({ 'x-twilio-signature': signed }, unknown)).status).toBe(404);
  });

  it('without a token, serves only in loopback dev mode; a gateway with keys and no token refuses to start', async () => {
    const { base } = await start({}, true);
    const response = await fetch(`${base}/twilio/voice`, { method: 'POST', body: form(voiceFields) });
    expect(response.status).toBe(200);
    await server?.close();
    server = undefined;
    expect(() =>
      createChorusServer({ rooms: { echo: () => new EchoAgent() }, auth: { apiKeys: ['k'] }, twilio: {} }),
    ).toThrow(/authToken/);
  });
});

describe('the Media Streams upgrade', () => {
  function upgrade(url: string, headers: Record<string, string>): Promise<number | 'open'> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => {
        ws.close();
        resolve('open');
      });
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.on('error', () => {});
    });
  }

  it('opens with a correct signature and is refused before the socket opens with a wrong one', async () => {
    const { port } = await start({ authToken: TOKEN });
    const url = `ws://127.0.0.1:${port}/twilio/media-stream`;
    expect(await upgrade(url, { 'X-Twilio-Signature': twilioSignature(TOKEN, url) })).toBe('open');
    expect(await upgrade(url, { 'X-Twilio-Signature': twilioSignature('wrong', url) })).toBe(403);
    expect(await upgrade(url, {})).toBe(401);
    // An API key is not a way in: only Twilio's signature is.
    expect(await upgrade(url, { Authorization: 'Bearer k' })).toBe(401);
  });

  it('accepts the signature over the https:// form of the stream URL too (unverified: which scheme Twilio signs)', async () => {
    const { port } = await start({ authToken: TOKEN });
    const url = `ws://127.0.0.1:${port}/twilio/media-stream`;
    const httpForm = `http://127.0.0.1:${port}/twilio/media-stream`;
    expect(await upgrade(url, { 'X-Twilio-Signature': twilioSignature(TOKEN, httpForm) })).toBe('open');
  });
});
