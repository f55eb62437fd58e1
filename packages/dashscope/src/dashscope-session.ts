import type { ConversationItem, SessionConfig } from '@chorus/core';
import type { DashScopeSession } from '@chorus/protocol/dashscope';
import type { DashScopeModelSpec } from './dashscope-models.js';

function definedOnly<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function historyLine(item: ConversationItem): string {
  switch (item.type) {
    case 'message':
      return `${item.role === 'assistant' ? 'Assistant' : item.role === 'system' ? 'System' : 'User'}: ${item.text}`;
    case 'function_call':
      return `Assistant called ${item.name}(${item.arguments}) [call ${item.callId}]`;
    case 'function_call_output':
      return `Tool result [call ${item.callId}]: ${item.output}`;
  }
}

/**
 * The conversation so far as text appended to the instructions. DashScope documents no way to insert
 * past messages, so a resumed session gets its context back through the instructions.
 */
export function historyAsInstructions(history: readonly ConversationItem[]): string {
  if (history.length === 0) return '';
  const lines = history.map(historyLine);
  return `\n\nThe conversation so far (continue it; do not repeat it):\n${lines.join('\n')}`;
}

/**
 * The DashScope session for a Chorus session config: `['text','audio']` or `['text']`, 16 kHz
 * `pcm16` in and the model's own output format (`spec`), server VAD (or `null` when the local VAD
 * decides turns). `tools` only when opted in. `providerOptions.session` is merged in last for fields
 * Chorus does not model.
 */
export function dashscopeSession(
  config: SessionConfig,
  options: { tools: boolean; spec: DashScopeModelSpec; history?: readonly ConversationItem[] },
): DashScopeSession {
  const td = config.turnDetection;
  const extra = (
    typeof config.providerOptions?.session === 'object' && config.providerOptions.session !== null
      ? config.providerOptions.session
      : {}
  ) as Record<string, unknown>;
  const session: DashScopeSession = {
    modalities: config.modalities.includes('audio') ? ['text', 'audio'] : ['text'],
    voice: config.voice ?? options.spec.defaultVoice,
    input_audio_format: 'pcm16',
    output_audio_format: options.spec.outputAudioFormat,
    instructions: config.instructions + historyAsInstructions(options.history ?? []),
    turn_detection:
      td.type === 'none'
        ? null
        : definedOnly({
            type: td.type === 'semantic_vad' ? ('semantic_vad' as const) : ('server_vad' as const),
            threshold: td.threshold,
            prefix_padding_ms: td.prefixPaddingMs,
            silence_duration_ms: td.silenceDurationMs,
            create_response: td.createResponse,
            interrupt_response: td.interruptResponse,
          }),
    input_audio_transcription: config.inputTranscription ? { model: 'gummy-realtime-v1' } : null,
  };
  if (options.tools && config.tools.length > 0) {
    session.tools = config.tools.map((tool) => ({
      type: 'function' as const,
      name: tool.name,
      description: tool.description,
      parameters: { ...tool.parameters },
    }));
  }
  return { ...session, ...extra };
}
