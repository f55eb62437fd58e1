/**
 * What differs between Gemini Live models on the wire. Google's model pages are the sources:
 *
 * - `gemini-3.8-live` (stable, September 2026) is the default Live model and takes `clientContent`
 *   for the whole session (https://ai.google.dev/gemini-api/docs/models/gemini-3.8-live).
 * - `gemini-3.1-flash-live-preview` refuses `clientContent` after the setup (close 1007): text goes
 *   as `realtimeInput.text`, and a history can only be seeded right after the setup, announced by
 *   `historyConfig.initialHistoryInClientContent` (livekit/agents PR 5251 and its Google plugin;
 *   https://ai.google.dev/gemini-api/docs/models/gemini-3.1-flash-live-preview).
 * - The native-audio models (`gemini-2.5-flash-native-audio-preview-*`) and the 3.x Live models
 *   answer in audio only; a text-only session reads the output transcription instead.
 * - `gemini-live-2.5-flash-preview` and `gemini-2.0-flash-live-001` were shut down on 2025-12-09
 *   (https://ai.google.dev/gemini-api/docs/deprecations).
 */
export interface GeminiModelDialect {
  /** `responseModalities` may only be `AUDIO`: text sessions take the words from the output transcription. */
  readonly audioOnlyOutput: boolean;
  /** `clientContent` is accepted at any time (mid-session text and history replay). */
  readonly clientContentMidSession: boolean;
}

/** Models whose dialect is known; any other name gets the path every model accepts. */
const KNOWN: readonly { readonly match: RegExp; readonly dialect: GeminiModelDialect }[] = [
  {
    match: /^gemini-3\.1-flash-live/,
    dialect: { audioOnlyOutput: true, clientContentMidSession: false },
  },
  { match: /^gemini-3\.\d+-live/, dialect: { audioOnlyOutput: true, clientContentMidSession: true } },
  { match: /native-audio/, dialect: { audioOnlyOutput: true, clientContentMidSession: true } },
];

/** Audio answers (every Live model gives them) and no `clientContent` after the seeding history. */
const UNKNOWN: GeminiModelDialect = { audioOnlyOutput: true, clientContentMidSession: false };

/** The wire dialect of a model, by name (with or without the `models/` prefix). */
export function geminiModelDialect(model: string): GeminiModelDialect {
  const name = model.replace(/^models\//, '');
  return KNOWN.find((entry) => entry.match.test(name))?.dialect ?? UNKNOWN;
}
