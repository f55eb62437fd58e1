import type { AudioFormat } from '@chorus/protocol';
import type { InspectionEvent } from 'xstate';
import type { ChorusClock } from '../clock.js';
import type { RetryPolicy } from '../connection/retry-policy.js';
import type { OutputGuardrail, OutputGuardrailSettings } from '../guardrails/output-guardrail.js';
import type {
  ConversationItem,
  RealtimeModel,
  SessionConfig,
  TurnDetection,
} from '../model/realtime-model.js';
import type { AnyTool } from '../tools/tool.js';
import type { ToolSource } from '../tools/tool-source.js';
import type { IdlePromptSettings } from './agent-cues.machine.js';
import type { FalseInterruptionOptions } from './false-interruption.js';
import type { Handoff, Persona } from './persona.js';

// The agent's configuration surface, kept apart so the class file reads as behaviour only.

/** A handoff target: an agent, or a handoff with a custom tool name or description. */
export type HandoffTarget = Persona | Handoff;

export interface RealtimeAgentOptions {
  /** The name the model, clients and other room members know the agent by. */
  readonly name: string;
  /** Unique within a room; `agent_id` in events (default: the name). */
  readonly id?: string;
  readonly instructions: string;
  /** Required to start; a handoff target used only as a persona needs none. */
  readonly model?: RealtimeModel;
  readonly tools?: readonly AnyTool[];
  /**
   * More tools, from sources such as MCP servers (`@chorus/mcp`): started with the agent, closed
   * when it stops, and followed while it runs (a changed list updates the model's session).
   */
  readonly mcpServers?: readonly ToolSource[];
  /** Agents this one may hand the conversation to; a function allows cycles (A -> B -> A). */
  readonly handoffs?: readonly HandoffTarget[] | (() => readonly HandoffTarget[]);
  readonly voice?: string;
  /**
   * Whether a client's session config may rename this agent before it starts (`agent_name`, as
   * AgentScope's page sends it). Its `instructions` and `voice` a private session may always set.
   * Default false.
   */
  readonly clientShaping?: boolean;
  readonly outputGuardrails?: readonly OutputGuardrail[];
  readonly outputGuardrailSettings?: OutputGuardrailSettings;
  /** Default `['audio', 'text']`. */
  readonly modalities?: readonly ('audio' | 'text')[];
  /** Default: the model's first input format. */
  readonly inputAudioFormat?: AudioFormat;
  /** Default: the model's output format. */
  readonly outputAudioFormat?: AudioFormat;
  /** Default server VAD that creates responses and lets the user interrupt them. */
  readonly turnDetection?: TurnDetection;
  /** Transcribe the user's audio (default true). */
  readonly inputTranscription?: boolean;
  readonly providerOptions?: SessionConfig['providerOptions'];
  /** Timers and timestamps (default real time); pass XState's `SimulatedClock` or `TestClock` in tests. */
  readonly clock?: ChorusClock;
  readonly retry?: Partial<RetryPolicy>;
  /** Jitter source for reconnect backoff, in [0, 1). */
  readonly random?: () => number;
  /** Inputs kept while the model reconnects (default 500). */
  readonly maxBufferedInputs?: number;
  /** History items kept; older ones are dropped (default 200). */
  readonly historySize?: number;
  /**
   * Prior conversation items to start from (resuming yesterday's call); the model gets them when it
   * connects. Ids must be unique. See also `updateHistory`.
   */
  readonly history?: readonly ConversationItem[];
  /**
   * Prompt a silent user: after `afterMs` of silence while the agent listens it says `text`, and,
   * with `endAfterMs`, ends the session after a second silence that long. Off by default.
   */
  readonly idlePrompt?: IdlePromptSettings;
  /** Timeout for tools that set none (default 30 s). */
  readonly toolTimeoutMs?: number;
  /** How long to wait for the model to confirm a cancel before listening anyway (default 1 s). */
  readonly interruptSettleMs?: number;
  /**
   * Resume a reply that a sound cut off: when the interrupting input carries no words (or only
   * backchannels such as "mm-hmm") within `windowMs`, the agent carries on from where the listener
   * stopped hearing. Off by default.
   */
  readonly resumeAfterFalseInterruption?: FalseInterruptionOptions;
  /** How long `stop()` waits for the model to close (default 5 s). */
  readonly closeTimeoutMs?: number;
  /** XState inspection, for the inspector (a root agent only; in a room the room inspects). */
  readonly inspect?: (event: InspectionEvent) => void;
}
