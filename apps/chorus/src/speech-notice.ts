import type { LocalModelsOptions } from '@chorus/examples';
import { detectPocketsphinx, INSTALL_SPEECH_RECOGNITION } from '@chorus/local';

/**
 * What `chorus serve` says at start when the local model will not understand speech: its default
 * transcriber is pocketsphinx from the system, and without it every spoken turn goes unanswered.
 * Undefined when speech will be understood, or when the rooms do not run on the local model.
 */
export async function speechRecognitionNotice(
  model: string,
  local: LocalModelsOptions | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (model !== 'local') return undefined;
  const transcriber = local?.transcriber;
  if (transcriber === null)
    return 'speech recognition is off: spoken turns will not be understood (typed turns work).';
  if (transcriber !== undefined && transcriber !== 'auto') return undefined;
  if (await detectPocketsphinx(env.PATH ?? '')) return undefined;
  return `speech will not be understood: speech recognition (pocketsphinx) is not installed, so spoken turns get no answer (typed turns work). Install it with: ${INSTALL_SPEECH_RECOGNITION}`;
}
