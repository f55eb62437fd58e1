import type { ConversationItem } from '@chorus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalModel, rulesBrain } from '../src/index.js';
import { EventLog, session } from './helpers.js';

const msg = (id: string, text: string, role: 'user' | 'assistant' = 'user'): ConversationItem => ({
  type: 'message',
  id,
  role,
  text,
});

/** Answers "what was item N" from the conversation it was given, as a model with a memory would. */
const brain = () =>
  rulesBrain({
    intents: [
      {
        match: /what was item (\d+)/i,
        reply: ({ history, match }) => {
          const wanted = `item ${match?.[1]}:`;
          const found = history.find((item) => item.type === 'message' && item.text.startsWith(wanted));
          return found?.type === 'message'
            ? `It was ${found.text.slice(wanted.length).trim()}`
            : 'I do not know.';
        },
      },
    ],
    fallback: 'Sorry.',
  });

const models: LocalModel[] = [];
afterEach(async () => {
  await Promise.all(models.splice(0).map((m) => m.close()));
});

function makeModel(): LocalModel {
  const model = new LocalModel({ brain: brain(), transcriber: null, vad: null, tts: null, speed: 50 });
  models.push(model);
  return model;
}

describe('LocalModel history and fixed lines', () => {
  it('answers from a seeded history and follows edits of it', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    const seed = [msg('i1', 'item 1: apples'), msg('i2', 'item 2: pears'), msg('i3', 'item 3: plums')];
    await model.connect(session({ modalities: ['text'] }), { resume: { history: seed, attempt: 0 } });
    model.send({ type: 'text', text: 'What was item 3?' });
    model.createResponse();
    await log.next('model_response_done');
    expect(log.of('model_response_text_done').at(-1)?.text).toBe('It was plums');

    model.updateHistory({
      history: [],
      removed: ['i3'],
      added: [{ item: msg('i3', 'item 3: cherries'), previousItemId: 'i2' }],
    });
    expect(model.history.slice(0, 3).map((item) => item.id)).toEqual(['i1', 'i2', 'i3']);
    model.send({ type: 'text', text: 'What was item 3?' });
    model.createResponse();
    await log.next('model_response_done');
    expect(log.of('model_response_text_done').at(-1)?.text).toBe('It was cherries');
  });

  it('speaks a fixed line exactly, without asking the brain, and keeps it in its history', async () => {
    const model = makeModel();
    const log = new EventLog(model);
    await model.connect(session({ modalities: ['text'] }));
    expect(model.capabilities.verbatimSpeech).toBe(true);
    model.createResponse({ say: 'This call is recorded.' });
    await log.next('model_response_done');
    expect(log.of('model_response_text_done').at(-1)?.text).toBe('This call is recorded.');
    expect(model.history.at(-1)).toMatchObject({ role: 'assistant', text: 'This call is recorded.' });
  });
});
