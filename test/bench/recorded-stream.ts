/**
 * A recorded OpenAI Realtime response, replayed as fast as a client can read it. The OpenAI fake
 * answers one `response.create` once; its frames from `response.created` to `response.done` are
 * kept and pre-encoded as WebSocket frames. Clients then connect through a proxy in front of the
 * fake: the handshake and conversation events go to the fake and back, and each `response.create`
 * is answered by writing the whole recording to the socket in one go. The producer's cost is then
 * a single write, so a benchmark reading the stream measures the reader.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type FakeResponseScript, startFakeOpenAIRealtime } from '@chorus/fakes';
import WebSocket, { WebSocketServer } from 'ws';

export interface RecordedStream {
  /** The proxy's `ws://` URL (append `?model=...` as for the real service). */
  readonly url: string;
  /** Frames the recording holds (one response). */
  readonly frames: number;
  /** Frames sent to clients so far, forwarded and replayed. */
  sentCount(): number;
  close(): Promise<void>;
}

/** An unmasked server-to-client text frame (RFC 6455 section 5.2), as a server writes it. */
function textFrame(payload: Buffer): Buffer {
  const length = payload.byteLength;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x81; // FIN + text
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

async function record(fakeUrl: string, apiKey: string): Promise<string[]> {
  const ws = new WebSocket(`${fakeUrl}?model=gpt-realtime`, {
    headers: { Authorization: `Bearer ${apiKey}` },
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const frames: string[] = [];
  const done = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const raw = data.toString();
      const type = (JSON.parse(raw) as { type: string }).type;
      if (type === 'response.created' || frames.length > 0) frames.push(raw);
      if (type === 'response.done') resolve();
    });
  });
  ws.send(
    JSON.stringify({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
    }),
  );
  ws.send(JSON.stringify({ type: 'response.create' }));
  await done;
  ws.close();
  return frames;
}

/** Records `script` from a fresh OpenAI fake and serves it through a replaying proxy on loopback. */
export async function startRecordedOpenAIStream(script: FakeResponseScript): Promise<RecordedStream> {
  const apiKey = 'test-key';
  const fake = await startFakeOpenAIRealtime({ apiKey, responder: () => script });
  const recording = await record(fake.url, apiKey);
  const burst = Buffer.concat(recording.map((raw) => textFrame(Buffer.from(raw))));
  let sent = 0;

  const http = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    wss.handleUpgrade(request, socket, head, (client) => {
      const upstream = new WebSocket(`${fake.url}${request.url?.replace(/^[^?]*/, '') ?? ''}`, {
        headers: { Authorization: request.headers.authorization ?? `Bearer ${apiKey}` },
        perMessageDeflate: false,
      });
      const early: string[] = [];
      upstream.on('open', () => {
        for (const raw of early.splice(0)) upstream.send(raw);
      });
      upstream.on('message', (data) => {
        sent++;
        client.send(data.toString());
      });
      upstream.on('close', () => client.close());
      upstream.on('error', () => client.terminate());
      client.on('close', () => upstream.close());
      client.on('message', (data) => {
        const raw = data.toString();
        if ((JSON.parse(raw) as { type?: string }).type === 'response.create') {
          // The recording instead of a live response: one write of pre-encoded frames.
          sent += recording.length;
          socket.write(burst);
          return;
        }
        if (upstream.readyState === WebSocket.OPEN) upstream.send(raw);
        else early.push(raw);
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('the replay proxy has no port');
  return {
    url: `ws://127.0.0.1:${address.port}/v1/realtime`,
    frames: recording.length,
    sentCount: () => sent,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await fake.close();
    },
  };
}
