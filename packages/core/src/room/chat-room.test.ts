import { base64FromBytes } from '@chorus/audio';
import {
  agentAudioDeltaOf,
  clientAudioBytes,
  modelAudioDeltaFromBytes,
  type ServerEvent,
} from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { TestClock } from '../testing/test-clock.js';
import { ChatRoom } from './chat-room.js';
import { FakeMember, heardLines, transcriptLines } from './fake-member.fixture.js';

function greeter(name: string) {
  return (heard: { speaker: string }) => `Hi ${heard.speaker}, ${name} here.`;
}

async function started(room: ChatRoom): Promise<ServerEvent[]> {
  const seen: ServerEvent[] = [];
  await room.start({ next: (e) => seen.push(e) });
  await room.settled();
  return seen;
}

/** Lets every queued microtask run (the real setImmediate comes after all of them). */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function expectNothingLeft(room: ChatRoom, members: readonly FakeMember[]) {
  expect(room.resources()).toEqual({
    state: 'stopped',
    actorStatus: 'done',
    children: 0,
    busSubscribers: 0,
    memberSubscriptions: 0,
    pendingEvents: 0,
    pendingDecisions: 0,
    users: 0,
  });
  for (const member of members) {
    expect(member.observed).toBe(false);
    expect(member.actorRef?.getSnapshot().status).toBe('stopped');
  }
}

