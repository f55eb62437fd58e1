import type { SessionConfig, TurnDetection } from '@chorus/core';
import type { GeminiSetup } from '@chorus/protocol/gemini';
import { functionDeclarationOf, type ToolSchemaField } from './tool-schema.js';

/** Adapter settings that shape the setup message (beyond the session itself). */
export interface SetupSettings {
  /** Model name, with or without the `models/` prefix. */
  readonly model: string;
  readonly sessionResumption: boolean;
  readonly contextWindowCompression: boolean;
  readonly toolSchemaField: ToolSchemaField;
  /** The model answers in audio only: a text session asks for audio and reads the transcription. */
  readonly audioOnlyOutput?: boolean;
  /** A history will be seeded with `clientContent` right after setup (models that refuse it later). */
  readonly seedHistory?: boolean;
}

/**
 * Builds the `setup` message for a session. Gemini answers in one modality: audio when the session
 * asks for audio at all, or when the model answers in audio only (its transcription carries the
 * words), text otherwise. Pass `handle` to resume.
 */
export function buildSetup(session: SessionConfig, settings: SetupSettings, handle?: string): GeminiSetup {
  const audioOut = session.modalities.includes('audio') || settings.audioOnlyOutput === true;
  const setup: GeminiSetup = {
    model: settings.model.startsWith('models/') ? settings.model : `models/${settings.model}`,
    generationConfig: {
      responseModalities: [audioOut ? 'AUDIO' : 'TEXT'],
      ...(audioOut && session.voice
        ? { speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: session.voice } } } }
        : {}),
      ...generationOptions(session.providerOptions),
    },
  };
  if (session.instructions) setup.systemInstruction = { parts: [{ text: session.instructions }] };
  if (session.tools.length > 0) {
    setup.tools = [
      {
        functionDeclarations: session.tools.map((tool) =>
          functionDeclarationOf(tool, settings.toolSchemaField),
        ),
      },
    ];
  }
  setup.realtimeInputConfig = realtimeInputConfig(session.turnDetection);
  if (session.inputTranscription) setup.inputAudioTranscription = {};
  if (audioOut) setup.outputAudioTranscription = {};
  if (settings.seedHistory) setup.historyConfig = { initialHistoryInClientContent: true };
  if (settings.sessionResumption) setup.sessionResumption = handle ? { handle } : {};
  if (settings.contextWindowCompression) setup.contextWindowCompression = { slidingWindow: {} };
  return setup;
}

function realtimeInputConfig(turn: TurnDetection): NonNullable<GeminiSetup['realtimeInputConfig']> {
  const activityHandling =
    turn.interruptResponse === false ? 'NO_INTERRUPTION' : 'START_OF_ACTIVITY_INTERRUPTS';
  if (turn.type === 'none') return { automaticActivityDetection: { disabled: true }, activityHandling };
  const detection: NonNullable<
    NonNullable<GeminiSetup['realtimeInputConfig']>['automaticActivityDetection']
  > = {
    disabled: false,
  };
  // OpenAI's threshold (0..1, default 0.5): higher means less sensitive to the start of speech.
  if (turn.threshold !== undefined && turn.threshold >= 0.7)
    detection.startOfSpeechSensitivity = 'START_SENSITIVITY_LOW';
  if (turn.threshold !== undefined && turn.threshold <= 0.3)
    detection.startOfSpeechSensitivity = 'START_SENSITIVITY_HIGH';
  // Semantic eagerness: eager turn ends mean a more sensitive end-of-speech detector.
  if (turn.eagerness === 'high') detection.endOfSpeechSensitivity = 'END_SENSITIVITY_HIGH';
  if (turn.eagerness === 'low') detection.endOfSpeechSensitivity = 'END_SENSITIVITY_LOW';
  if (turn.prefixPaddingMs !== undefined) detection.prefixPaddingMs = Math.round(turn.prefixPaddingMs);
  if (turn.silenceDurationMs !== undefined) detection.silenceDurationMs = Math.round(turn.silenceDurationMs);
  return { automaticActivityDetection: detection, activityHandling };
}

const GENERATION_KEYS = ['temperature', 'topP', 'topK', 'maxOutputTokens'] as const;

function generationOptions(options: SessionConfig['providerOptions']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of GENERATION_KEYS) {
    const value = options?.[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}
