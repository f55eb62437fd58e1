/** How an agent voice sounds in espeak: the espeak voice, pitch (0-99) and speaking rate (words/min). */
export interface EspeakVoice {
  readonly voice: string;
  readonly pitch: number;
  readonly rate: number;
}

const DEFAULT_VOICE: EspeakVoice = { voice: 'en-us', pitch: 50, rate: 175 };

// Provider voice names, mapped to distinct pitches so that agents in one room are told apart by ear.
const NAMED_VOICES: Record<string, EspeakVoice> = {
  alloy: { voice: 'en-us', pitch: 50, rate: 175 },
  ash: { voice: 'en-us', pitch: 35, rate: 170 },
  ballad: { voice: 'en-gb', pitch: 45, rate: 160 },
  coral: { voice: 'en-us', pitch: 70, rate: 180 },
  echo: { voice: 'en-us', pitch: 30, rate: 175 },
  sage: { voice: 'en-gb', pitch: 60, rate: 170 },
  shimmer: { voice: 'en-us', pitch: 80, rate: 185 },
  verse: { voice: 'en-gb', pitch: 40, rate: 175 },
  marin: { voice: 'en-us', pitch: 65, rate: 175 },
  cedar: { voice: 'en-us', pitch: 25, rate: 165 },
  puck: { voice: 'en-us', pitch: 60, rate: 185 },
  charon: { voice: 'en-gb', pitch: 25, rate: 165 },
  kore: { voice: 'en-us', pitch: 75, rate: 175 },
  fenrir: { voice: 'en-us', pitch: 35, rate: 180 },
  aoede: { voice: 'en-gb', pitch: 70, rate: 170 },
  cherry: { voice: 'en-us', pitch: 72, rate: 178 },
};

/**
 * Maps an agent's `voice` to espeak settings. Known provider voice names get a fixed pitch; an espeak
 * voice id (`en-gb`, `fr`, `gmw/en-US`) is used as is; nothing or an unknown name gets the default.
 */
export function espeakVoiceFor(name: string | undefined): EspeakVoice {
  if (!name) return DEFAULT_VOICE;
  const named = NAMED_VOICES[name.toLowerCase()];
  if (named) return named;
  if (/^[a-z]{2,3}([-/][A-Za-z0-9-]+)*$/.test(name)) return { ...DEFAULT_VOICE, voice: name };
  return DEFAULT_VOICE;
}
