import { base64FromBytes, bytesFromPcm16, generateSilence, generateTone } from '@chorus/audio';
import type { ClientEvent, ServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { ChatRoom } from './chat-room.js';
import { FakeMember, transcriptLines } from './fake-member.fixture.js';

// Each user's audio has its own path: frames of two people speaking at once never interleave into
// one agent's stream. Audio here is a tone (speech) or silence, 20 ms per frame at 16 kHz; each
// frame's first sample carries a marker, so the test can tell whose frame an agent received.

const RATE = 16000;
const FORMAT = { type: 'audio/pcm', rate: RATE } as const;

function frame(kind: 'voice' | 'quiet', marker: number): ClientEvent {
  const samples = kind === 'voice' ? generateTone(220, 20, RATE, 0.3) : generateSilence(20, RATE);
  samples[0] = marker;
  return { type: 'client_audio_append', audio: base64FromBytes(bytesFromPcm16(samples)), format: FORMAT };
}

/** The marker of each audio frame an agent received, and its other inputs as their types. */
function heardBy(member: FakeMember): (number | string)[] {
  return member.inputs.map((event) => {
    if (event.type !== 'client_audio_append')
      return event.type === 'client_text_append' ? event.text : event.type;
    return Buffer.from(event.audio, 'base64').readInt16LE(0);
  });
}

const ANN = 1000;
const BOB = 2000;
const agentOf = (member: FakeMember) => ({ agent_id: member.id, agent_name: member.name });

async function room(options: { maxQueuedMs?: number } = {}) {
  const agent = new FakeMember('a1', 'Agent');
  const chat = new ChatRoom({ agents: [agent], speech: options });
  const seen: ServerEvent[] = [];
  await chat.start({ next: (event) => seen.push(event) });
  const ann = chat.join({ id: 'ann', name: 'Ann' });
  const bob = chat.join({ id: 'bob', name: 'Bob' });
  const annSees: ServerEvent[] = [];
  const bobSees: ServerEvent[] = [];
  ann.events$.subscribe((e) => annSees.push(e));
  bob.events$.subscribe((e) => bobSees.push(e));
  return { chat, agent, ann, bob, seen, annSees, bobSees };
}

describe('ChatRoom: each user speaks on a path of their own', () => {
  it('two users talking at once reach the agent one turn after the other, never interleaved', async () => {
    const { chat, agent, ann, bob, seen } = await room();
    // 200 ms of both speaking at once, frame by frame, then 600 ms of both quiet.
    for (let i = 0; i < 10; i++) {
      ann.handleInput(frame('voice', ANN + i));
      bob.handleInput(frame('voice', BOB + i));
    }
    for (let i = 10; i < 40; i++) {
      ann.handleInput(frame('quiet', ANN + i));
      bob.handleInput(frame('quiet', BOB + i));
    }
    // Ann spoke first: the agent's stream is hers, start to end, and nothing of Bob's yet.
    expect(heardBy(agent)).toEqual(Array.from({ length: 40 }, (_, i) => ANN + i));
    // The agent's model heard her turn, ended it and answered it.
    const who = agentOf(agent);
    agent.emit({ type: 'agent_input_started', ...who, item_id: 'in_1', audio_start_ms: 0 });
    agent.emit({ type: 'agent_input_done', ...who, item_id: 'in_1', audio_end_ms: 700 });
    agent.emit({ type: 'agent_response_created', ...who, response_id: 'r1' });
    agent.emit({ type: 'agent_state_changed', ...who, state: 'responding' });
    expect(heardBy(agent)).toHaveLength(40);
    agent.emit({ type: 'agent_state_changed', ...who, state: 'listening' });
    // Now Bob's turn, as he said it (with the frames before his speech started and 1 s of quiet
    // after it at most), after a note of who speaks.
    const after = heardBy(agent).slice(40);
    expect(after[0]).toBe('Bob speaks next.');
    const bobs = after.slice(1) as number[];
    expect(bobs[0]).toBe(BOB);
    expect(bobs).toEqual(Array.from({ length: bobs.length }, (_, i) => BOB + i));
    expect(bobs.length).toBeGreaterThanOrEqual(10);
    // Bob's later frames follow live.
    bob.handleInput(frame('quiet', BOB + 99));
    expect(heardBy(agent).at(-1)).toBe(BOB + 99);
    agent.emit({ type: 'agent_input_started', ...who, item_id: 'in_2', audio_start_ms: 700 });
    agent.emit({ type: 'agent_input_transcription_done', ...who, item_id: 'in_1', transcript: 'hello' });
    await chat.settled();
    // Input events name the user whose speech they are about, even after the lane moved on.
    const inputs = seen.filter((e) => e.type.startsWith('agent_input'));
    expect(inputs.map((e) => [e.type, 'user_name' in e ? e.user_name : undefined])).toEqual([
      ['agent_input_started', 'Ann'],
      ['agent_input_done', 'Ann'],
      ['agent_input_started', 'Bob'],
      ['agent_input_transcription_done', 'Ann'],
    ]);
    expect(inputs.every((e) => 'user_id' in e && (e.user_id === 'ann' || e.user_id === 'bob'))).toBe(true);
    await chat.stop();
  });

  it('a lone user reaches the agent exactly as sent, silence included', async () => {
    const { chat, agent, ann } = await room();
    const kinds = ['quiet', 'quiet', 'voice', 'voice', 'voice', 'voice', 'quiet', 'quiet'] as const;
    for (const [i, kind] of kinds.entries()) ann.handleInput(frame(kind, ANN + i));
    expect(heardBy(agent)).toEqual(kinds.map((_, i) => ANN + i));
    await chat.stop();
  });

  it('someone who speaks while the agent answers another user barges in at once', async () => {
    const { chat, agent, ann, bob } = await room();
    const who = agentOf(agent);
    for (let i = 0; i < 5; i++) ann.handleInput(frame('voice', ANN + i));
    agent.emit({ type: 'agent_input_started', ...who, item_id: 'in_1', audio_start_ms: 0 });
    agent.emit({ type: 'agent_input_done', ...who, item_id: 'in_1', audio_end_ms: 100 });
    agent.emit({ type: 'agent_response_created', ...who, response_id: 'r1' });
    const before = heardBy(agent).length;
    for (let i = 0; i < 5; i++) bob.handleInput(frame('voice', BOB + i));
    const after = heardBy(agent).slice(before);
    expect(after[0]).toBe('Bob speaks next.');
    // His whole onset: the frames before the detector was sure, then the rest live.
    expect(after.slice(1)).toEqual([BOB, BOB + 1, BOB + 2, BOB + 3, BOB + 4]);
    await chat.stop();
  });

  it('bounds what a waiting user queues and tells that user alone what was dropped', async () => {
    const { chat, agent, ann, bob, annSees, bobSees } = await room({ maxQueuedMs: 100 });
    for (let i = 0; i < 20; i++) {
      ann.handleInput(frame('voice', ANN + i));
      bob.handleInput(frame('voice', BOB + i));
    }
    await chat.settled();
    expect(bobSees.filter((e) => e.type === 'server_error')).toMatchObject([{ code: 'input_audio_dropped' }]);
    expect(annSees.filter((e) => e.type === 'server_error')).toEqual([]);
    // The holder leaves: what Bob queued (100 ms, 5 frames) is heard at once.
    const before = heardBy(agent).length;
    chat.leave('ann');
    expect(heardBy(agent).slice(before)).toEqual([
      'Bob speaks next.',
      BOB,
      BOB + 1,
      BOB + 2,
      BOB + 3,
      BOB + 4,
    ]);
    await chat.stop();
  });

  it('a turn the model never heard gives the lane up after 5 s of the holder’s audio', async () => {
    const { chat, agent, ann, bob } = await room();
    for (let i = 0; i < 5; i++) {
      ann.handleInput(frame('voice', ANN + i));
      bob.handleInput(frame('voice', BOB + i));
    }
    // Ann falls quiet; the model never reports her input (a sound its VAD did not take for speech).
    for (let i = 5; i < 5 + 25 + 250; i++) ann.handleInput(frame('quiet', ANN + i));
    expect(heardBy(agent)).toContain('Bob speaks next.');
    await chat.stop();
  });
});

describe('floor, loop guard and views with simultaneous speakers', () => {
  it('mention floor: the spoken turns go to the agent placed for them, the other hears each attributed', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('a2', 'Agent2');
    const chat = new ChatRoom({ agents: [a, b], floor: 'mention' });
    await chat.start();
    const ann = chat.join({ id: 'ann', name: 'Ann' });
    const bob = chat.join({ id: 'bob', name: 'Bob' });
    for (let i = 0; i < 10; i++) {
      ann.handleInput(frame('voice', ANN + i));
      bob.handleInput(frame('voice', BOB + i));
    }
    // Nobody named, nobody holds the floor: the first agent takes spoken turns; Agent2 gets no audio.
    expect(heardBy(b)).toEqual([]);
    expect(heardBy(a)).toEqual(Array.from({ length: 10 }, (_, i) => ANN + i));
    const who = agentOf(a);
    a.emit({ type: 'agent_input_started', ...who, item_id: 'in_1', audio_start_ms: 0 });
    a.emit({ type: 'agent_input_done', ...who, item_id: 'in_1', audio_end_ms: 300 });
    a.emit({ type: 'agent_response_created', ...who, response_id: 'r1' });
    a.emit({ type: 'agent_state_changed', ...who, state: 'responding' });
    a.emit({
      type: 'agent_input_transcription_done',
      ...who,
      item_id: 'in_1',
      transcript: 'Agent2 is quiet',
    });
    a.emit({ type: 'agent_state_changed', ...who, state: 'listening' });
    a.emit({ type: 'agent_input_started', ...who, item_id: 'in_2', audio_start_ms: 300 });
    a.emit({ type: 'agent_input_transcription_done', ...who, item_id: 'in_2', transcript: 'so am I' });
    await chat.settled();
    // Agent2 hears both, each under its speaker's name, as context (the speech was not addressed to it).
    expect(b.heard).toEqual([
      { speaker: 'Ann', text: 'Agent2 is quiet', respond: false },
      { speaker: 'Bob', text: 'so am I', respond: false },
    ]);
    await chat.stop();
  });

  it('loop guard: two users typing at once still get a capped agent chain', async () => {
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'What do you think, Agent2?' });
    const b = new FakeMember('a2', 'Agent2', { reply: () => 'No idea, Agent1, you?' });
    const chat = new ChatRoom({ agents: [a, b], floor: 'mention', maxAgentTurns: 3 });
    const seen: ServerEvent[] = [];
    await chat.start({ next: (event) => seen.push(event) });
    const ann = chat.join({ id: 'ann', name: 'Ann' });
    const bob = chat.join({ id: 'bob', name: 'Bob' });
    ann.handleInput({ type: 'client_text_append', text: 'Agent1, start a debate' });
    bob.handleInput({ type: 'client_text_append', text: 'Agent2, you too' });
    await chat.settled();
    expect(chat.agentTurns).toBe(3);
    expect(seen.filter((e) => e.type === 'room_floor_changed').at(-1)).toMatchObject({
      agent_id: null,
      reason: 'loop_guard',
    });
    // Each user's request is answered once; then the agents' chain runs 3 turns and is stopped.
    expect(transcriptLines(seen)).toEqual([
      'Ann: Agent1, start a debate',
      'Bob: Agent2, you too',
      '[floor a1 (mention)]',
      'Agent1: What do you think, Agent2?',
      '[floor a2 (mention)]',
      'Agent2: No idea, Agent1, you?',
      '[floor a1 (mention)]',
      'Agent1: What do you think, Agent2?',
      '[floor a2 (mention)]',
      'Agent2: No idea, Agent1, you?',
      '[floor a1 (mention)]',
      'Agent1: What do you think, Agent2?',
      '[floor nobody (loop_guard)]',
    ]);
    await chat.stop();
  });

  it("each user's view holds the other's words and the named input events, never their own words", async () => {
    const { chat, agent, ann, bob, annSees, bobSees } = await room();
    ann.handleInput({ type: 'client_text_append', text: 'from Ann' });
    bob.handleInput({ type: 'client_text_append', text: 'from Bob' });
    for (let i = 0; i < 5; i++) {
      ann.handleInput(frame('voice', ANN + i));
      bob.handleInput(frame('voice', BOB + i));
    }
    agent.emit({ type: 'agent_input_started', ...agentOf(agent), item_id: 'in_1', audio_start_ms: 0 });
    await chat.settled();
    const messages = (view: ServerEvent[]) =>
      view.flatMap((e) => (e.type === 'room_user_message' ? [e.text] : []));
    expect(messages(annSees)).toEqual(['from Bob']);
    expect(messages(bobSees)).toEqual(['from Ann']);
    for (const view of [annSees, bobSees]) {
      expect(view.filter((e) => e.type === 'agent_input_started')).toMatchObject([
        { user_id: 'ann', user_name: 'Ann' },
      ]);
    }
    await chat.stop();
  });
});