describe('ChatRoom lifecycle', () => {
  it('goes idle -> starting -> running -> stopping -> stopped with members as child actors', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('a2', 'Agent2');
    const room = new ChatRoom({ id: 'r1', agents: [a, b] });
    const states: string[] = [];
    room.actor.subscribe((s) => {
      if (states.at(-1) !== s.value) states.push(String(s.value));
    });
    expect(room.state).toBe('idle');
    let completed = false;
    const seen: ServerEvent[] = [];
    await room.start({ next: (e) => seen.push(e), complete: () => (completed = true) });
    expect(room.state).toBe('running');
    expect(Object.keys(room.actor.getSnapshot().children).sort()).toEqual(['member:a1', 'member:a2']);
    expect(a.actorRef).toBe(room.actor.getSnapshot().children['member:a1']);
    expect(a.startOptions?.peers).toEqual(['Agent2']);
    expect(b.startOptions?.peers).toEqual(['Agent1']);
    await room.stop();
    expect(states).toEqual(['starting', 'running', 'stopping', 'stopped']);
    expect(completed).toBe(true);
    expect(seen.map((e) => `${e.type}:${'agent_id' in e ? e.agent_id : ''}`)).toEqual([
      'agent_ready:a1',
      'agent_ready:a2',
      'agent_ended:a1',
      'agent_ended:a2',
    ]);
    expect(seen.every((e) => 'room_id' in e && e.room_id === 'r1')).toBe(true);
    expectNothingLeft(room, [a, b]);
    await room.stop(); // idempotent
    expect(room.state).toBe('stopped');
  });

  it('spawns members by id: the room actor receives plain data events, members get the room clock', async () => {
    const clock = new TestClock();
    const a = new FakeMember('a1', 'Agent1');
    const received: unknown[] = [];
    const room = new ChatRoom({
      agents: [a],
      clock,
      inspect: (event) => {
        if (event.type === '@xstate.event' && event.actorRef.sessionId === event.rootId)
          received.push(event.event);
      },
    });
    await room.start();
    const spawns = received.filter((e) => (e as { type: string }).type === 'member.spawn');
    // What an inspector or a log would keep of each event is the whole event: no logic object rides along.
    expect(spawns).toEqual([{ type: 'member.spawn', id: 'member:a1' }]);
    expect(received.every((e) => JSON.stringify(structuredClone(e)) === JSON.stringify(e))).toBe(true);
    expect(room.actor.getSnapshot().children['member:a1']).toBe(a.actorRef);
    expect(a.startOptions?.clock).toBe(clock);
    await room.stop();
  });

  it('spawn resolves once the room holds the child, even when asked while the room actor is busy; refuses after stop', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const room = new ChatRoom({ agents: [a] });
    await room.start();
    const spawn = a.startOptions?.spawn;
    if (!spawn) throw new Error('the room offered no spawn');
    const logic = createMachine({});
    // Asked from an observer of the room's actor, i.e. while it is still taking an event: the spawn
    // event is queued behind that one, so the child is not in the snapshot right after the send.
    let late: Promise<unknown> | undefined;
    let asked = false;
    const sub = room.actor.subscribe(() => {
      if (asked) return;
      asked = true;
      late = spawn(logic, 'late');
    });
    room.actor.send({ type: 'floor.user_turn' });
    sub.unsubscribe();
    if (!late) throw new Error('the spawn was not asked, or threw instead of resolving');
    const ref = await late;
    expect(ref).toBeDefined();
    expect(room.actor.getSnapshot().children.late).toBe(ref);
    await expect(spawn(logic, 'late')).rejects.toThrow('a member actor with id "late" exists');
    await room.stop();
    await expect(spawn(logic, 'after')).rejects.toThrow(/cannot spawn "after" while stopped/);
  });

  it('ends failed when a member cannot start, stopping the others, and rejects', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('a2', 'Agent2', { failStart: true });
    const room = new ChatRoom({ id: 'r', agents: [a, b] });
    const seen: ServerEvent[] = [];
    await expect(room.start({ next: (e) => seen.push(e) })).rejects.toThrow(
      'room r could not start: Agent2: Agent2 cannot connect',
    );
    expect(room.state).toBe('failed');
    expect(room.actor.getSnapshot().context.error).toBe(
      'room r could not start: Agent2: Agent2 cannot connect',
    );
    expect(a.state).toBe('stopped');
    expect(seen.map((e) => e.type)).toEqual(['agent_ready', 'server_error', 'agent_ended']);
    expect(room.resources()).toMatchObject({ children: 0, busSubscribers: 0, memberSubscriptions: 0 });
    await room.stop();
    expect(room.state).toBe('failed');
  });

  it('ends failed when a member cannot stop, cleaning up all the same', async () => {
    const a = new FakeMember('a1', 'Agent1', { failStop: true });
    const b = new FakeMember('a2', 'Agent2');
    const room = new ChatRoom({ agents: [a, b] });
    await room.start();
    await expect(room.stop()).rejects.toThrow('did not stop cleanly: Agent1: Agent1 hung up badly');
    expect(room.state).toBe('failed');
    expect(room.resources()).toMatchObject({ children: 0, busSubscribers: 0, memberSubscriptions: 0 });
  });

  it('stops from idle without starting anyone', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const room = new ChatRoom({ agents: [a] });
    await room.stop();
    expect(room.state).toBe('stopped');
    expect(a.startOptions).toBeUndefined();
    expect(room.resources().busSubscribers).toBe(0);
  });

  it('rejects start() after stop(), as an agent does, naming the room and what to do', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const room = new ChatRoom({ id: 'r9', agents: [a] });
    await room.start();
    await room.stop();
    await expect(room.start()).rejects.toThrow('room r9 was stopped; create a new ChatRoom to start again');
    expect(room.state).toBe('stopped');

    const neverStarted = new ChatRoom({ id: 'r10', agents: [new FakeMember('a2', 'Agent2')] });
    const stopping = neverStarted.stop();
    await expect(neverStarted.start()).rejects.toThrow('room r10 was stopped');
    await stopping;
  });

  it('rejects bad options with a clear error', () => {
    const a = new FakeMember('a1', 'Agent1');
    expect(() => new ChatRoom({ agents: [] })).toThrow('`agents` must name at least one agent');
    expect(() => new ChatRoom({ agents: [a, new FakeMember('a1', 'Other')] })).toThrow('share the id "a1"');
    expect(() => new ChatRoom({ agents: [a, new FakeMember('x', 'agent1')] })).toThrow('share the name');
    expect(() => new ChatRoom({ agents: [a], maxAgentTurns: -1 })).toThrow('maxAgentTurns');
    expect(() => new ChatRoom({ agents: [a], floor: 'moderator' })).toThrow('needs a `moderator` option');
  });

  it('reports bad input and input to a room that is not running as server_error', async () => {
    const room = new ChatRoom({ agents: [new FakeMember('a1', 'Agent1')] });
    const seen: ServerEvent[] = [];
    room.events$.subscribe((e) => seen.push(e));
    expect(room.handleInput({ type: 'client_text_append', text: 'hi' })).toBe(false);
    await room.start();
    expect(room.handleInput({ type: 'client_text_append', text: 42, event_id: 'e1' })).toBe(false);
    expect(room.handleInput({ type: 'client_nonsense' })).toBe(false);
    await room.settled();
    const errors = seen.filter((e) => e.type === 'server_error');
    expect(errors.map((e) => [e.code, e.path, e.event_id])).toEqual([
      ['room_not_running', undefined, undefined],
      ['invalid_event', 'text', 'e1'],
      ['unknown_type', 'type', undefined],
    ]);
    expect(errors[0]?.message).toContain('is idle; client_text_append ignored');
    await room.stop();
  });
});

