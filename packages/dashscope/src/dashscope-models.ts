/** What differs between the Qwen-Omni realtime models on the wire. */
export interface DashScopeModelSpec {
  /** `output_audio_format`: the one value the model takes. */
  readonly outputAudioFormat: 'pcm24' | 'pcm16';
  /** The rate of that output audio. */
  readonly outputRate: 24000 | 16000;
  /** The voice when the session names none. */
  readonly defaultVoice: string;
}

/**
 * Per model, from Alibaba Cloud's Qwen-Omni-Realtime docs (session.created: "Default voices:
 * Qwen3-Omni-Flash-Realtime: Cherry ..."; output `pcm24` for qwen3-omni-flash-realtime) and
 * AgentScope v1's DashScope model (qwen-omni-turbo-realtime: `pcm16`, 16 kHz out, voice Chelsie).
 */
const KNOWN: readonly { readonly prefix: string; readonly spec: DashScopeModelSpec }[] = [
  {
    prefix: 'qwen3-omni-flash-realtime',
    spec: { outputAudioFormat: 'pcm24', outputRate: 24000, defaultVoice: 'Cherry' },
  },
  {
    prefix: 'qwen-omni-turbo-realtime',
    spec: { outputAudioFormat: 'pcm16', outputRate: 16000, defaultVoice: 'Chelsie' },
  },
];

/**
 * Unverified: any other model gets AgentScope v1's rule (only qwen3-omni-flash-realtime outputs
 * 24 kHz; the others 16 kHz `pcm16`).
 */
const OTHER: DashScopeModelSpec = { outputAudioFormat: 'pcm16', outputRate: 16000, defaultVoice: 'Cherry' };

export function dashscopeModelSpec(model: string): DashScopeModelSpec {
  return KNOWN.find((entry) => model.startsWith(entry.prefix))?.spec ?? OTHER;
}
