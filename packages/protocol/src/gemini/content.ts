import { z } from 'zod';

// Shapes shared by client and server messages: Gemini's `Content`/`Part`/`Blob`. Every object is
// loose so fields Google adds later (thought signatures, video metadata, ...) flow through untouched.

/** Inline bytes: base64 `data` with its MIME type, e.g. `audio/pcm;rate=16000`, `image/jpeg`. */
export const geminiBlobSchema = z.looseObject({
  mimeType: z.string().max(128),
  data: z.string(),
});
export type GeminiBlob = z.infer<typeof geminiBlobSchema>;

/** A function call as the model asks for it: `args` is a JSON object. */
export const geminiFunctionCallSchema = z.looseObject({
  id: z.string().max(256).optional(),
  name: z.string().max(256),
  args: z.record(z.string(), z.unknown()).optional(),
});
export type GeminiFunctionCall = z.infer<typeof geminiFunctionCallSchema>;

/** The answer to a function call; `response` must be a JSON object (a protobuf Struct). */
export const geminiFunctionResponseSchema = z.looseObject({
  id: z.string().max(256).optional(),
  name: z.string().max(256),
  response: z.record(z.string(), z.unknown()),
});
export type GeminiFunctionResponse = z.infer<typeof geminiFunctionResponseSchema>;

/** One part of a content turn: text, inline data, or a function call or response. */
export const geminiPartSchema = z.looseObject({
  text: z.string().optional(),
  inlineData: geminiBlobSchema.optional(),
  functionCall: geminiFunctionCallSchema.optional(),
  functionResponse: geminiFunctionResponseSchema.optional(),
  thought: z.boolean().optional(),
});
export type GeminiPart = z.infer<typeof geminiPartSchema>;

/** A conversation turn: `role` is `user` or `model`. */
export const geminiContentSchema = z.looseObject({
  role: z.string().max(32).optional(),
  parts: z.array(geminiPartSchema).optional(),
});
export type GeminiContent = z.infer<typeof geminiContentSchema>;