describe('ChatRoom broadcast', () => {
  it('free floor: every agent answers the user; agents hear each other as context; clients see it all attributed', async () => {
    const a = new FakeMember('a1', 'Agent1', { reply: greeter('Agent1') });
    const b = new FakeMember('a2', 'Agent2', { reply: greeter('Agent2') });
    const room = new ChatRoom({ id: 'r', agents: [a, b] });
    const seen = await started(room);
    room.handleInput({ type: 'client_text_append', text: 'Hello everyone!' }, { id: 'u1', name: 'Ann' });
    await room.settled();
    expect(transcriptLines(seen)).toEqual([
      'Ann: Hello everyone!',
      'Agent1: Hi Ann, Agent1 here.',
      'Agent2: Hi Ann, Agent2 here.',
    ]);
    expect(heardLines(a)).toEqual(['!Ann: Hello everyone!', 'Agent2: Hi Ann, Agent2 here.']);
    expect(heardLines(b)).toEqual(['!Ann: Hello everyone!', 'Agent1: Hi Ann, Agent1 here.']);
    const done = seen.filter((e) => e.type === 'agent_response_audio_transcript_done');
    expect(done.map((e) => [e.agent_id, e.agent_name, e.room_id])).toEqual([
      ['a1', 'Agent1', 'r'],
      ['a2', 'Agent2', 'r'],
    ]);
    expect(room.agentTurns).toBe(0);
    await room.stop();
  });

  it('every client sees the same order even when members answer synchronously (re-entrancy)', async () => {
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'Agent2, over to you' });
    const b = new FakeMember('a2', 'Agent2', { reply: () => 'Agent1, back to you' });
    const room = new ChatRoom({ agents: [a, b], floor: 'mention', maxAgentTurns: 3 });
    const first = await started(room);
    const second: ServerEvent[] = [];
    const third: string[] = [];
    room.events$.subscribe((e) => {
      second.push(e);
      // A client that reacts by sending input while an event is delivered.
      if (e.type === 'room_user_message' && e.text === 'Agent1, start') {
        room.handleInput({ type: 'client_text_append', text: 'and keep it short' });
      }
    });
    room.events$.subscribe((e) => third.push(e.type));
    room.handleInput({ type: 'client_text_append', text: 'Agent1, start' });
    await room.settled();
    expect(second.length).toBeGreaterThan(10);
    expect(first.slice(-second.length)).toEqual(second);
    expect(third).toEqual(second.map((e) => e.type));
    expect(transcriptLines(second).slice(0, 3)).toEqual([
      'User: Agent1, start',
      'User: and keep it short',
      '[floor a1 (mention)]',
    ]);
    await room.stop();
  });

  it('two users: each sees the other attributed, never themselves; agents hear both by name', async () => {
    const { a, room, ann, bob, annSees, bobSees } = await annAndBob();
    ann.handleInput({ type: 'client_text_append', text: 'I am Ann' });
    await room.settled();
    bob.handleInput({ type: 'client_text_append', text: 'I am Bob' });
    await room.settled();
    const words = (events: ServerEvent[]) => transcriptLines(events).filter((l) => !l.startsWith('['));
    expect(words(annSees)).toEqual([
      'Agent1: Hi Ann, Agent1 here.',
      'Bob: I am Bob',
      'Agent1: Hi Bob, Agent1 here.',
    ]);
    expect(words(bobSees)).toEqual([
      'Ann: I am Ann',
      'Agent1: Hi Ann, Agent1 here.',
      'Agent1: Hi Bob, Agent1 here.',
    ]);
    expect(annSees.find((e) => e.type === 'room_user_message')).toEqual({
      type: 'room_user_message',
      room_id: 'r',
      user_id: 'u2',
      user_name: 'Bob',
      text: 'I am Bob',
    });
    expect(heardLines(a)).toEqual(['!Ann: I am Ann', '!Bob: I am Bob']);
    expect(room.users.map((u) => u.name)).toEqual(['Ann', 'Bob']);
    let annDone = false;
    ann.events$.subscribe({ complete: () => (annDone = true) });
    ann.leave();
    expect(annDone).toBe(true);
    expect(room.users.map((u) => u.name)).toEqual(['Bob']);
    await room.stop();
    expect(room.resources().busSubscribers).toBe(0);
  });

  it('present(): each agent ready with its state, and the floor, while running only', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('b1', 'Agent2');
    const room = new ChatRoom({ id: 'r', agents: [a, b], floor: 'roundRobin' });
    expect(room.present()).toEqual([]);
    await started(room);
    expect(room.present().map((e) => [e.type, 'agent_name' in e ? e.agent_name : null])).toEqual([
      ['agent_ready', 'Agent1'],
      ['agent_state_changed', 'Agent1'],
      ['agent_ready', 'Agent2'],
      ['agent_state_changed', 'Agent2'],
    ]);
    expect(room.present()[1]).toMatchObject({ room_id: 'r', state: a.state });
    await room.stop();
    expect(room.present()).toEqual([]);
  });

  it('two users: an error about one user input reaches that user only', async () => {
    const { room, ann, annSees, bobSees } = await annAndBob();
    ann.handleInput({ type: 'client_text_append', text: 42 });
    ann.handleInput({ type: 'client_playback_position', item_id: 'nope', audio_end_ms: 10 });
    await room.settled();
    expect(
      annSees.filter((e) => e.type === 'server_error').map((e) => e.type === 'server_error' && e.code),
    ).toEqual(['invalid_event', 'unknown_target']);
    expect(bobSees.filter((e) => e.type === 'server_error')).toEqual([]);
    await room.stop();
  });

  it('relay audio: the other agents get the speaker audio and a commit, the chosen one a response request', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('a2', 'Agent2');
    const room = new ChatRoom({ agents: [a, b], floor: 'mention', relay: 'audio' });
    await started(room);
    const agent = { agent_id: 'a1', agent_name: 'Agent1', response_id: 'r1', item_id: 'i1' };
    a.emit({
      type: 'agent_response_audio_delta',
      ...agent,
      delta: 'AAAA',
      format: { type: 'audio/pcm', rate: 24000 },
    });
    a.emit({ type: 'agent_response_audio_done', ...agent });
    a.emit({ type: 'agent_response_audio_transcript_done', ...agent, transcript: 'Agent2, your view?' });
    a.emit({
      type: 'agent_response_done',
      agent_id: 'a1',
      agent_name: 'Agent1',
      response_id: 'r1',
      input_tokens: 0,
      output_tokens: 0,
      metadata: {},
      status: 'completed',
    });
    await room.settled();
    expect(b.inputs).toEqual([
      { type: 'client_audio_append', audio: 'AAAA', format: { type: 'audio/pcm', rate: 24000 } },
      { type: 'client_audio_commit' },
      { type: 'client_response_create' },
    ]);
    expect(a.inputs).toEqual([]);
    expect(b.heard).toEqual([]);
    await room.stop();
  });

  it('relay audio: a speaker whose model gave bytes is heard as those bytes, with no base64 in between', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('a2', 'Agent2');
    const c = new FakeMember('a3', 'Agent3');
    const room = new ChatRoom({ agents: [a, b, c], floor: 'mention', relay: 'audio' });
    await started(room);
    const audio = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    let encodings = 0;
    const model = modelAudioDeltaFromBytes('r1', 'i1', { type: 'audio/pcm', rate: 24000 }, audio, (bytes) => {
      encodings++;
      return base64FromBytes(bytes);
    });
    a.emit(agentAudioDeltaOf({ agentId: 'a1', agentName: 'Agent1' }, model));
    await room.settled();
    // Relaying encoded nothing: the listeners have the bytes (the base64 relay read the delta's text).
    expect(encodings).toBe(0);
    const [toB] = b.inputs;
    const [toC] = c.inputs;
    expect(toB?.type).toBe('client_audio_append');
    expect(toB === undefined || toB.type !== 'client_audio_append' ? undefined : clientAudioBytes(toB)).toBe(
      audio,
    );
    expect(toC === undefined || toC.type !== 'client_audio_append' ? undefined : clientAudioBytes(toC)).toBe(
      audio,
    );
    // Read as text, each append gives the speaker's audio as the base64 relay did.
    expect(JSON.parse(JSON.stringify(toB))).toEqual({
      type: 'client_audio_append',
      audio: base64FromBytes(audio),
      format: { type: 'audio/pcm', rate: 24000 },
    });
    expect(JSON.stringify(toC)).toBe(JSON.stringify(toB));
    await room.stop();
  });

  it('routes user audio to the floor holder and the transcription to the others as context', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('a2', 'Agent2');
    const room = new ChatRoom({ agents: [a, b], floor: 'roundRobin' });
    await started(room);
    const frame = { type: 'client_audio_append', audio: 'AAAA', format: { type: 'audio/pcm', rate: 16000 } };
    room.handleInput(frame, { id: 'u1', name: 'Ann' });
    room.handleInput(frame, { id: 'u1', name: 'Ann' });
    expect(room.floorHolder).toBe('a1');
    a.emit({
      type: 'agent_input_done',
      agent_id: 'a1',
      agent_name: 'Agent1',
      item_id: 'in1',
      audio_end_ms: 900,
    });
    a.emit({
      type: 'agent_input_transcription_done',
      agent_id: 'a1',
      agent_name: 'Agent1',
      item_id: 'in1',
      transcript: 'what time is it',
    });
    await room.settled();
    expect(a.inputs.map((e) => e.type)).toEqual(['client_audio_append', 'client_audio_append']);
    expect(b.inputs).toEqual([]);
    expect(heardLines(b)).toEqual(['Ann: what time is it']);
    // The next spoken turn is placed afresh (round robin: Agent2).
    a.say(undefined);
    await room.settled();
    room.handleInput(frame, { id: 'u1', name: 'Ann' });
    expect(b.inputs.map((e) => e.type)).toEqual(['client_audio_append']);
    await room.stop();
  });

  it('routes tool results, approvals and playback positions to the agent that owns the call or item', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('a2', 'Agent2');
    const room = new ChatRoom({ agents: [a, b] });
    const seen = await started(room);
    const agent = { agent_id: 'a2', agent_name: 'Agent2', response_id: 'r1', item_id: 'i1' };
    b.emit({
      type: 'agent_response_tool_use_done',
      ...agent,
      tool_use: { type: 'tool_use', id: 'call1', name: 'lookup', input: {}, raw_input: '{}' },
    });
    b.emit({
      type: 'agent_response_audio_delta',
      ...agent,
      delta: 'AAAA',
      format: { type: 'audio/pcm', rate: 24000 },
    });
    await room.settled();
    expect(room.handleInput({ type: 'client_tool_result', id: 'call1', name: 'lookup', output: '42' })).toBe(
      true,
    );
    expect(room.handleInput({ type: 'client_playback_position', item_id: 'i1', audio_end_ms: 120 })).toBe(
      true,
    );
    expect(room.handleInput({ type: 'client_tool_result', id: 'nope', name: 'lookup', output: '1' })).toBe(
      false,
    );
    await room.settled();
    expect(b.inputs.map((e) => e.type)).toEqual(['client_tool_result', 'client_playback_position']);
    expect(a.inputs).toEqual([]);
    const error = seen.find((e) => e.type === 'server_error');
    expect(error).toMatchObject({ code: 'unknown_target' });
    expect(error?.type === 'server_error' && error.message).toBe(
      `client_tool_result: no agent of room ${room.id} is waiting for "nope"`,
    );
    await room.stop();
  });
});

