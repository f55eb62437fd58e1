import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findCycles, importGraph, workspaceSourceDirs } from './import-cycles.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('import cycles', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function project(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-cycles-'));
    made.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  it('finds a cycle made of type-only imports across folders', () => {
    const dir = project({
      'agent/agent.ts': "import type { Tool } from '../tools/tool.js';\nexport class Agent { t?: Tool }\n",
      'tools/tool.ts':
        "import type { Agent } from '../agent/agent.js';\nexport interface Tool { a: Agent }\n",
      'tools/leaf.ts': "import type { Tool } from './tool.js';\nexport type Leaf = Tool;\n",
    });
    const cycles = findCycles(importGraph(dir)).map((c) => c.map((f) => relative(dir, f)));
    expect(cycles).toEqual([['agent/agent.ts', 'tools/tool.ts']]);
  });

  it('follows re-exports and folder indexes', () => {
    const dir = project({
      'index.ts': "export * from './room/index.js';\n",
      'room/index.ts': "export { Room } from './room.js';\n",
      'room/room.ts': "import { version } from '../index.js';\nexport class Room { v = version }\n",
    });
    expect(findCycles(importGraph(dir))).toHaveLength(1);
  });

  it('leaves no cycle in any workspace package', () => {
    const found = workspaceSourceDirs(ROOT).flatMap((dir) =>
      findCycles(importGraph(dir)).map((cycle) => cycle.map((f) => relative(ROOT, f))),
    );
    expect(found).toEqual([]);
  });
});
