import type { SessionConfig, TurnDetection } from '@chorus/core';
import type { AudioFormat } from '@chorus/protocol';
import type { OpenAISession } from '@chorus/protocol/openai';
import { toWireTool } from './wire-items.js';

/** The GA wire format for a Chorus audio format: G.711 passes through, PCM is always 24 kHz. */
export function openaiWireFormat(format: AudioFormat): AudioFormat {
  return format.type === 'audio/pcm' ? { type: 'audio/pcm', rate: 24000 } : { type: format.type, rate: 8000 };
}

function gaFormat(format: AudioFormat): NonNullable<NonNullable<OpenAISession['audio']>['input']>['format'] {
  return format.type === 'audio/pcm' ? { type: 'audio/pcm', rate: 24000 } : { type: format.type };
}

function definedOnly<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Chorus turn detection as the GA `turn_detection` object (`null` turns server VAD off). */
export function openaiTurnDetection(
  td: TurnDetection,
): NonNullable<NonNullable<OpenAISession['audio']>['input']>['turn_detection'] {
  if (td.type === 'none') return null;
  if (td.type === 'semantic_vad') {
    return definedOnly({
      type: 'semantic_vad' as const,
      eagerness: td.eagerness,
      create_response: td.createResponse,
      interrupt_response: td.interruptResponse,
    });
  }
  return definedOnly({
    type: 'server_vad' as const,
    threshold: td.threshold,
    prefix_padding_ms: td.prefixPaddingMs,
    silence_duration_ms: td.silenceDurationMs,
    create_response: td.createResponse,
    interrupt_response: td.interruptResponse,
  });
}

/**
 * The GA session for a Chorus session config. GA takes a single output modality: `audio` (which
 * includes its transcript) when audio is wanted, else `text`. `providerOptions.transcriptionModel`
 * picks the input transcription model (default `gpt-4o-mini-transcribe`); `providerOptions.session`
 * is merged in last for fields Chorus does not model.
 */
export function openaiSession(config: SessionConfig): OpenAISession {
  const options = config.providerOptions ?? {};
  const transcriptionModel =
    typeof options.transcriptionModel === 'string' ? options.transcriptionModel : 'gpt-4o-mini-transcribe';
  const extra = (
    typeof options.session === 'object' && options.session !== null ? options.session : {}
  ) as Record<string, unknown>;
  const output = definedOnly({ format: gaFormat(config.outputAudioFormat), voice: config.voice });
  return {
    type: 'realtime',
    instructions: config.instructions,
    output_modalities: config.modalities.includes('audio') ? ['audio'] : ['text'],
    audio: {
      input: {
        format: gaFormat(config.inputAudioFormat),
        transcription: config.inputTranscription ? { model: transcriptionModel } : null,
        turn_detection: openaiTurnDetection(config.turnDetection),
      },
      output,
    },
    tools: config.tools.map(toWireTool),
    tool_choice: 'auto',
    ...extra,
  };
}
