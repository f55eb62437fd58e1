import type { LocalModelsOptions } from '@chorus/examples';
import {
  detectPocketsphinx,
  findMoonshineModel,
  INSTALL_SPEECH_RECOGNITION,
  moonshineModelDir,
  moonshineRuntimeInstalled,
} from '@chorus/local';
import { INSTALL_MOONSHINE_RUNTIME } from './speech-command.js';

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
  const files = findMoonshineModel(moonshineModelDir(env)) !== undefined;
  const runtime = moonshineRuntimeInstalled();
  if (files && runtime) return undefined;
  const steps = [
    ...(files ? [] : [INSTALL_SPEECH_RECOGNITION]),
    ...(runtime ? [] : [INSTALL_MOONSHINE_RUNTIME]),
  ].join(' and ');
  if (await detectPocketsphinx(env.PATH ?? ''))
    return `speech recognition is pocketsphinx alone, which mishears many spoken requests; for Moonshine (far fewer errors) run: ${steps}`;
  if (files && !runtime)
    return `speech will not be understood: Moonshine's model is installed but not its runtime packages (typed turns work). Install it with: ${steps}`;
  return `speech will not be understood: speech recognition is not installed, so spoken turns get no answer (typed turns work). Install it with: ${INSTALL_SPEECH_RECOGNITION}`;
}
