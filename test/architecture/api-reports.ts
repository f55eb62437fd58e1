/**
 * Checks the public API of each entry point against its report checked in under `<package>/etc/`,
 * with API Extractor, over the built declarations. A change of the public surface fails here until
 * the report is regenerated, so it shows in review as a diff of the `.api.md` file.
 *
 *   node --import tsx test/architecture/api-reports.ts            (check; builds what it reads first)
 *   node --import tsx test/architecture/api-reports.ts --update   (rewrite the reports)
 */
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every checked entry point: its package, its declaration file under `dist/`, its report's name. */
const ENTRY_POINTS = [
  { workspace: '@chorus/core', folder: 'packages/core', entry: 'index', report: 'core' },
  { workspace: '@chorus/core', folder: 'packages/core', entry: 'provider', report: 'core-provider' },
  { workspace: '@chorus/core', folder: 'packages/core', entry: 'machines', report: 'core-machines' },
  { workspace: '@chorus/core', folder: 'packages/core', entry: 'testing/index', report: 'core-testing' },
  { workspace: '@chorus/openai', folder: 'packages/openai', entry: 'index', report: 'openai' },
  { workspace: '@chorus/openai', folder: 'packages/openai', entry: 'socket', report: 'openai-socket' },
] as const;

const update = process.argv.includes('--update');
const workspaces = [...new Set(ENTRY_POINTS.map((e) => e.workspace))];
// turbo builds their dependencies first, and answers from its cache when nothing changed (as in CI,
// where `npm run build` ran before).
execFileSync(
  'npx',
  ['turbo', 'run', 'build', ...workspaces.map((w) => `--filter=${w}`), '--output-logs=errors-only'],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
);

let failed = 0;
for (const { folder, entry, report } of ENTRY_POINTS) {
  const projectFolder = join(ROOT, folder);
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder,
      mainEntryPointFilePath: join(projectFolder, 'dist', `${entry}.d.ts`),
      // The build's settings: no `@chorus/source` condition, so other packages resolve to their
      // declarations, not their sources.
      compiler: { tsconfigFilePath: join(projectFolder, 'tsconfig.build.json') },
      apiReport: {
        enabled: true,
        reportFileName: report,
        reportFolder: join(projectFolder, 'etc'),
        reportTempFolder: join(ROOT, 'node_modules', '.cache', 'api-extractor', report),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning },
          // Release tags (@public, @beta) are not used: the entry points say who a name is for.
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
          // A type reached through a public one but exported elsewhere (or not at all) is named in
          // the report, so the report still shows it.
          'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
          // Documentation is reviewed in the sources; the reports are about the shape of the API.
          'ae-undocumented': { logLevel: ExtractorLogLevel.None },
          'ae-unresolved-link': { logLevel: ExtractorLogLevel.None },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
    configObjectFullPath: join(projectFolder, 'api-extractor.json'),
    packageJsonFullPath: join(projectFolder, 'package.json'),
  });
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message) => {
      // The bundled compiler is newer than the project's; that note is not a problem of the API.
      if (message.messageId === 'console-compiler-version-notice') message.logLevel = ExtractorLogLevel.None;
    },
  });
  if (!result.succeeded) {
    failed++;
    console.error(
      `${folder} (${entry}): the public API differs from etc/${report}.api.md; if the change is meant, run ` +
        '`npm run api:update` and commit the report',
    );
  } else if (result.apiReportChanged) {
    console.log(`${folder} (${entry}): etc/${report}.api.md updated`);
  }
}
if (failed > 0) process.exit(1);
console.log(`${ENTRY_POINTS.length} API reports match`);