describe('ChatRoom cancel', () => {
  it('sends client_response_cancel only to agents that are answering, and says so when none is', async () => {
    const a = new FakeMember('a1', 'Agent1', { manual: true });
    const b = new FakeMember('a2', 'Agent2', { manual: true });
    const room = new ChatRoom({ agents: [a, b] });
    const seen = await started(room);
    expect(room.handleInput({ type: 'client_response_cancel', event_id: 'c1' })).toBe(false);
    b.actorRef?.send({ type: 'respond' });
    expect(b.state).toBe('responding');
    expect(room.handleInput({ type: 'client_response_cancel' })).toBe(true);
    await room.settled();
    expect(a.inputs).toEqual([]);
    expect(b.inputs).toEqual([{ type: 'client_response_cancel' }]);
    expect(seen.filter((e) => e.type === 'server_error')).toEqual([
      {
        type: 'server_error',
        code: 'response_cancel_not_active',
        message: 'client_response_cancel: no agent is responding',
        event_id: 'c1',
      },
    ]);
    await room.stop();
  });
});

describe('ChatRoom floor control', () => {
  it('roundRobin: agents take turns answering users; floor changes are events', async () => {
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'one' });
    const b = new FakeMember('a2', 'Agent2', { reply: () => 'two' });
    const room = new ChatRoom({ id: 'r', agents: [a, b], floor: 'roundRobin' });
    const seen = await started(room);
    for (const text of ['q1', 'q2', 'q3']) {
      room.handleInput({ type: 'client_text_append', text });
      await room.settled();
    }
    expect(transcriptLines(seen)).toEqual([
      'User: q1',
      '[floor a1 (roundRobin)]',
      'Agent1: one',
      '[floor nobody (turn_end)]',
      'User: q2',
      '[floor a2 (roundRobin)]',
      'Agent2: two',
      '[floor nobody (turn_end)]',
      'User: q3',
      '[floor a1 (roundRobin)]',
      'Agent1: one',
      '[floor nobody (turn_end)]',
    ]);
    expect(seen.find((e) => e.type === 'room_floor_changed')).toEqual({
      type: 'room_floor_changed',
      room_id: 'r',
      agent_id: 'a1',
      reason: 'roundRobin',
    });
    expect(heardLines(b)).toEqual(['User: q1', 'Agent1: one', '!User: q2', 'User: q3', 'Agent1: one']);
    await room.stop();
  });

  it('mention: the named agent answers; nobody named falls back to the last holder', async () => {
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'A here' });
    const b = new FakeMember('a2', 'Agent2', { reply: () => 'B here' });
    const room = new ChatRoom({ agents: [a, b], floor: 'mention' });
    const seen = await started(room);
    room.handleInput({ type: 'client_text_append', text: 'agent2: status?' });
    await room.settled();
    room.handleInput({ type: 'client_text_append', text: 'and then?' });
    await room.settled();
    expect(transcriptLines(seen).filter((l) => !l.startsWith('['))).toEqual([
      'User: agent2: status?',
      'Agent2: B here',
      'User: and then?',
      'Agent2: B here',
    ]);
    expect(heardLines(a)).toEqual([
      'User: agent2: status?',
      'Agent2: B here',
      'User: and then?',
      'Agent2: B here',
    ]);
    await room.stop();
  });

  it('loop guard: agents that keep naming each other are stopped after maxAgentTurns, with an event', async () => {
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'What do you think, Agent2?' });
    const b = new FakeMember('a2', 'Agent2', { reply: () => 'No idea, Agent1, you?' });
    const room = new ChatRoom({ agents: [a, b], floor: 'mention', maxAgentTurns: 4 });
    const seen = await started(room);
    room.handleInput({ type: 'client_text_append', text: 'Agent1, start a debate' });
    await room.settled();
    expect(transcriptLines(seen)).toEqual([
      'User: Agent1, start a debate',
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
    // One answer to the user, then 4 agent turns; the loop guard refused the fifth.
    expect(heardLines(b).at(-1)).toBe('Agent1: What do you think, Agent2?');
    expect(room.agentTurns).toBe(4);
    expect(room.floorHolder).toBeNull();
    // A user speaking again resets the budget: the same chain runs again, as long.
    const before = seen.length;
    room.handleInput({ type: 'client_text_append', text: 'thanks' });
    await room.settled();
    const again = transcriptLines(seen.slice(before)).filter((l) => !l.startsWith('[floor a'));
    expect(again).toEqual([
      'User: thanks',
      ...Array.from({ length: 5 }, (_, i) =>
        i % 2 === 0 ? 'Agent1: What do you think, Agent2?' : 'Agent2: No idea, Agent1, you?',
      ),
      '[floor nobody (loop_guard)]',
    ]);
    expect(room.agentTurns).toBe(4);
    await room.stop();
  });

  it('moderator function: chooses who answers the user and who follows, until it says nobody', async () => {
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'plan' });
    const b = new FakeMember('a2', 'Agent2', { reply: () => 'review' });
    const asked: string[] = [];
    const choices = ['Agent2', 'agent1', null];
    const room = new ChatRoom({
      agents: [a, b],
      floor: 'moderator',
      moderator: async (ctx) => {
        asked.push(`${ctx.utterance.speaker.name}: ${ctx.utterance.text} (${ctx.transcript.length})`);
        return choices.shift() ?? null;
      },
    });
    const seen = await started(room);
    room.handleInput({ type: 'client_text_append', text: 'build it' });
    await room.settled();
    expect(asked).toEqual(['User: build it (1)', 'Agent2: review (2)', 'Agent1: plan (3)']);
    expect(transcriptLines(seen)).toEqual([
      'User: build it',
      '[floor a2 (moderator)]',
      'Agent2: review',
      '[floor a1 (moderator)]',
      'Agent1: plan',
      '[floor nobody (turn_end)]',
    ]);
    await room.stop();
  });

  it('moderator function failure becomes a server_error and nobody answers', async () => {
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'x' });
    const room = new ChatRoom({ agents: [a], floor: 'moderator', moderator: () => 'Ghost' });
    const seen = await started(room);
    room.handleInput({ type: 'client_text_append', text: 'hello' });
    await room.settled();
    expect(seen.filter((e) => e.type === 'server_error')).toEqual([
      {
        type: 'server_error',
        code: 'floor_policy_failed',
        message: 'floor moderator: moderator chose "Ghost", which is no agent of this room (agents: Agent1)',
      },
    ]);
    expect(heardLines(a)).toEqual(['User: hello']);
    await room.stop();
  });

  it('moderator agent: a member asked who speaks next, started and stopped with the room, unseen by clients', async () => {
    // One clock for the room: the moderator member's delay runs on it, handed over at start.
    const clock = new TestClock();
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'done' });
    const b = new FakeMember('a2', 'Agent2', { reply: () => 'ok' });
    const picks = ['I pick Agent2.', 'Nobody.'];
    const boss = new FakeMember('m', 'Manager', { reply: () => picks.shift(), delayMs: 500 });
    const room = new ChatRoom({ agents: [a, b], floor: 'moderator', moderator: boss, clock });
    const seen = await started(room);
    expect(Object.keys(room.actor.getSnapshot().children).sort()).toEqual([
      'member:a1',
      'member:a2',
      'member:m',
    ]);
    room.handleInput({ type: 'client_text_append', text: 'go' });
    await flushMicrotasks();
    expect(clock.pendingTimers).toBe(2); // the moderator's reply and the room's wait for it
    // (settled() would wait for the moderator, whose answer is on the test clock)
    clock.increment(500); // "Agent2"; Agent2 answers; the moderator is asked again
    await flushMicrotasks();
    clock.increment(500); // "Nobody."
    await room.settled();
    expect(transcriptLines(seen)).toEqual([
      'User: go',
      '[floor a2 (moderator)]',
      'Agent2: ok',
      '[floor nobody (turn_end)]',
    ]);
    expect(boss.heard[0]?.speaker).toBe('Room');
    expect(boss.heard[0]?.text).toContain('User just said: "go"');
    expect(seen.some((e) => 'agent_id' in e && e.agent_id === 'm')).toBe(false);
    await room.stop();
    expect(clock.pendingTimers).toBe(0);
    expectNothingLeft(room, [a, b, boss]);
  });

  it('moderator agent that never answers times out (on the room clock) into a server_error', async () => {
    const clock = new TestClock();
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'x' });
    const boss = new FakeMember('m', 'Manager');
    const room = new ChatRoom({
      agents: [a],
      floor: 'moderator',
      moderator: boss,
      clock,
      moderatorTimeoutMs: 3000,
    });
    const seen = await started(room);
    room.handleInput({ type: 'client_text_append', text: 'go' });
    // Not room.settled(): the decision waits on the clock, which only the test moves.
    await flushMicrotasks();
    expect(clock.pendingTimers).toBe(1);
    clock.increment(2999);
    expect(clock.pendingTimers).toBe(1);
    clock.increment(1);
    await room.settled();
    expect(
      seen.filter((e) => e.type === 'server_error').map((e) => e.type === 'server_error' && e.message),
    ).toEqual(['floor moderator: moderator Manager did not choose a speaker within 3000 ms']);
    expect(heardLines(a)).toEqual(['User: go']);
    await room.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('stopping the room while an agent moderator deliberates cancels the wait', async () => {
    const clock = new TestClock();
    const boss = new FakeMember('m', 'Manager', { manual: true });
    const a = new FakeMember('a1', 'Agent1');
    const room = new ChatRoom({ agents: [a], floor: 'moderator', moderator: boss, clock });
    await started(room);
    room.handleInput({ type: 'client_text_append', text: 'go' });
    await flushMicrotasks();
    expect(boss.heard).toHaveLength(1);
    expect(clock.pendingTimers).toBe(1);
    await room.stop();
    expect(clock.pendingTimers).toBe(0);
    expectNothingLeft(room, [a, boss]);
  });

  it('handoff: the floor passes to the target, which answers the user request, not the handoff note', async () => {
    const a = new FakeMember('a1', 'Sales', { reply: () => 'One moment please.' });
    const b = new FakeMember('a2', 'Billing', { reply: () => 'Billing here, how can I help?' });
    const room = new ChatRoom({ agents: [a, b], floor: 'mention' });
    const seen = await started(room);
    room.handleInput({ type: 'client_text_append', text: 'Sales, my invoice is wrong' });
    await room.settled();
    a.emit({ type: 'agent_handoff', agent_id: 'a1', agent_name: 'Sales', from: 'Sales', to: 'Billing' });
    await room.settled();
    expect(transcriptLines(seen)).toEqual([
      'User: Sales, my invoice is wrong',
      '[floor a1 (mention)]',
      'Sales: One moment please.',
      '[floor nobody (turn_end)]',
      '[floor a2 (handoff)]',
      'Billing: Billing here, how can I help?',
      '[floor nobody (turn_end)]',
    ]);
    expect(heardLines(b)).toEqual([
      'User: Sales, my invoice is wrong',
      'Sales: One moment please.',
      '!User: Sales, my invoice is wrong',
    ]);
    expect(b.inputs).toEqual([
      {
        type: 'client_text_append',
        role: 'system',
        text: "Sales handed the conversation over to Billing. Answer User's request that follows.",
      },
    ]);
    // The next unaddressed question goes to the last holder: Billing.
    room.handleInput({ type: 'client_text_append', text: 'thanks, and the due date?' });
    await room.settled();
    expect(transcriptLines(seen).at(-2)).toBe('Billing: Billing here, how can I help?');
    await room.stop();
  });

  it('handoff before the speaker finishes: its words are context only and the target keeps the floor', async () => {
    const a = new FakeMember('a1', 'Sales', { manual: true });
    const b = new FakeMember('a2', 'Billing', { reply: () => 'Billing here.' });
    const room = new ChatRoom({ agents: [a, b], floor: 'mention' });
    const seen = await started(room);
    room.handleInput({ type: 'client_text_append', text: 'Sales, help' });
    await room.settled();
    a.emit({ type: 'agent_handoff', agent_id: 'a1', agent_name: 'Sales', from: 'Sales', to: 'billing' });
    a.say('Transferring you now, Billing.');
    await room.settled();
    expect(transcriptLines(seen)).toEqual([
      'User: Sales, help',
      '[floor a1 (mention)]',
      'Sales: Transferring you now, Billing.',
      '[floor a2 (handoff)]',
      'Billing: Billing here.',
      '[floor nobody (turn_end)]',
    ]);
    expect(heardLines(b)).toEqual([
      'User: Sales, help',
      '!User: Sales, help',
      'Sales: Transferring you now, Billing.',
    ]);
    await room.stop();
  });
});

