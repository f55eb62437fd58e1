import { parseGeminiServerMessage } from '@chorus/protocol/gemini';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGeminiServer } from './fake-gemini-server.js';
import { geminiRecordingsDirectory, readGeminiRecordings, recordedExchanges } from './recording.js';
import { openTestClient, type TestClient } from './test-client.js';

const directory = geminiRecordingsDirectory();
const recordings = directory ? readGeminiRecordings(directory) : [];

let fake: FakeGeminiServer | undefined;
let client: TestClient | undefined;

afterEach(async () => {
  client?.close();
  client = undefined;
  await fake?.close();
  fake = undefined;
});

describe.skipIf(!directory)(
  'FakeGeminiServer playback of the recorded sessions (Google JS SDK system tests)',
  () => {
    it('finds the 19 recordings', () => {
      expect(recordings).toHaveLength(19);
    });

    it.each(recordings.map((recording) => [recording.name, recording] as const))(
      'plays %s back frame for frame',
      async (_name, recording) => {
        fake = await FakeGeminiServer.start({
          playback: recordedExchanges(recording),
          frameEncoding: 'text',
        });
        const open = await openTestClient(`${fake.url}?key=${fake.apiKey}`);
        client = open;
        const expected = recording.frames
          .filter((frame) => frame.from === 'server')
          .map((frame) => frame.text);
        for (const frame of recording.frames) if (frame.from === 'client') open.sendRaw(frame.text);
        await open.waitFor(() => open.frames.length >= expected.length);
        expect(open.frames.map((frame) => frame.text)).toEqual(expected);
        for (const text of expected) expect(parseGeminiServerMessage(text).ok).toBe(true);
      },
    );
  },
);
