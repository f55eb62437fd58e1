import type { ServerEvent } from '@chorus/protocol';

export type Speaker = 'user' | 'agent';

export interface TranscriptEntry {
  readonly key: string;
  readonly speaker: Speaker;
  /** Agent name, the other user's name, or `You`. */
  readonly name: string;
  readonly agentId: string | undefined;
  text: string;
  /** The transcript is final (a `_done` arrived, or the user typed it). */
  done: boolean;
  /** The agent was cut off; `heardMs` is how much of it the listener heard. */
  interrupted: boolean;
  heardMs: number | undefined;
  /** A spoken user turn whose words are not known (no speech recognizer on the server). */
  spoken: boolean;
  /** Why a spoken turn has no words, e.g. `not transcribed: speech recognition is not installed`. */
  note?: string;
  readonly time: number;
}

export interface AgentView {
  readonly id: string;
  name: string;
  /** The persona answering now, after a handoff (`billing`); the agent's own name before any. */
  persona: string;
  state: string;
  ready: boolean;
  ended: boolean;
}

export interface ToolCallView {
  readonly id: string;
  readonly agentName: string;
  /** The response that called it: a call still running when that response ends is settled with it. */
  responseId: string | undefined;
  name: string;
  args: string;
  result: string | undefined;
  isError: boolean;
  status: 'running' | 'done' | 'cancelled';
  readonly time: number;
}

export interface NoticeView {
  /** Increases by one per notice. */
  readonly id: number;
  readonly kind: 'handoff' | 'floor' | 'guardrail' | 'error' | 'session' | 'interrupted';
  readonly text: string;
  readonly time: number;
}

export interface TurnFigures {
  readonly responseId: string;
  readonly agentName: string;
  /** 1, 2, 3…: which user turn this reply answers. */
  readonly turn: number;
  /** What the user said or typed in that turn (the start of it), for the row's label. */
  readonly userText: string;
  /** Server-measured (`agent_turn_metrics`). */
  timeToFirstAudioMs: number | undefined;
  e2eMs: number | undefined;
  interrupted: boolean;
  toolMs: number | undefined;
  /** Page-measured: end of the user's turn (typed send or end of speech) to the first audio frame. */
  heardAfterMs: number | undefined;
}

/** The `agent_error` code of a spoken turn the server could not transcribe. */
export const NO_TRANSCRIBER_CODE = 'no_transcriber';
export const NOT_TRANSCRIBED_NOTE = 'not transcribed: speech recognition is not installed';
export const SPEECH_UNAVAILABLE_NOTICE =
  'Speech is not understood here: the server has no speech recognition installed, so spoken turns get ' +
  'no answer. Type instead, or ask whoever runs the server to install it ' +
  '(npx -p @chorus/cli chorus speech install) and restart it.';

/** Bounds: a long session must not grow the page without limit. */
export const SESSION_LIMITS = { transcript: 200, tools: 50, notices: 100, turns: 50 } as const;

/**
 * Everything the playground shows, built from server events by `apply`. Mutable with a `version`, like
 * the inspector's model, so a burst of events costs one render.
 */
