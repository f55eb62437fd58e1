import { z } from 'zod';
import { geminiBlobSchema, geminiContentSchema, geminiFunctionResponseSchema } from './content.js';

/** Sensitivity levels of Gemini's automatic activity detection. */
export const GEMINI_START_SENSITIVITIES = [
  'START_SENSITIVITY_UNSPECIFIED',
  'START_SENSITIVITY_HIGH',
  'START_SENSITIVITY_LOW',
] as const;
export const GEMINI_END_SENSITIVITIES = [
  'END_SENSITIVITY_UNSPECIFIED',
  'END_SENSITIVITY_HIGH',
  'END_SENSITIVITY_LOW',
] as const;
/** What user activity does to a response in progress. */
export const GEMINI_ACTIVITY_HANDLINGS = [
  'ACTIVITY_HANDLING_UNSPECIFIED',
  'START_OF_ACTIVITY_INTERRUPTS',
  'NO_INTERRUPTION',
] as const;
/** Output modalities; a Live session uses exactly one. */
export const GEMINI_MODALITIES = ['AUDIO', 'TEXT'] as const;

export const geminiFunctionDeclarationSchema = z.looseObject({
  name: z.string().min(1).max(256),
  description: z.string().optional(),
  /** OpenAPI-style schema (Gemini's `Schema`). */
  parameters: z.record(z.string(), z.unknown()).optional(),
  /** Plain JSON Schema, accepted by newer models instead of `parameters`. */
  parametersJsonSchema: z.unknown().optional(),
});
export type GeminiFunctionDeclaration = z.infer<typeof geminiFunctionDeclarationSchema>;

export const geminiToolSchema = z.looseObject({
  functionDeclarations: z.array(geminiFunctionDeclarationSchema).optional(),
});

export const geminiAutomaticActivityDetectionSchema = z.looseObject({
  disabled: z.boolean().optional(),
  startOfSpeechSensitivity: z.enum(GEMINI_START_SENSITIVITIES).optional(),
  endOfSpeechSensitivity: z.enum(GEMINI_END_SENSITIVITIES).optional(),
  prefixPaddingMs: z.number().int().nonnegative().optional(),
  silenceDurationMs: z.number().int().nonnegative().optional(),
});

export const geminiGenerationConfigSchema = z.looseObject({
  responseModalities: z.array(z.enum(GEMINI_MODALITIES)).optional(),
  speechConfig: z
    .looseObject({
      voiceConfig: z
        .looseObject({ prebuiltVoiceConfig: z.looseObject({ voiceName: z.string().max(128) }).optional() })
        .optional(),
      languageCode: z.string().max(32).optional(),
    })
    .optional(),
  temperature: z.number().optional(),
  topP: z.number().optional(),
  topK: z.number().optional(),
  maxOutputTokens: z.number().int().optional(),
});

/** The first client message: everything about the session. */
export const geminiSetupSchema = z.looseObject({
  /** `models/<name>`. */
  model: z.string().min(1).max(256),
  generationConfig: geminiGenerationConfigSchema.optional(),
  systemInstruction: geminiContentSchema.optional(),
  tools: z.array(geminiToolSchema).optional(),
  realtimeInputConfig: z
    .looseObject({
      automaticActivityDetection: geminiAutomaticActivityDetectionSchema.optional(),
      activityHandling: z.enum(GEMINI_ACTIVITY_HANDLINGS).optional(),
      turnCoverage: z
        .enum([
          'TURN_COVERAGE_UNSPECIFIED',
          'TURN_INCLUDES_ONLY_ACTIVITY',
          'TURN_INCLUDES_ALL_INPUT',
          'TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO',
        ])
        .optional(),
    })
    .optional(),
  inputAudioTranscription: z.looseObject({}).optional(),
  outputAudioTranscription: z.looseObject({}).optional(),
  /**
   * `initialHistoryInClientContent: true` lets the client seed the conversation with `clientContent`
   * (ending `turnComplete: true`) right after setup, before any realtime input; models that refuse
   * `clientContent` later in the session (the 3.1 Live models) need it for a history replay.
   */
  historyConfig: z.looseObject({ initialHistoryInClientContent: z.boolean().optional() }).optional(),
  /** Ask for `voiceActivityDetectionSignal` messages at the start and end of user speech. */
  explicitVadSignal: z.boolean().optional(),
  /** Present (even empty) to receive resumption handles; `handle` resumes an earlier session. */
  sessionResumption: z.looseObject({ handle: z.string().max(4096).optional() }).optional(),
  contextWindowCompression: z
    .looseObject({
      /** int64 token counts, as decimal strings (protobuf JSON, as the SDK types them). */
      slidingWindow: z.looseObject({ targetTokens: z.string().regex(/^\d+$/).optional() }).optional(),
      triggerTokens: z.string().regex(/^\d+$/).optional(),
    })
    .optional(),
});
export type GeminiSetup = z.infer<typeof geminiSetupSchema>;

