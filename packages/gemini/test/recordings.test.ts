import { TestClock } from '@chorus/core/testing';
import {
  FakeGeminiServer,
  type GeminiRecording,
  geminiRecordingsDirectory,
  readGeminiRecordings,
  recordedExchanges,
} from '@chorus/fakes';
import { audioDeltaBytes, type ModelEvent } from '@chorus/protocol';
import {
  type GeminiServerMessage,
  parseGeminiClientMessage,
  parseGeminiServerMessage,
} from '@chorus/protocol/gemini';
import { afterEach, describe, expect, it } from 'vitest';
import { GeminiRealtimeModel } from '../src/gemini-realtime-model.js';
import { baseSession, io } from './harness.js';

// Real Gemini Live traffic recorded by Google's JS SDK system tests (see PROVENANCE.md beside them).
const directory = geminiRecordingsDirectory();
const recordings = directory ? readGeminiRecordings(directory) : [];
const cases = recordings.map((recording) => [recording.name, recording] as const);

function serverMessages(recording: GeminiRecording): GeminiServerMessage[] {
  return recording.frames
    .filter((frame) => frame.from === 'server')
    .flatMap((frame) => {
      const parsed = parseGeminiServerMessage(frame.text);
      return parsed.ok ? [parsed.message] : [];
    });
}

let fake: FakeGeminiServer | undefined;
let model: GeminiRealtimeModel | undefined;

afterEach(async () => {
  await model?.close();
  model = undefined;
  await fake?.close();
  fake = undefined;
});

describe.skipIf(!directory)('recorded Gemini Live sessions', () => {
  it('are all there (19 sessions)', () => {
    expect(recordings).toHaveLength(19);
  });

  it.each(cases)('%s: every frame both ways parses, as a known kind', (_name, recording) => {
    for (const frame of recording.frames) {
      const parsed =
        frame.from === 'client' ? parseGeminiClientMessage(frame.text) : parseGeminiServerMessage(frame.text);
      expect(parsed.ok ? parsed.kind : parsed.error.message).not.toBe('unknown');
      expect(parsed.ok).toBe(true);
    }
  });

  /**
   * Plays `recording` back to the adapter through the fake and returns every model event: each further
   * recorded client frame is answered by the recorded service, so one message is sent for each.
   */
  async function playBack(
    recording: GeminiRecording,
    modalities: ('audio' | 'text')[],
  ): Promise<ModelEvent[]> {
    fake = await FakeGeminiServer.start({ playback: recordedExchanges(recording), frameEncoding: 'binary' });
    const live = new GeminiRealtimeModel({ apiKey: fake.apiKey, url: fake.url, clock: new TestClock() });
    model = live;
    const events: ModelEvent[] = [];
    live.events$.subscribe((event) => events.push(event));
    const expectedFrames = recording.frames.filter((frame) => frame.from === 'server').length;
    await live.connect({ ...baseSession, modalities });
    const turns = recording.frames.filter((frame) => frame.from === 'client').length - 1;
    for (let turn = 0; turn < turns; turn += 1) {
      live.send({ type: 'text', text: `turn ${turn}` });
      live.createResponse();
    }
    const fakeServer = fake;
    while (fakeServer.sent.length < expectedFrames) await io(5);
    await io(30);
    return events;
  }

  it.each(cases)(
    '%s: played back to the adapter, maps to the recorded words, calls and session',
    async (_name, recording) => {
      const events = await playBack(recording, ['text']);
      const messages = serverMessages(recording);
      expect(events.filter((e) => e.type === 'model_error')).toEqual([]);
      const sessionId = messages.find((m) => m.setupComplete)?.setupComplete?.sessionId;
      const created = events.find((e) => e.type === 'model_session_created');
      if (sessionId) expect(created).toMatchObject({ session_id: sessionId });
      else expect(created).toMatchObject({ session_id: expect.stringMatching(/^gemini-/) });
      // The words: text parts and output transcriptions, in order, become the response text.
      const words = messages
        .flatMap((m) => [
          ...(m.serverContent?.modelTurn?.parts ?? []).flatMap((p) =>
            typeof p.text === 'string' && !p.thought ? [p.text] : [],
          ),
          ...(m.serverContent?.outputTranscription?.text ? [m.serverContent.outputTranscription.text] : []),
        ])
        .join('');
      const said = events.flatMap((e) => (e.type === 'model_response_text_delta' ? [e.delta] : [])).join('');
      expect(said).toBe(words);
      const calls = messages.flatMap((m) => m.toolCall?.functionCalls ?? []);
      const used = events.flatMap((e) => (e.type === 'model_response_tool_use_done' ? [e.tool_use] : []));
      expect(used.map((u) => [u.id, u.name, u.input])).toEqual(
        calls.map((c) => [c.id, c.name, c.args ?? {}]),
      );
      // Every turn the service completed after some output is a completed response, with its usage.
      const completed = events.filter((e) => e.type === 'model_response_done' && e.status === 'completed');
      const usage = messages.find((m) => m.usageMetadata && m.serverContent?.turnComplete)?.usageMetadata;
      if (words !== '' && usage && calls.length === 0)
        expect(completed.at(-1)).toMatchObject({ input_tokens: usage.promptTokenCount });
    },
  );

  const withAudio = cases.filter(([, recording]) =>
    serverMessages(recording).some((m) =>
      m.serverContent?.modelTurn?.parts?.some((p) => p.inlineData?.mimeType.startsWith('audio/')),
    ),
  );

  it('some recordings hold spoken answers (audio parts)', () => {
    expect(withAudio.length).toBeGreaterThan(0);
  });

  it.each(withAudio)(
    '%s: recorded audio is decoded once into bytes, the same audio byte for byte and the same base64',
    async (_name, recording) => {
      const events = await playBack(recording, ['audio']);
      const recorded = serverMessages(recording).flatMap((m) =>
        (m.serverContent?.modelTurn?.parts ?? []).flatMap((p) =>
          p.inlineData?.mimeType.startsWith('audio/') ? [p.inlineData.data] : [],
        ),
      );
      const deltas = events.flatMap((e) => (e.type === 'model_response_audio_delta' ? [e] : []));
      expect(deltas).toHaveLength(recorded.length);
      deltas.forEach((delta, i) => {
        const bytes = audioDeltaBytes(delta);
        expect(bytes).toBeDefined();
        expect(Buffer.from(bytes as Uint8Array).equals(Buffer.from(recorded[i] as string, 'base64'))).toBe(
          true,
        );
        expect(delta.delta).toBe(recorded[i]);
      });
    },
  );
});