export class SessionModel {
  version = 0;
  sessionId: string | undefined;
  room: string | undefined;
  ended: string | undefined;
  floor: string | null = null;
  userSpeaking = false;
  readonly agents = new Map<string, AgentView>();
  readonly transcript: TranscriptEntry[] = [];
  readonly tools: ToolCallView[] = [];
  readonly notices: NoticeView[] = [];
  readonly turns: TurnFigures[] = [];
  #turnEndedAt: number | undefined;
  #userTurns = 0;
  #lastUserText = '';
  readonly #firstAudioSeen = new Set<string>();
  readonly #voiceByItem = new Map<string, TranscriptEntry>();
  #noticeCount = 0;
  #speechNoticeShown = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** The user typed a message: shown at once (the gateway does not echo a user's own words). */
  userTyped(text: string, name = 'You'): void {
    this.version++;
    this.#push(this.transcript, SESSION_LIMITS.transcript, {
      key: `typed:${this.now()}:${this.transcript.length}`,
      speaker: 'user',
      name,
      agentId: undefined,
      text,
      done: true,
      interrupted: false,
      heardMs: undefined,
      spoken: false,
      time: this.now(),
    });
    this.#turnEndedAt = this.now();
    this.#userTurns++;
    this.#lastUserText = text;
  }

  apply(event: ServerEvent): void {
    this.version++;
    switch (event.type) {
      case 'server_session_created':
        this.sessionId = event.session_id;
        this.room = typeof event.config?.room === 'string' ? event.config.room : undefined;
        this.ended = undefined;
        this.#notice('session', `Joined ${this.room ?? 'a private room'}`);
        return;
      case 'server_session_ended':
        this.ended = event.reason ?? 'ended';
        this.#notice('session', `Session ended: ${this.ended}`);
        return;
      case 'agent_ready':
        this.#agent(event.agent_id, event.agent_name).ready = true;
        return;
      case 'agent_ended': {
        const agent = this.#agent(event.agent_id, event.agent_name);
        agent.ended = true;
        agent.state = 'ended';
        return;
      }
      case 'agent_state_changed':
        this.#agent(event.agent_id, event.agent_name).state = event.state;
        return;
      case 'agent_response_audio_transcript_delta':
      case 'agent_response_text_delta':
        this.#agentEntry(event.agent_id, event.agent_name, event.item_id).text += event.delta;
        return;
      case 'agent_response_audio_transcript_done':
      case 'agent_response_text_done': {
        const entry = this.#agentEntry(event.agent_id, event.agent_name, event.item_id);
        const final = event.type === 'agent_response_text_done' ? event.text : event.transcript;
        // An interrupted item keeps the words that were heard, not the full text the model meant.
        if (!entry.interrupted && final !== '') entry.text = final;
        entry.done = true;
        return;
      }
      case 'agent_response_audio_delta':
        if (!this.#firstAudioSeen.has(event.response_id)) {
          this.#firstAudioSeen.add(event.response_id);
          if (this.#firstAudioSeen.size > SESSION_LIMITS.turns) {
            this.#firstAudioSeen.delete(this.#firstAudioSeen.values().next().value as string);
          }
          const turn = this.#turn(event.response_id, event.agent_name);
          if (this.#turnEndedAt !== undefined) {
            turn.heardAfterMs = Math.max(0, this.now() - this.#turnEndedAt);
            this.#turnEndedAt = undefined;
          }
        }
        return;
      case 'agent_input_started':
        this.userSpeaking = true;
        this.#voiceEntry(event.item_id);
        return;
      case 'agent_input_done':
        this.userSpeaking = false;
        this.#turnEndedAt = this.now();
        this.#userTurns++;
        this.#lastUserText = '(spoken)';
        return;
      case 'agent_input_transcription_delta':
        this.#voiceEntry(event.item_id).text += event.delta;
        return;
      case 'agent_input_transcription_done': {
        const entry = this.#voiceEntry(event.item_id);
        if (event.transcript !== '') {
          entry.text = event.transcript;
          this.#lastUserText = event.transcript;
        }
        entry.done = true;
        return;
      }
      case 'agent_response_tool_use_delta':
      case 'agent_response_tool_use_done': {
        const call = this.#tool(event.tool_use.id, event.agent_name);
        call.name = event.tool_use.name;
        call.responseId = event.response_id;
        // `input` is `{}` until the arguments parse; the raw text shows them as they stream.
        const { input, raw_input } = event.tool_use;
        call.args = Object.keys(input).length > 0 ? JSON.stringify(input) : raw_input;
        return;
      }
      case 'agent_response_tool_result': {
        const call = this.#tool(event.tool_result.id, event.agent_name);
        call.name = event.tool_result.name;
        const { output } = event.tool_result;
        call.result = typeof output === 'string' ? output : JSON.stringify(output);
        call.isError = event.tool_result.is_error === true;
        call.status = 'done';
        return;
      }
      case 'agent_tool_call_cancelled':
        for (const id of event.call_ids) {
          const call = this.tools.find((t) => t.id === id);
          if (call && call.status === 'running') call.status = 'cancelled';
        }
        return;
      case 'agent_response_interrupted': {
        const entry = this.transcript.find((e) => e.key === `agent:${event.agent_id}:${event.item_id}`);
        if (entry) {
          entry.interrupted = true;
          entry.heardMs = event.audio_end_ms;
        }
        this.#notice(
          'interrupted',
          `${event.agent_name} was interrupted after ${(event.audio_end_ms / 1000).toFixed(1)} s`,
        );
        return;
      }
      case 'agent_handoff': {
        this.#agent(event.agent_id, event.agent_name).persona = event.to;
        // A handoff is a tool call the agent answers itself: it is done once the persona changed.
        const toolName = `transfer_to_${event.to.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
        for (const call of this.tools) {
          if (call.status === 'running' && call.name === toolName) {
            call.status = 'done';
            call.result = `handed off to ${event.to}`;
          }
        }
        this.#notice('handoff', `${event.from} handed off to ${event.to}`);
        return;
      }
      case 'agent_response_done':
        // Calls still running when their response ends will get no result (a handoff's tool, a
        // cancelled response): they are settled with the response instead of running forever.
        for (const call of this.tools) {
          if (call.status === 'running' && call.responseId === event.response_id) {
            call.status = event.status === 'completed' ? 'done' : 'cancelled';
          }
        }
        return;
      case 'room_floor_changed': {
        this.floor = event.agent_id;
        const holder =
          event.agent_id === null ? 'nobody' : (this.agents.get(event.agent_id)?.name ?? event.agent_id);
        this.#notice('floor', `Floor: ${holder}${event.reason ? ` (${event.reason})` : ''}`);
        return;
      }
      case 'room_user_message':
        this.#push(this.transcript, SESSION_LIMITS.transcript, {
          key: `room:${this.now()}:${this.transcript.length}`,
          speaker: 'user',
          name: event.user_name ?? event.user_id,
          agentId: undefined,
          text: event.text,
          done: true,
          interrupted: false,
          heardMs: undefined,
          spoken: false,
          time: this.now(),
        });
        return;
      case 'agent_guardrail_tripped':
        this.#notice(
          'guardrail',
          `${event.agent_name}: guardrail ${event.guardrail} tripped: ${event.message}`,
        );
        return;
      case 'agent_turn_metrics': {
        const turn = this.#turn(event.response_id, event.agent_name);
        turn.timeToFirstAudioMs = event.time_to_first_audio_ms;
        turn.e2eMs = event.e2e_ms;
        turn.interrupted = event.interrupted;
        const tools = Object.values(event.tool_durations_ms);
        turn.toolMs = tools.length > 0 ? tools.reduce((a, b) => a + b, 0) : undefined;
        return;
      }
      case 'agent_error':
        if (event.code === NO_TRANSCRIBER_CODE) {
          this.#notTranscribed();
          return;
        }
        this.#notice('error', `${event.agent_name}: ${event.message}`);
        return;
      case 'server_error':
        this.#notice('error', `${event.code}: ${event.message}${event.path ? ` (at ${event.path})` : ''}`);
        return;
      default:
        return;
    }
  }

  /**
   * The server cannot transcribe speech: the open voice bubbles resolve with the reason, and the room
   * panel says once what the server's operator can do (a page user cannot change the server's code).
   */
  #notTranscribed(): void {
    for (const entry of this.transcript) {
      if (entry.spoken && !entry.done) {
        entry.done = true;
        entry.note = NOT_TRANSCRIBED_NOTE;
      }
    }
    if (this.#speechNoticeShown) return;
    this.#speechNoticeShown = true;
    this.#notice('error', SPEECH_UNAVAILABLE_NOTICE);
  }

  #push<T>(list: T[], limit: number, item: T): void {
    list.push(item);
    if (list.length > limit) list.splice(0, list.length - limit);
  }

  #notice(kind: NoticeView['kind'], text: string): void {
    this.#push(this.notices, SESSION_LIMITS.notices, {
      id: ++this.#noticeCount,
      kind,
      text,
      time: this.now(),
    });
  }

  #agent(id: string, name: string): AgentView {
    let agent = this.agents.get(id);
    if (!agent) {
      agent = { id, name, persona: name, state: 'unknown', ready: false, ended: false };
      this.agents.set(id, agent);
    }
    agent.name = name;
    return agent;
  }

  #agentEntry(agentId: string, name: string, itemId: string): TranscriptEntry {
    const key = `agent:${agentId}:${itemId}`;
    let entry = this.transcript.find((e) => e.key === key);
    if (!entry) {
      entry = {
        key,
        speaker: 'agent',
        // Named by the persona answering now: after a handoff the same agent speaks as `billing`.
        name: this.agents.get(agentId)?.persona ?? name,
        agentId,
        text: '',
        done: false,
        interrupted: false,
        heardMs: undefined,
        spoken: false,
        time: this.now(),
      };
      this.#push(this.transcript, SESSION_LIMITS.transcript, entry);
    }
    return entry;
  }

  /**
   * The entry of a spoken user turn. In a room every agent hears the user and reports the same turn
   * under its own item id, so a turn still open within 2 s is reused instead of duplicated.
   */
  #voiceEntry(itemId: string): TranscriptEntry {
    const known = this.#voiceByItem.get(itemId);
    if (known) return known;
    const open = this.transcript.findLast((e) => e.spoken && this.now() - e.time < 2000);
    const entry: TranscriptEntry = open ?? {
      key: `voice:${itemId}`,
      speaker: 'user',
      name: 'You',
      agentId: undefined,
      text: '',
      done: false,
      interrupted: false,
      heardMs: undefined,
      spoken: true,
      time: this.now(),
    };
    if (!open) this.#push(this.transcript, SESSION_LIMITS.transcript, entry);
    this.#voiceByItem.set(itemId, entry);
    if (this.#voiceByItem.size > SESSION_LIMITS.turns) {
      this.#voiceByItem.delete(this.#voiceByItem.keys().next().value as string);
    }
    return entry;
  }

  /** The persona the agent of this name answers as now. */
  #personaByName(agentName: string): string {
    for (const agent of this.agents.values()) if (agent.name === agentName) return agent.persona;
    return agentName;
  }

  #tool(id: string, agentName: string): ToolCallView {
    let call = this.tools.find((t) => t.id === id);
    if (!call) {
      call = {
        id,
        agentName: this.#personaByName(agentName),
        responseId: undefined,
        name: '',
        args: '',
        result: undefined,
        isError: false,
        status: 'running',
        time: this.now(),
      };
      this.#push(this.tools, SESSION_LIMITS.tools, call);
    }
    return call;
  }

  #turn(responseId: string, agentName: string): TurnFigures {
    let turn = this.turns.find((t) => t.responseId === responseId);
    if (!turn) {
      turn = {
        responseId,
        agentName: this.#personaByName(agentName),
        turn: this.#userTurns,
        userText: this.#lastUserText,
        timeToFirstAudioMs: undefined,
        e2eMs: undefined,
        interrupted: false,
        toolMs: undefined,
        heardAfterMs: undefined,
      };
      this.#push(this.turns, SESSION_LIMITS.turns, turn);
    }
    return turn;
  }
}