describe('ChatRoom stop', () => {
  it('leaves no actor, timer or subscription behind, even with replies pending on the clock', async () => {
    const clock = new TestClock();
    const a = new FakeMember('a1', 'Agent1', { reply: () => 'late', delayMs: 1000 });
    const b = new FakeMember('a2', 'Agent2', { reply: () => 'later', delayMs: 2000 });
    const room = new ChatRoom({ agents: [a, b], clock });
    const seen = await started(room);
    const user = room.join({ id: 'u1', name: 'Ann' });
    user.events$.subscribe(() => undefined);
    user.handleInput({ type: 'client_text_append', text: 'hi' });
    await room.settled();
    clock.increment(1000);
    await room.settled();
    expect(transcriptLines(seen)).toEqual(['Ann: hi', 'Agent1: late']);
    expect(clock.pendingTimers).toBe(1);
    expect(room.resources()).toMatchObject({
      children: 2,
      busSubscribers: 3,
      memberSubscriptions: 2,
      users: 1,
    });
    await room.stop();
    expect(clock.pendingTimers).toBe(0);
    expectNothingLeft(room, [a, b]);
    expect(room.handleInput({ type: 'client_text_append', text: 'anyone?' })).toBe(false);
  });
});

describe('ChatRoom robustness', () => {
  it('a throwing outgoing observer or member becomes a server_error; the others still hear', async () => {
    const a = new FakeMember('a1', 'Agent1');
    const b = new FakeMember('a2', 'Agent2');
    a.hear = () => {
      throw new Error('deaf');
    };
    const room = new ChatRoom({ agents: [a, b] });
    const errors: string[] = [];
    room.events$.subscribe((e) => {
      if (e.type === 'server_error') errors.push(`${e.code}: ${e.message}`);
    });
    await room.start({
      next: (e) => {
        if (e.type !== 'server_error') throw new Error('socket closed');
      },
    });
    room.handleInput({ type: 'client_text_append', text: 'hi' });
    await room.settled();
    expect(errors).toEqual([
      'outgoing_failed: the outgoing observer threw on agent_ready: socket closed',
      'outgoing_failed: the outgoing observer threw on agent_ready: socket closed',
      'outgoing_failed: the outgoing observer threw on room_user_message: socket closed',
      'member_failed: Agent1 could not hear: deaf',
      'outgoing_failed: the outgoing observer threw on agent_response_created: socket closed',
      'outgoing_failed: the outgoing observer threw on agent_response_done: socket closed',
    ]);
    expect(heardLines(b)).toEqual(['!User: hi']);
    await room.stop();
    expect(room.resources().busSubscribers).toBe(0);
  });
});

/** A running room with one greeting agent and two joined users, Ann and Bob, recording what each sees. */
async function annAndBob() {
  const a = new FakeMember('a1', 'Agent1', { reply: greeter('Agent1') });
  const room = new ChatRoom({ id: 'r', agents: [a] });
  await started(room);
  const ann = room.join({ id: 'u1', name: 'Ann' });
  const bob = room.join({ id: 'u2', name: 'Bob' });
  const annSees: ServerEvent[] = [];
  const bobSees: ServerEvent[] = [];
  ann.events$.subscribe((e) => annSees.push(e));
  bob.events$.subscribe((e) => bobSees.push(e));
  return { a, room, ann, bob, annSees, bobSees };
}
