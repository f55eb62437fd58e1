import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** Strings longer than this (base64 audio) are shortened in the generated file: shapes are what count. */
const MAX_STRING = 64;

function shorten(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value;
  if (Array.isArray(value)) return value.map(shorten);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
  }
  return value;
}

/** The frame without the named fields of its `session` (fields a service sends that the SDK types lack). */
function withoutUntyped(frame: unknown, untyped: ReadonlySet<string>): unknown {
  if (untyped.size === 0 || !frame || typeof frame !== 'object' || !('session' in frame)) return frame;
  const session = (frame as { session: unknown }).session;
  if (!session || typeof session !== 'object') return frame;
  const kept = Object.fromEntries(Object.entries(session).filter(([key]) => !untyped.has(key)));
  return { ...frame, session: kept };
}

/** One type error tsc reported, with the frame it is about. */
export interface SdkTypeError {
  readonly frame: unknown;
  readonly message: string;
}

/**
 * Type-checks recorded frames against a type exported by the official `openai` package
 * (`RealtimeServerEvent`, `RealtimeClientEvent`): each frame becomes one typed literal
 * (`const f3: RealtimeServerEvent = {...}`) in a generated file that `tsc` compiles in strict mode, so
 * excess and missing properties and wrong literals are caught exactly as a TypeScript user of the SDK
 * would see them. Returns the errors (none when every frame conforms).
 */
export async function typecheckAgainstSdk(
  typeName: 'RealtimeServerEvent' | 'RealtimeClientEvent',
  frames: readonly unknown[],
  options: { readonly untypedSessionFields?: readonly string[] } = {},
): Promise<SdkTypeError[]> {
  const untyped = new Set(options.untypedSessionFields ?? []);
  // Inside the test workspace, so `openai` resolves from its node_modules.
  const dir = await mkdtemp(path.join(here, '.sdk-check-'));
  try {
    const lines = [`import type { ${typeName} } from 'openai/resources/realtime/realtime';`];
    frames.forEach((frame, index) => {
      lines.push(
        `export const f${index}: ${typeName} = ${JSON.stringify(shorten(withoutUntyped(frame, untyped)))};`,
      );
    });
    await writeFile(path.join(dir, 'frames.ts'), `${lines.join('\n')}\n`);
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['frames.ts'],
      }),
    );
    try {
      await run(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], {
        maxBuffer: 16 * 1024 * 1024,
      });
      return [];
    } catch (error) {
      const output = String((error as { stdout?: string }).stdout ?? error);
      const errors: SdkTypeError[] = [];
      for (const line of output.split('\n')) {
        const match = /frames\.ts\((\d+),\d+\): error (.*)$/.exec(line);
        if (!match) continue;
        errors.push({ frame: frames[Number(match[1]) - 2], message: match[2] ?? line });
      }
      if (errors.length === 0) errors.push({ frame: undefined, message: output.slice(0, 2000) });
      return errors;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
