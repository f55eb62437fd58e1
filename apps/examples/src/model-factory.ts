import type { ChorusClock, RealtimeModel } from '@chorus/core';
import { type Brain, LocalModel, type LocalModelOptions } from '@chorus/local';

/** What a scenario asks for when it needs a model for one of its agents. */
export interface ModelRequest {
  /** The agent the model is for. */
  readonly agent: string;
  /**
   * The rules that make the scenario meaningful without a language model. The local model answers
   * with them; a provider model (OpenAI, Gemini, DashScope) ignores them and follows the agent's
   * instructions instead.
   */
  readonly brain: Brain;
}

/** Builds a fresh model for one agent of a scenario. */
export type ModelFactory = (request: ModelRequest) => RealtimeModel;

/** Options of {@link localModels}: every {@link LocalModelOptions} but the brain, which the scenario gives. */
export type LocalModelsOptions = Omit<LocalModelOptions, 'brain'>;

/**
 * The default model factory: the embedded local model (no key, no network) with the scenario's rules
 * brain. Pass `speed` and `clock` to run a scenario faster than real time in tests.
 */
export function localModels(options: LocalModelsOptions = {}): ModelFactory {
  return ({ brain }) => new LocalModel({ ...options, brain });
}

/** What every scenario factory takes. */
export interface ScenarioOptions {
  /** Where the agents' models come from (default: {@link localModels}). */
  readonly model?: ModelFactory;
  /**
   * Maps the voice a scenario picked (an OpenAI voice name such as `alloy`, which the local model
   * also understands) to one the provider knows, e.g. `Puck` on Gemini. Default: unchanged.
   */
  readonly voice?: (preferred: string) => string | undefined;
  /** Timers of the agents and rooms (default real time); a `TestClock` in tests. */
  readonly clock?: ChorusClock;
  /**
   * Whether a client's session config may rename and instruct the agents (`agent_name`,
   * `agent1_name`, `agent1_instructions`, ... as AgentScope's pages send them). The demo rooms allow it.
   */
  readonly clientShaping?: boolean;
}

/** The voice an agent of a scenario gets: `preferred`, mapped by `options.voice` when given. */
export function scenarioVoice(options: ScenarioOptions, preferred: string): { voice?: string } {
  const voice = options.voice ? options.voice(preferred) : preferred;
  return voice === undefined ? {} : { voice };
}
