import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (options?: { type: 'major' }) => void;

/** Heap used after full collections, once the engine's lazy cleanup (weak refs, finalizers) ran. */
export async function settledHeapUsed(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Active handles and requests by kind, as `process.getActiveResourcesInfo()` lists them. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * The kinds of handle of which there are more now than in `before` (a leak leaves more behind; a
 * timer of the test runner's that ended meanwhile must not count against the code under test).
 */
export function resourcesGrownSince(before: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [kind, count] of Object.entries(activeResources())) {
    if (count > (before[kind] ?? 0)) grown[kind] = count - (before[kind] ?? 0);
  }
  return grown;
}
