import { readFileSync } from 'node:fs';
import type { ChatRoom } from '@chorus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { readmeRoom } from '../src/readme-room.js';
import { Recorder } from './helpers.js';

let room: ChatRoom | undefined;
afterEach(async () => {
  await room?.stop();
  room = undefined;
});

describe('the README example', () => {
  it('is the code of src/readme-room.ts, word for word', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('../src/readme-room.ts', import.meta.url), 'utf8');
    const code = source.slice(source.indexOf('import '));
    expect(readme).toContain(code.trim());
  });

  it('answers the addressed agent with its tool, and only that agent', async () => {
    room = readmeRoom(50);
    const recorder = new Recorder(room.events$);
    await room.start();
    room.handleInput({ type: 'client_text_append', text: 'Alice, what is the weather in Paris?' });
    await recorder.waitFor(
      (e) => e.type === 'agent_response_audio_transcript_done' && e.agent_name === 'Alice',
    );
    expect(recorder.of('agent_response_tool_result').map((e) => e.tool_result.output)).toEqual([
      'It is sunny in Paris.',
    ]);
    expect(recorder.lines()).toEqual(['Alice: It is sunny in Paris.']);
  });
});
