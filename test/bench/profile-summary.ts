/**
 * Top self-time functions of a V8 `.cpuprofile` (from `node --cpu-prof`), with their share of the samples.
 *
 *   node --import tsx test/bench/profile-summary.ts /tmp/prof/<file>.cpuprofile [top=15]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topArg, ...extra] = process.argv.slice(2);
const top = Number(topArg ?? 15);
if (!file || !Number.isInteger(top) || extra.length > 0) {
  // A glob matching several profiles (a worker thread writes its own) lands here too.
  throw new Error(
    `usage: profile-summary.ts <one file.cpuprofile> [top], got ${process.argv.slice(2).join(' ')}`,
  );
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
const byArea = new Map<string, number>();
/** packages/<name>, node_modules/<package>, or node internals. */
function area(url: string): string {
  const pkg = /\/packages\/([^/]+)\//.exec(url);
  if (pkg) return `packages/${pkg[1]}`;
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return `node_modules/${mod[1]}`;
  if (url.startsWith('node:') || url === '') return 'node internals / native';
  return url.replace(/^file:\/\/\/work\/main\//, '');
}
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  if (!node) return;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\/\/work\/main\//, '').replace(/^.*node_modules\//, 'node_modules/');
  const key = `${functionName || '(anonymous)'}  ${where}${where ? `:${lineNumber + 1}` : ''}`;
  selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  if (functionName !== '(idle)') byArea.set(area(url), (byArea.get(area(url)) ?? 0) + dt);
  total += dt;
});
const busy = [...selfUs.entries()].filter(([k]) => !k.startsWith('(idle)')).reduce((n, [, v]) => n + v, 0);
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s not idle`);
for (const [key, us] of [...selfUs.entries()]
  .filter(([k]) => !k.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(
    `${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`,
  );
}
console.log('by area:');
for (const [name, us] of [...byArea.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${name}`);
}
// Who asked for the time: each sample goes to its nearest caller in a workspace package or in the
// peer SDK, so that shared code (zod, ws, GC-free native calls) is charged to the side that called it.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const owners = new Map<string, number>();
profile.samples.forEach((id, i) => {
  let node = byId.get(id);
  if (!node || node.callFrame.functionName === '(idle)') return;
  let owner = 'unattributed (GC, program, module loading)';
  while (node) {
    const url = node.callFrame.url;
    const pkg = /\/packages\/([^/]+)\//.exec(url);
    if (pkg) {
      owner = `chorus packages/${pkg[1]}`;
      break;
    }
    if (url.includes('node_modules/@openai/agents')) {
      owner = 'peer @openai/agents-realtime';
      break;
    }
    const up = parent.get(node.id);
    node = up === undefined ? undefined : byId.get(up);
  }
  owners.set(owner, (owners.get(owner) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
console.log('by nearest caller (inclusive):');
for (const [name, us] of [...owners.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(
    `${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
  );
}
