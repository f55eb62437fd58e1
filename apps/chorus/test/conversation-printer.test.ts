import type { ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { ConversationPrinter, createStyle, Screen } from '../src/index.js';
import { FakeStream } from './fake-stream.js';

const who = (name: string) => ({ agent_id: name, agent_name: name });
const delta = (name: string, item: string, text: string): ServerEvent => ({
  type: 'agent_response_audio_transcript_delta',
  ...who(name),
  response_id: `r-${item}`,
  item_id: item,
  delta: text,
});
const done = (name: string, item: string, transcript: string): ServerEvent => ({
  type: 'agent_response_audio_transcript_done',
  ...who(name),
  response_id: `r-${item}`,
  item_id: item,
  transcript,
});

function printer(tty = false) {
  const out = new FakeStream(tty);
  let now = 0;
  const print = new ConversationPrinter(new Screen(out, false), createStyle(out, {}), () => now);
  return { out, print, advance: (ms: number) => (now += ms) };
}

describe('ConversationPrinter', () => {
  it('streams one speaker live and holds back another speaking at the same time', () => {
    const { out, print } = printer();
    print.user('Hello everyone!');
    for (const event of [
      delta('Ava', 'a1', 'Hello! '),
      delta('Max', 'm1', 'Hi, '),
      delta('Ava', 'a1', "I'm Ava."),
      delta('Max', 'm1', "I'm Max."),
      done('Max', 'm1', "Hi, I'm Max."),
    ]) {
      print.handle(event);
    }
    expect(out.text).toBe("you › Hello everyone!\nAva › Hello! I'm Ava.");
    print.handle(done('Ava', 'a1', "Hello! I'm Ava."));
    expect(out.text).toBe("you › Hello everyone!\nAva › Hello! I'm Ava.\nMax › Hi, I'm Max.\n");
  });

  it('keeps the handing agent its own name when a room passes the floor to a peer', () => {
    const { out, print } = printer();
    print.handle({ type: 'agent_handoff', ...who('Ava'), from: 'Ava', to: 'Max' });
    print.handle({ type: 'room_floor_changed', agent_id: 'Max', reason: 'handoff' });
    print.handle(done('Max', 'm1', 'A joke.'));
    print.handle(done('Ava', 'a2', "Hello! I'm Ava."));
    print.close();
    expect(out.text).toBe("  ⇢ handoff: Ava → Max\nMax › A joke.\nAva › Hello! I'm Ava.\n");
  });

  it('shows tool calls with their results and durations, handoffs under the new name, and errors', () => {
    const { out, print, advance } = printer();
    print.handle({
      type: 'agent_response_tool_use_done',
      ...who('assistant'),
      response_id: 'r1',
      item_id: 'i1',
      tool_use: {
        type: 'tool_use',
        id: 'c1',
        name: 'get_weather',
        input: { city: 'Paris' },
        raw_input: '{"city":"Paris"}',
      },
    });
    advance(1234);
    print.handle({
      type: 'agent_response_tool_result',
      ...who('assistant'),
      tool_result: { type: 'tool_result', id: 'c1', name: 'get_weather', output: 'sunny' },
    });
    print.handle({ type: 'agent_handoff', ...who('assistant'), from: 'assistant', to: 'billing' });
    print.handle(delta('assistant', 'i2', 'Billing here.'));
    print.handle({
      type: 'agent_error',
      ...who('assistant'),
      error_type: 'server_error',
      code: 'internal_error',
      message: 'it broke',
      fatal: false,
    });
    print.close();
    expect(out.text).toBe(
      [
        '  ⚙ assistant calls get_weather({"city":"Paris"})',
        '  ✓ get_weather → sunny (1.2 s)',
        '  ⇢ handoff: assistant → billing',
        'billing › Billing here.',
        '  ! billing: it broke',
        '',
      ].join('\n'),
    );
  });

  it('a line printed in the middle of a streamed one ends it, and the stream resumes with its name', () => {
    const { out, print } = printer();
    print.handle(delta('Ava', 'a1', 'Looking '));
    print.handle({
      type: 'agent_response_tool_use_done',
      ...who('Ava'),
      response_id: 'r',
      item_id: 'x',
      tool_use: { type: 'tool_use', id: 'c', name: 'lookup', input: {}, raw_input: '{}' },
    });
    print.handle(delta('Ava', 'a1', 'it up.'));
    print.handle(done('Ava', 'a1', 'Looking it up.'));
    expect(out.text).toBe('Ava › Looking \n  ⚙ Ava calls lookup({})\nAva › it up.\n');
  });
});
