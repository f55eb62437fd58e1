import { findMentions } from './mention.js';

/** An agent as floor policies see it. */
export interface FloorAgent {
  readonly id: string;
  readonly name: string;
}

/** Who said something in a room. */
export type RoomSpeaker =
  | { readonly kind: 'user'; readonly id: string; readonly name: string }
  | { readonly kind: 'agent'; readonly id: string; readonly name: string };

/** One thing said in a room, by a user or an agent. */
export interface RoomUtterance {
  readonly speaker: RoomSpeaker;
  readonly text: string;
}

/** What a floor policy knows when it decides who answers `utterance`. */
export interface FloorContext {
  readonly roomId: string;
  /** Every agent of the room, in the order the room was given them. */
  readonly agents: readonly FloorAgent[];
  /** What was just said; the policy picks who answers it. */
  readonly utterance: RoomUtterance;
  /** The agent holding the floor now, or null when nobody (or everybody) does. */
  readonly holder: string | null;
  /** The last agent that held the floor alone, or null if none has yet. */
  readonly lastHolder: string | null;
  /** Agent-to-agent turns since the last user input. */
  readonly agentTurns: number;
  readonly maxAgentTurns: number;
  /** The most recent utterances, oldest first (bounded), ending with `utterance`. */
  readonly transcript: readonly RoomUtterance[];
  /** Aborted when the room stops; a slow policy (a moderator agent) should give up then. */
  readonly signal: AbortSignal;
  /**
   * Users whose client dropped and may come back (the gateway holds their session): a policy that
   * addresses users should skip them. Optional so hand-built contexts stay valid.
   */
  readonly awayUsers?: readonly string[];
}

/**
 * Decides who may speak next. `select` is asked after every utterance, by a user or an agent, and
 * returns the ids of the agents that should answer it (empty: nobody; the floor goes back to the
 * users). The room drops the speaker itself and unknown ids, and applies the loop guard to
 * answers to agents.
 */
export interface FloorPolicy {
  readonly name: string;
  select(context: FloorContext): readonly string[] | Promise<readonly string[]>;
}

/** The built-in policies by name. */
export type FloorName = 'free' | 'roundRobin' | 'mention' | 'moderator';

/**
 * Every agent answers every user; agents hear each other as context only and do not answer one
 * another (that would make every exchange a loop). AgentScope's behaviour, minus the echo chamber.
 */
export function freeFloor(): FloorPolicy {
  return {
    name: 'free',
    select: ({ utterance, agents }) => (utterance.speaker.kind === 'user' ? agents.map((a) => a.id) : []),
  };
}

export interface RoundRobinOptions {
  /**
   * Whether an agent's words are answered by the next agent in turn (agents converse until the
   * loop guard or a user stops them). Default false: agents take turns answering users.
   */
  readonly chain?: boolean;
}

/** One agent at a time, in the room's order, starting after the last one that held the floor. */
export function roundRobinFloor(options: RoundRobinOptions = {}): FloorPolicy {
  return {
    name: 'roundRobin',
    select: ({ utterance, agents, lastHolder }) => {
      if (utterance.speaker.kind === 'agent' && !options.chain) return [];
      const after = utterance.speaker.kind === 'agent' ? utterance.speaker.id : lastHolder;
      const next = agents[(agents.findIndex((a) => a.id === after) + 1) % agents.length];
      return next ? [next.id] : [];
    },
  };
}

/**
 * Who answers a user who names no agent:
 * - `last`: the agent that last held the floor, or the first agent if none has (default);
 * - `first`: always the first agent;
 * - `all`: every agent;
 * - `none`: nobody.
 */
export type MentionFallback = 'last' | 'first' | 'all' | 'none';

export interface MentionOptions {
  readonly fallback?: MentionFallback;
}

/**
 * The agents addressed by name answer (case-insensitive, whole words, in the order named). An
 * agent can pass the word by naming another agent; an agent naming nobody ends the chain.
 */
export function mentionFloor(options: MentionOptions = {}): FloorPolicy {
  const fallback = options.fallback ?? 'last';
  return {
    name: 'mention',
    select: ({ utterance, agents, lastHolder }) => {
      const named = findMentions(
        utterance.text,
        agents.map((a) => a.name),
      ).map((i) => agents[i]!.id);
      if (named.length > 0 || utterance.speaker.kind === 'agent') return named;
      switch (fallback) {
        case 'all':
          return agents.map((a) => a.id);
        case 'none':
          return [];
        case 'first':
          return agents[0] ? [agents[0].id] : [];
        case 'last': {
          const last = agents.find((a) => a.id === lastHolder) ?? agents[0];
          return last ? [last.id] : [];
        }
      }
    },
  };
}

/**
 * Picks the next speaker: an agent's name (or id), or null/undefined for nobody. Asked after every
 * utterance, like AG2's GroupChatManager.
 */
export type ModeratorFn = (
  context: FloorContext,
) => string | null | undefined | Promise<string | null | undefined>;

/** A moderator decides who speaks after every utterance; null hands the floor back to the users. */
export function moderatorFloor(choose: ModeratorFn): FloorPolicy {
  return {
    name: 'moderator',
    select: async (context) => {
      const choice = await choose(context);
      if (choice === null || choice === undefined || choice.trim() === '') return [];
      const wanted = choice.trim().toLowerCase();
      const agent = context.agents.find((a) => a.id === choice || a.name.toLowerCase() === wanted);
      if (!agent) {
        const names = context.agents.map((a) => a.name).join(', ');
        throw new Error(`moderator chose "${choice}", which is no agent of this room (agents: ${names})`);
      }
      return [agent.id];
    },
  };
}

/** Turns a `floor` option into a policy. `moderator` is required for the `moderator` floor. */
export function resolveFloorPolicy(floor: FloorName | FloorPolicy, moderator?: ModeratorFn): FloorPolicy {
  if (typeof floor !== 'string') return floor;
  switch (floor) {
    case 'free':
      return freeFloor();
    case 'roundRobin':
      return roundRobinFloor();
    case 'mention':
      return mentionFloor();
    case 'moderator':
      if (!moderator) {
        throw new TypeError(
          "ChatRoom: floor 'moderator' needs a `moderator` option (a function or an agent)",
        );
      }
      return moderatorFloor(moderator);
    default:
      throw new TypeError(
        `ChatRoom: unknown floor "${String(floor)}"; expected free, roundRobin, mention, moderator or a FloorPolicy`,
      );
  }
}
