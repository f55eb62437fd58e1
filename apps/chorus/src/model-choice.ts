import type { RealtimeModel } from '@chorus/core';
import { type LocalModelsOptions, localModels, type ModelFactory } from '@chorus/examples';
import { UsageError } from './usage-error.js';

/** The providers `--model` accepts, with the variable holding each one's key and its default model. */
export const PROVIDERS = {
  openai: { keyVariable: 'OPENAI_API_KEY', defaultModel: 'gpt-realtime' },
  gemini: { keyVariable: 'GEMINI_API_KEY', defaultModel: 'gemini-3.8-live' },
  dashscope: { keyVariable: 'DASHSCOPE_API_KEY', defaultModel: 'qwen3-omni-flash-realtime' },
} as const;

export type ProviderName = keyof typeof PROVIDERS;

/** What `--model` asked for. */
export type ModelSpec =
  | { readonly provider: 'local' }
  | { readonly provider: ProviderName; readonly model: string };

// Each provider's voices for the scenarios' OpenAI voice names, so agents keep distinct voices.
const VOICES: Readonly<Record<ProviderName, Readonly<Record<string, string>>>> = {
  openai: {},
  gemini: { alloy: 'Puck', verse: 'Fenrir', shimmer: 'Kore', echo: 'Charon' },
  dashscope: { alloy: 'Cherry', verse: 'Ethan', shimmer: 'Serena', echo: 'Chelsie' },
};

/** Parses `local`, `openai`, `openai:gpt-realtime`, `gemini:<model>`, `dashscope:<model>`. */
export function parseModelSpec(text: string): ModelSpec {
  const value = text.trim();
  if (value === '' || value === 'local') return { provider: 'local' };
  const colon = value.indexOf(':');
  const provider = (colon < 0 ? value : value.slice(0, colon)).toLowerCase();
  const model = colon < 0 ? '' : value.slice(colon + 1).trim();
  if (!Object.hasOwn(PROVIDERS, provider)) {
    throw new UsageError(
      `unknown model "${text}": use local, openai:<model>, gemini:<model> or dashscope:<model> (e.g. openai:gpt-realtime)`,
    );
  }
  const name = provider as ProviderName;
  return { provider: name, model: model || PROVIDERS[name].defaultModel };
}

/** The models a command runs on, and what to tell the user about that choice. */
export interface ModelChoice {
  readonly factory: ModelFactory;
  /** `local` or `openai:gpt-realtime`: what actually runs. */
  readonly label: string;
  /** Maps the scenarios' voice names to the provider's. */
  readonly voice: (preferred: string) => string | undefined;
  /** Set when a provider was asked for but its key is missing, so the local model runs instead. */
  readonly notice?: string;
}

/**
 * Resolves `--model` (default: `CHORUS_MODEL`, then `local`) into a model factory. A provider whose key
 * variable is not set falls back to the local model, with a notice saying which variable to set.
 */
export async function chooseModels(
  text: string | undefined,
  env: NodeJS.ProcessEnv,
  local: LocalModelsOptions = {},
): Promise<ModelChoice> {
  const spec = parseModelSpec(text ?? env.CHORUS_MODEL ?? 'local');
  const sameVoice = (preferred: string) => preferred;
  if (spec.provider === 'local') return { factory: localModels(local), label: 'local', voice: sameVoice };
  const { keyVariable } = PROVIDERS[spec.provider];
  const apiKey = env[keyVariable]?.trim();
  const label = `${spec.provider}:${spec.model}`;
  if (!apiKey) {
    return {
      factory: localModels(local),
      label: 'local',
      voice: sameVoice,
      notice: `${label} needs ${keyVariable}, which is not set: using the local model instead (no key, no network). Set ${keyVariable} to use ${spec.provider}.`,
    };
  }
  const voices = VOICES[spec.provider];
  return {
    factory: await providerFactory(spec.provider, spec.model, apiKey),
    label,
    voice: (preferred) => voices[preferred] ?? (spec.provider === 'openai' ? preferred : undefined),
  };
}

// Provider adapters load only when asked for, so the default local path starts without them.
async function providerFactory(provider: ProviderName, model: string, apiKey: string): Promise<ModelFactory> {
  let create: () => RealtimeModel;
  switch (provider) {
    case 'openai': {
      const { OpenAIRealtimeModel } = await import('@chorus/openai');
      create = () => new OpenAIRealtimeModel({ apiKey, model });
      break;
    }
    case 'gemini': {
      const { GeminiRealtimeModel } = await import('@chorus/gemini');
      create = () => new GeminiRealtimeModel({ apiKey, model });
      break;
    }
    case 'dashscope': {
      const { DashScopeRealtimeModel } = await import('@chorus/dashscope');
      create = () => new DashScopeRealtimeModel({ apiKey, model });
      break;
    }
  }
  return () => create();
}