/** Streaming input; one field per message. `text` and audio are subject to activity detection. */
export const geminiRealtimeInputSchema = z.looseObject({
  audio: geminiBlobSchema.optional(),
  video: geminiBlobSchema.optional(),
  text: z.string().optional(),
  /** The microphone paused: flush cached audio (automatic activity detection only). */
  audioStreamEnd: z.boolean().optional(),
  /** Manual turn marks, allowed only when automatic activity detection is disabled. */
  activityStart: z.looseObject({}).optional(),
  activityEnd: z.looseObject({}).optional(),
  /** Deprecated predecessor of `audio`/`video`. */
  mediaChunks: z.array(geminiBlobSchema).optional(),
});
export type GeminiRealtimeInput = z.infer<typeof geminiRealtimeInputSchema>;

/** Turn-based content appended to the conversation; `turnComplete` asks the model to answer. */
export const geminiClientContentSchema = z.looseObject({
  turns: z.array(geminiContentSchema).optional(),
  turnComplete: z.boolean().optional(),
});
export type GeminiClientContent = z.infer<typeof geminiClientContentSchema>;

export const geminiToolResponseSchema = z.looseObject({
  functionResponses: z.array(geminiFunctionResponseSchema),
});
export type GeminiToolResponse = z.infer<typeof geminiToolResponseSchema>;

/** The kinds of client message, each the name of its single top-level field. */
export const GEMINI_CLIENT_MESSAGE_KINDS = [
  'setup',
  'realtimeInput',
  'clientContent',
  'toolResponse',
] as const;
export type GeminiClientMessageKind = (typeof GEMINI_CLIENT_MESSAGE_KINDS)[number];

/** A client message: exactly one of the four kinds (unknown extra fields are kept). */
export const geminiClientMessageSchema = z
  .looseObject({
    setup: geminiSetupSchema.optional(),
    realtimeInput: geminiRealtimeInputSchema.optional(),
    clientContent: geminiClientContentSchema.optional(),
    toolResponse: geminiToolResponseSchema.optional(),
  })
  .superRefine((message, ctx) => {
    const present = GEMINI_CLIENT_MESSAGE_KINDS.filter((kind) => message[kind] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          present.length === 0
            ? `expected one of ${GEMINI_CLIENT_MESSAGE_KINDS.join(', ')}`
            : `expected exactly one of ${GEMINI_CLIENT_MESSAGE_KINDS.join(', ')}, got ${present.join(' and ')}`,
      });
    }
  });
export type GeminiClientMessage = z.infer<typeof geminiClientMessageSchema>;

/** Which kind a valid client message is. */
export function geminiClientMessageKind(message: GeminiClientMessage): GeminiClientMessageKind {
  return GEMINI_CLIENT_MESSAGE_KINDS.find((kind) => message[kind] !== undefined) ?? 'setup';
}
