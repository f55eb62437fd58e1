/** What the fake knows about one Live model: whether it serves it, and how it behaves. */
export interface FakeGeminiModel {
  /** The name without the `models/` prefix. */
  readonly name: string;
  /** Refuses `responseModalities: ['TEXT']`: the native-audio and 3.x Live models answer in audio only. */
  readonly audioOnlyOutput: boolean;
  /**
   * Takes `clientContent` at any point. When false (3.1 Live), `clientContent` is refused with 1007
   * except a history seeded right after a setup that set `historyConfig.initialHistoryInClientContent`.
   */
  readonly clientContentMidSession: boolean;
}

/**
 * The Live models the fake serves, from Google's model pages and deprecations page (December 2026):
 * `gemini-3.8-live` and its extended-thinking variant (stable, the default), `gemini-3.1-flash-live-preview`
 * (a legacy preview that refuses `clientContent` after setup, livekit/agents PR 5251), and the 2.5
 * native-audio previews (still listed; whether they are still served is unverified). Any other name,
 * including the retired `gemini-live-2.5-flash-preview` and `gemini-2.0-flash-live-001` (shut down on
 * 2025-12-09), is refused at setup as the service does.
 */
export const FAKE_GEMINI_LIVE_MODELS: readonly FakeGeminiModel[] = [
  { name: 'gemini-3.8-live', audioOnlyOutput: true, clientContentMidSession: true },
  { name: 'gemini-3.8-live-extended-thinking', audioOnlyOutput: true, clientContentMidSession: true },
  { name: 'gemini-3.1-flash-live-preview', audioOnlyOutput: true, clientContentMidSession: false },
  {
    name: 'gemini-2.5-flash-native-audio-preview-12-2025',
    audioOnlyOutput: true,
    clientContentMidSession: true,
  },
  {
    name: 'gemini-2.5-flash-native-audio-preview-09-2025',
    audioOnlyOutput: true,
    clientContentMidSession: true,
  },
];

/**
 * The close reason the service gives for a model it does not serve, with close code 1008
 * (google/adk-python#3964: "models/gemini-live-2.5-flash-preview is not found for API version
 * v1alpha, or is not supported for bidiGenerateContent").
 */
export function modelNotFoundReason(model: string, apiVersion: string): string {
  const name = model.startsWith('models/') ? model : `models/${model}`;
  const reason = `${name} is not found for API version ${apiVersion}, or is not supported for bidiGenerateContent`;
  // A close reason is at most 123 bytes.
  return Buffer.from(reason, 'utf8').subarray(0, 123).toString('utf8');
}
