import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, ERROR_TYPES, isChorusErrorCode } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';

// Every error code and error_type written as a literal where Chorus emits errors must be declared in
// @chorus/protocol's ERROR_CODES / ERROR_TYPES. The emitting functions are typed with those unions, so
// tsc refuses most undeclared codes already; this scan also catches literals on paths tsc cannot see
// (a metric label, a code built in an untyped object).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The packages whose sources emit errors (fakes stand in for providers and speak their codes). */
const EMITTERS = ['core', 'server', 'openai', 'gemini', 'dashscope', 'local', 'mcp'];

/** `code: 'x'` / `error_type: 'x'` in an object literal. */
const FIELD = /\b(?:code|error_type)\s*:\s*'([a-z][a-z0-9_]*)'/g;
/** The first one or two literal arguments of an error-emitting call. */
const CALL =
  /(?:\b(?:emitError|emitFatalOnce|serverError|reportFatal|reportInputError|ModelConnectError|refuse)|#error)\(\s*'([a-z][a-z0-9_]*)'(?:\s*,\s*'([a-z][a-z0-9_]*)')?/g;

async function sourcesOf(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourcesOf(full)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(full);
  }
  return files;
}

/** Every literal in an error position, with where it was found. */
export function emittedLiterals(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(FIELD)) found.push(match[1] as string);
  for (const match of source.matchAll(CALL)) {
    found.push(match[1] as string);
    if (match[2]) found.push(match[2]);
  }
  return found;
}

const declared = (literal: string) => isChorusErrorCode(literal) || Object.hasOwn(ERROR_TYPES, literal);

describe('error codes are declared once, in @chorus/protocol', () => {
  it('every code and error_type literal the emitting packages write is declared', async () => {
    const undeclared: string[] = [];
    let scanned = 0;
    for (const pkg of EMITTERS) {
      for (const file of await sourcesOf(path.join(root, 'packages', pkg, 'src'))) {
        const source = await readFile(file, 'utf8');
        for (const literal of emittedLiterals(source)) {
          scanned += 1;
          if (!declared(literal)) undeclared.push(`${path.relative(root, file)}: ${literal}`);
        }
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(undeclared).toEqual([]);
  });

  it('the scan finds an undeclared code in each error position', () => {
    const source = [
      "emitter.emitError('invalid_request_error', 'made_up_code', 'm');",
      "this.#error(\n  'server_error',\n  'another_made_up', 'm', null, id);",
      "emit({ type: 'model_error', error_type: 'made_up_type', code: 'x_code', message: '' });",
    ].join('\n');
    expect(emittedLiterals(source).filter((l) => !declared(l))).toEqual([
      'made_up_type',
      'x_code',
      'made_up_code',
      'another_made_up',
    ]);
  });

  it("the protocol README's table lists exactly the declared codes and types", async () => {
    const readme = await readFile(path.join(root, 'packages/protocol/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('## Aliases'));
    // Every row after the two header rows names one entry.
    const rows = [...section.matchAll(/^\| `([a-z_N0-9]+)` \|/gm)]
      .map((m) => m[1])
      .filter((name) => name !== 'error_type' && name !== 'code');
    expect(new Set(rows)).toEqual(
      new Set([...Object.keys(ERROR_TYPES), ...Object.keys(ERROR_CODES), 'closed_N', 'http_N']),
    );
  });
});
