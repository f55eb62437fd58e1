import type { ClientEventOf } from '@chorus/protocol';
import type { ModelConnection } from '../connection/model-connection.js';
import type { RealtimeModel, SessionConfig, ToolDefinition } from '../model/realtime-model.js';
import type { AgentEmitter } from './agent-emitter.js';
import type { Persona } from './persona.js';
import type { RealtimeAgentOptions } from './realtime-agent-options.js';

// How an agent's options become the model's session, and which part of it a handoff swaps.

/** What a persona contributes to the session: a handoff swaps exactly these. */
export function personaSession(
  persona: Persona,
  fallbackVoice: string | undefined,
): Pick<SessionConfig, 'instructions' | 'tools' | 'voice'> {
  const tools: ToolDefinition[] = [
    ...persona.tools.map((t) => t.definition),
    ...persona.handoffs.map((h) => h.definition),
  ];
  return { instructions: persona.instructions, tools, voice: persona.voice ?? fallbackVoice };
}

/** The session an agent opens with: its own persona, and the options' defaults for the rest. */
export function initialSession(
  agent: Persona,
  options: RealtimeAgentOptions,
  model: RealtimeModel,
): SessionConfig {
  return {
    ...personaSession(agent, agent.voice),
    modalities: options.modalities ?? ['audio', 'text'],
    inputAudioFormat: options.inputAudioFormat ??
      model.capabilities.inputFormats[0] ?? { type: 'audio/pcm', rate: 16000 },
    outputAudioFormat: options.outputAudioFormat ?? model.capabilities.outputFormat,
    turnDetection: options.turnDetection ?? {
      type: 'server_vad',
      createResponse: true,
      interruptResponse: true,
    },
    inputTranscription: options.inputTranscription ?? true,
    providerOptions: options.providerOptions,
  };
}

/**
 * A client's `client_session_create` on a running session: what may change (instructions, voice,
 * modalities, turn detection, client tools) goes to the model in one update; a change of audio format is refused with an error
 * naming the field. The changed session is handed to `commit` before the model hears of it.
 */
/** The tools a client runs itself, as the agent tracks them (see `client_tools`). */
export interface ClientTools {
  /** Names the agent's own tools and handoffs use; these stay the agent's. */
  readonly own: () => ReadonlySet<string>;
  /** The client tools offered now. */
  current: ReadonlySet<string>;
}

export function applySessionConfig(
  event: ClientEventOf<'client_session_create'>,
  session: SessionConfig,
  connection: ModelConnection,
  emitter: AgentEmitter,
  commit: (updated: SessionConfig) => void,
  clientTools?: ClientTools,
): void {
  const { config } = event;
  for (const key of ['input_audio_format', 'output_audio_format'] as const) {
    const wanted = config[key];
    const current = key === 'input_audio_format' ? session.inputAudioFormat : session.outputAudioFormat;
    if (wanted && (wanted.type !== current.type || wanted.rate !== current.rate)) {
      emitter.emitError(
        'invalid_request_error',
        'unsupported_session_update',
        `client_session_create: ${key} cannot change on a running session (it is ${current.type} at ${current.rate} Hz)`,
      );
    }
  }
  const patch: { -readonly [K in keyof SessionConfig]?: SessionConfig[K] } = {};
  if (config.instructions !== undefined) patch.instructions = config.instructions;
  if (config.voice !== undefined) patch.voice = config.voice;
  if (config.modalities !== undefined) patch.modalities = config.modalities;
  if (config.turn_detection !== undefined) {
    const { type, create_response, interrupt_response } = config.turn_detection;
    patch.turnDetection = {
      ...session.turnDetection,
      type,
      ...(create_response === undefined ? {} : { createResponse: create_response }),
      ...(interrupt_response === undefined ? {} : { interruptResponse: interrupt_response }),
    };
  }
  const reported: Record<string, unknown> = {};
  if (config.client_tools !== undefined && clientTools) {
    const own = clientTools.own();
    const accepted = config.client_tools.filter((t) => !own.has(t.name));
    const previous = clientTools.current;
    patch.tools = [
      ...session.tools.filter((t) => !previous.has(t.name)),
      ...accepted.map((t) => ({
        name: t.name,
        description: t.description ?? '',
        parameters: t.parameters ?? { type: 'object', properties: {} },
      })),
    ];
    clientTools.current = new Set(accepted.map((t) => t.name));
    reported.client_tools = accepted.map((t) => t.name);
    const refused = config.client_tools.filter((t) => own.has(t.name)).map((t) => t.name);
    if (refused.length > 0) reported.client_tools_ignored = refused;
  }
  if (Object.keys(patch).length > 0) {
    commit({ ...session, ...patch });
    connection.updateSession(patch);
  }
  emitter.emit({
    type: 'server_session_updated',
    session_id: event.session_id ?? emitter.agentId,
    config: { ...patch, ...reported },
  });
}
