import type { LocalModelsOptions } from '@chorus/examples';
import {
  detectPocketsphinx,
  INSTALL_SPEECH_RECOGNITION,
  moonshineAvailable,
  moonshineModelDir,
} from '@chorus/local';

/**
 * What `chorus serve` says at start about the local model's speech recognition: its default
 * transcriber is Moonshine (model files from `chorus speech install`), with or without pocketsphinx
 * from the system; with neither, every spoken turn goes unanswered; with pocketsphinx alone, many are
 * misheard. Undefined when Moonshine will hear, or when the rooms do not run on the local model.
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
  if (moonshineAvailable(moonshineModelDir(env))) return undefined;
  if (await detectPocketsphinx(env.PATH ?? ''))
    return `speech recognition is pocketsphinx alone, which mishears many spoken requests; for Moonshine (far fewer errors) run: ${INSTALL_SPEECH_RECOGNITION}`;
  return `speech will not be understood: speech recognition is not installed, so spoken turns get no answer (typed turns work). Install it with: ${INSTALL_SPEECH_RECOGNITION}`;
}
