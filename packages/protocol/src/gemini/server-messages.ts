import { z } from 'zod';
import { geminiContentSchema, geminiFunctionCallSchema } from './content.js';

/** A transcription fragment; `finished` marks the last one of a turn (newer API versions). */
export const geminiTranscriptionSchema = z.looseObject({
  text: z.string().optional(),
  finished: z.boolean().optional(),
});

export const geminiServerContentSchema = z.looseObject({
  modelTurn: geminiContentSchema.optional(),
  /** The model finished its turn (also sent, after `interrupted`, when the user talked over it). */
  turnComplete: z.boolean().optional(),
  /** The user interrupted: stop playback; a `turnComplete` follows, a `generationComplete` does not. */
  interrupted: z.boolean().optional(),
  /** The model finished generating (playback may still be running). */
  generationComplete: z.boolean().optional(),
  inputTranscription: geminiTranscriptionSchema.optional(),
  /** A provisional transcription of the user's speech so far; later ones replace it. */
  interimInputTranscription: geminiTranscriptionSchema.optional(),
  outputTranscription: geminiTranscriptionSchema.optional(),
  groundingMetadata: z.unknown().optional(),
  /** Why the turn ended without an answer, e.g. `NEED_MORE_INPUT`, `PROHIBITED_INPUT_CONTENT` (`TurnCompleteReason`). */
  turnCompleteReason: z.string().max(128).optional(),
  waitingForInput: z.boolean().optional(),
});
export type GeminiServerContent = z.infer<typeof geminiServerContentSchema>;

export const geminiToolCallSchema = z.looseObject({
  functionCalls: z.array(geminiFunctionCallSchema),
});
export type GeminiToolCall = z.infer<typeof geminiToolCallSchema>;

export const geminiToolCallCancellationSchema = z.looseObject({ ids: z.array(z.string().max(256)) });

/** The server will close soon; `timeLeft` is a protobuf Duration such as `"50s"` or `"0.5s"`. */
export const geminiGoAwaySchema = z.looseObject({ timeLeft: z.union([z.string(), z.number()]).optional() });

/** A handle to resume this session with; `resumable: false` (mid-generation) carries no usable handle. */
export const geminiSessionResumptionUpdateSchema = z.looseObject({
  newHandle: z.string().max(4096).optional(),
  resumable: z.boolean().optional(),
  lastConsumedClientMessageIndex: z.union([z.string(), z.number()]).optional(),
});
export type GeminiSessionResumptionUpdate = z.infer<typeof geminiSessionResumptionUpdateSchema>;

export const geminiUsageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  responseTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
});
export type GeminiUsageMetadata = z.infer<typeof geminiUsageMetadataSchema>;

/** The server accepted the setup; `sessionId` names the session (sent by newer API versions). */
export const geminiSetupCompleteSchema = z.looseObject({ sessionId: z.string().max(256).optional() });

/** The server's own voice activity detection: `ACTIVITY_START` when the user starts talking. */
export const geminiVoiceActivitySchema = z.looseObject({
  voiceActivityType: z.string().max(64).optional(),
  audioOffset: z.string().max(64).optional(),
});

/** The same detector's signal: `VAD_SIGNAL_TYPE_SOS` (start of speech) or `VAD_SIGNAL_TYPE_EOS`. */
export const geminiVoiceActivityDetectionSignalSchema = z.looseObject({
  vadSignalType: z.string().max(64).optional(),
});

/** The kinds of server message, each the name of its top-level field (`usageMetadata` may ride along). */
export const GEMINI_SERVER_MESSAGE_KINDS = [
  'setupComplete',
  'serverContent',
  'toolCall',
  'toolCallCancellation',
  'goAway',
  'sessionResumptionUpdate',
  'voiceActivity',
  'voiceActivityDetectionSignal',
  'usageMetadata',
] as const;
export type GeminiServerMessageKind = (typeof GEMINI_SERVER_MESSAGE_KINDS)[number] | 'unknown';

/**
 * A server message. Every field is optional and unknown fields are kept, so a message type Google
 * adds later parses (as kind `unknown`) instead of failing; known fields are validated.
 */
export const geminiServerMessageSchema = z.looseObject({
  setupComplete: geminiSetupCompleteSchema.optional(),
  serverContent: geminiServerContentSchema.optional(),
  toolCall: geminiToolCallSchema.optional(),
  toolCallCancellation: geminiToolCallCancellationSchema.optional(),
  goAway: geminiGoAwaySchema.optional(),
  sessionResumptionUpdate: geminiSessionResumptionUpdateSchema.optional(),
  voiceActivity: geminiVoiceActivitySchema.optional(),
  voiceActivityDetectionSignal: geminiVoiceActivityDetectionSignalSchema.optional(),
  usageMetadata: geminiUsageMetadataSchema.optional(),
});
export type GeminiServerMessage = z.infer<typeof geminiServerMessageSchema>;

/** The main kind of a server message: its first known field other than `usageMetadata`, if any. */
export function geminiServerMessageKind(message: GeminiServerMessage): GeminiServerMessageKind {
  const main = GEMINI_SERVER_MESSAGE_KINDS.find(
    (kind) => kind !== 'usageMetadata' && message[kind] !== undefined,
  );
  if (main) return main;
  return message.usageMetadata !== undefined ? 'usageMetadata' : 'unknown';
}
