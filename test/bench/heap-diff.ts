/**
 * What grew between two V8 heap snapshots of the same process (`v8.writeHeapSnapshot`, e.g. from
 * `SOAK_SNAPSHOTS=<dir>` in soak.ts): per group (constructor name; plain objects by their first property
 * names, so `{id, role, ...}` items stand apart from other literals), the count and self-size deltas, and how
 * many of the later snapshot's objects are new (their ids were not in the earlier one). For the groups that
 * grew most it samples new objects and follows each one's shortest path from the GC roots, so the holder
 * shows (e.g. `ConversationHistory.entries`).
 *
 * It also attributes every object to the nearest instance of a class of its own on that path (`Class.field`,
 * e.g. `ConversationHistory.entries`, `ScriptedModel.calls`) and prints those holders' sizes before and
 * after; `HEAP_DIFF_HOLDER='Class.field'` lists what one holder keeps, by group.
 *
 *   node --import tsx test/bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [top=30] [paths=8]
 *
 * Snapshots are read from a Buffer without parsing the whole file as one JSON string, so files larger than
 * V8's string limit (~512 MB) work.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

interface SnapshotMeta {
  readonly node_fields: readonly string[];
  readonly node_types: readonly [readonly string[], ...unknown[]];
  readonly edge_fields: readonly string[];
  readonly edge_types: readonly [readonly string[], ...unknown[]];
}
interface SnapshotHeader {
  readonly meta: SnapshotMeta;
  readonly node_count: number;
  readonly edge_count: number;
}

/** One snapshot as flat arrays, plus the indices derived for walking it. */
interface HeapGraph {
  readonly nodeCount: number;
  readonly nodeFieldCount: number;
  readonly nodes: Float64Array;
  readonly edges: Uint32Array;
  readonly strings: readonly string[];
  readonly nodeTypes: readonly string[];
  readonly edgeTypes: readonly string[];
  readonly typeOffset: number;
  readonly nameOffset: number;
  readonly idOffset: number;
  readonly sizeOffset: number;
  readonly edgeCountOffset: number;
  /** Index into `edges` (in edges, not fields) of each node's first outgoing edge; length nodeCount + 1. */
  readonly firstEdge: Uint32Array;
}

function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) read += readSync(fd, buffer, read, size - read, read);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

function findKey(buffer: Buffer, key: string, from: number): number {
  const at = buffer.indexOf(`"${key}":`, from, 'latin1');
  if (at < 0) throw new Error(`heap snapshot has no "${key}" section`);
  return buffer.indexOf('[', at) + 1;
}

/** Parses the unsigned integers of a JSON array starting at `start` (just past `[`) into `out`. */
function readNumbers(buffer: Buffer, start: number, out: Float64Array | Uint32Array, what: string): number {
  let i = start;
  let n = 0;
  let value = 0;
  let inNumber = false;
  for (;;) {
    const c = buffer[i++];
    if (c === undefined) throw new Error(`heap snapshot ends inside "${what}"`);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      inNumber = true;
    } else {
      if (inNumber) {
        if (n >= out.length)
          throw new Error(`"${what}" has more entries than the header says (${out.length})`);
        out[n++] = value;
        value = 0;
        inNumber = false;
      }
      if (c === 93) break; // ]
    }
  }
  if (n !== out.length) throw new Error(`"${what}" has ${n} entries, the header says ${out.length}`);
  return i;
}

/** Reads the JSON strings of the array starting at `start`, decoding each one on its own. */
function readStrings(buffer: Buffer, start: number): string[] {
  const strings: string[] = [];
  let i = start;
  for (;;) {
    const c = buffer[i];
    if (c === undefined) throw new Error('heap snapshot ends inside "strings"');
    if (c === 93) break;
    if (c !== 34) {
      i++;
      continue;
    }
    let end = i + 1;
    while (buffer[end] !== 34) end += buffer[end] === 92 ? 2 : 1;
    strings.push(JSON.parse(buffer.toString('utf8', i, end + 1)) as string);
    i = end + 1;
  }
  return strings;
}

function loadGraph(path: string): HeapGraph {
  const buffer = readWhole(path);
  const nodesStart = findKey(buffer, 'nodes', 0);
  const headerText = buffer.toString('utf8', 0, buffer.lastIndexOf('"nodes"', nodesStart, 'latin1'));
  const header = (JSON.parse(`${headerText.replace(/,\s*$/, '')}}`) as { snapshot: SnapshotHeader }).snapshot;
  const { meta } = header;
  const nodeFieldCount = meta.node_fields.length;
  const nodes = new Float64Array(header.node_count * nodeFieldCount);
  const afterNodes = readNumbers(buffer, nodesStart, nodes, 'nodes');
  const edges = new Uint32Array(header.edge_count * meta.edge_fields.length);
  readNumbers(buffer, findKey(buffer, 'edges', afterNodes), edges, 'edges');
  const strings = readStrings(buffer, findKey(buffer, 'strings', afterNodes));
  const field = (name: string) => {
    const index = meta.node_fields.indexOf(name);
    if (index < 0) throw new Error(`heap snapshot nodes have no "${name}" field`);
    return index;
  };
  const edgeCountOffset = field('edge_count');
  const firstEdge = new Uint32Array(header.node_count + 1);
  for (let n = 0; n < header.node_count; n++) {
    firstEdge[n + 1] = (firstEdge[n] ?? 0) + (nodes[n * nodeFieldCount + edgeCountOffset] ?? 0);
  }
  if (firstEdge[header.node_count] !== header.edge_count) {
    throw new Error(`node edge counts add up to ${firstEdge[header.node_count]}, not ${header.edge_count}`);
  }
  if (meta.edge_fields.join() !== 'type,name_or_index,to_node') {
    throw new Error(`unexpected edge fields ${meta.edge_fields.join()}`);
  }
  return {
    nodeCount: header.node_count,
    nodeFieldCount,
    nodes,
    edges,
    strings,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
    typeOffset: field('type'),
    nameOffset: field('name'),
    idOffset: field('id'),
    sizeOffset: field('self_size'),
    edgeCountOffset,
    firstEdge,
  };
}

const nodeField = (g: HeapGraph, n: number, offset: number) => g.nodes[n * g.nodeFieldCount + offset] ?? 0;
const nodeType = (g: HeapGraph, n: number) => g.nodeTypes[nodeField(g, n, g.typeOffset)] ?? '?';
const nodeName = (g: HeapGraph, n: number) => g.strings[nodeField(g, n, g.nameOffset)] ?? '?';
const edgeType = (g: HeapGraph, e: number) => g.edgeTypes[g.edges[e * 3] ?? 0] ?? '?';
const edgeTarget = (g: HeapGraph, e: number) => (g.edges[e * 3 + 2] ?? 0) / g.nodeFieldCount;

function edgeName(g: HeapGraph, e: number, normalizeIndex: boolean): string {
  const type = edgeType(g, e);
  const nameOrIndex = g.edges[e * 3 + 1] ?? 0;
  if (type === 'element' || type === 'hidden') return normalizeIndex ? '[n]' : `[${nameOrIndex}]`;
  return g.strings[nameOrIndex] ?? `#${nameOrIndex}`;
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text.replace(/\n/g, '\\n');

/** The group an object is counted in. */
function groupOf(g: HeapGraph, n: number): string {
  const type = nodeType(g, n);
  const name = nodeName(g, n);
  switch (type) {
    case 'object':
      if (name === 'Object') {
        const keys: string[] = [];
        for (let e = g.firstEdge[n] ?? 0; e < (g.firstEdge[n + 1] ?? 0) && keys.length < 6; e++) {
          if (edgeType(g, e) === 'property') {
            const key = edgeName(g, e, false);
            if (key !== '__proto__') keys.push(key);
          }
        }
        return `Object{${keys.join(',')}}`;
      }
      return clip(name, 70);
    case 'closure':
      return `(closure) ${clip(name || '(anonymous)', 60)}`;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return `(${type})`;
    case 'number':
    case 'code':
    case 'object shape':
    case 'bigint':
    case 'symbol':
      return `(${type})`;
    default:
      return `(${type}) ${clip(name, 60)}`;
  }
}

interface Group {
  count: number;
  size: number;
}

function aggregate(g: HeapGraph): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (let n = 0; n < g.nodeCount; n++) {
    const key = groupOf(g, n);
    let group = groups.get(key);
    if (!group) {
      group = { count: 0, size: 0 };
      groups.set(key, group);
    }
    group.count++;
    group.size += nodeField(g, n, g.sizeOffset);
  }
  return groups;
}

/**
 * The breadth-first tree from the root along strong edges: each node's parent is a holder on its
 * shortest path from the roots, as DevTools' "distance" and first retainer.
 */
interface RetainerTree {
  readonly parentNode: Int32Array;
  readonly parentEdge: Int32Array;
}

function retainerTree(g: HeapGraph): RetainerTree {
  const parentNode = new Int32Array(g.nodeCount).fill(-1);
  const parentEdge = new Int32Array(g.nodeCount).fill(-1);
  const queue = new Uint32Array(g.nodeCount);
  let head = 0;
  let tail = 0;
  parentNode[0] = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const n = queue[head++] ?? 0;
    for (let e = g.firstEdge[n] ?? 0; e < (g.firstEdge[n + 1] ?? 0); e++) {
      if (edgeType(g, e) === 'weak') continue;
      const to = edgeTarget(g, e);
      if (parentNode[to] !== -1) continue;
      parentNode[to] = n;
      parentEdge[to] = e;
      queue[tail++] = to;
    }
  }
  return { parentNode, parentEdge };
}

const nodeLabel = (g: HeapGraph, n: number) => {
  const type = nodeType(g, n);
  if (type === 'object' || type === 'closure') return groupOf(g, n);
  if (type === 'synthetic') return clip(nodeName(g, n), 40);
  return `(${type}) ${clip(nodeName(g, n), 40)}`;
};

/** The shortest path from the roots to `n`, nearest holder first, up to `steps` holders. */
function retainerPath(
  g: HeapGraph,
  tree: RetainerTree,
  n: number,
  steps: number,
  normalizeIndex: boolean,
): string {
  const parts: string[] = [];
  let at = n;
  for (let step = 0; step < steps; step++) {
    const from = tree.parentNode[at] ?? -1;
    const edge = tree.parentEdge[at] ?? -1;
    if (from <= 0 || edge < 0) break;
    parts.push(`.${edgeName(g, edge, normalizeIndex)} ← ${nodeLabel(g, from)}`);
    at = from;
  }
  return parts.join('  ');
}

const GENERIC_OBJECTS = new Set([
  'Object',
  'Array',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'WeakRef',
  'Promise',
]);

/** An instance of a class of its own (not a literal, a collection or a V8 internal): a structure in the code. */
function isNamedHolder(g: HeapGraph, n: number): boolean {
  if (nodeType(g, n) !== 'object') return false;
  const name = nodeName(g, n);
  return !GENERIC_OBJECTS.has(name) && !name.startsWith('system /') && name !== '';
}

/**
 * Attributes every node to the nearest class instance on its shortest path from the roots, as
 * `Class.field` (e.g. `ConversationHistory.entries`), or to the root it hangs from.
 */
function holders(g: HeapGraph, tree: RetainerTree): { ids: Int32Array; names: string[] } {
  const ids = new Int32Array(g.nodeCount).fill(-1);
  const names: string[] = [];
  const byName = new Map<string, number>();
  const idOf = (name: string) => {
    let id = byName.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      byName.set(name, id);
    }
    return id;
  };
  const unreachable = idOf('(unreachable from roots)');
  const path: number[] = [];
  for (let n = 0; n < g.nodeCount; n++) {
    if (ids[n] !== -1) continue;
    path.length = 0;
    let at = n;
    let found = -1;
    for (;;) {
      if (ids[at] !== -1) {
        found = ids[at] ?? -1;
        break;
      }
      path.push(at);
      const from = tree.parentNode[at] ?? -1;
      if (from < 0) {
        found = unreachable;
        break;
      }
      if (from === 0 || nodeType(g, from) === 'synthetic') {
        found = idOf(`(root) ${clip(nodeName(g, from), 40)}`);
        break;
      }
      if (isNamedHolder(g, from)) {
        found = idOf(`${clip(nodeName(g, from), 50)}.${edgeName(g, tree.parentEdge[at] ?? 0, true)}`);
        break;
      }
      at = from;
    }
    for (const p of path) ids[p] = found;
  }
  return { ids, names };
}

function holderTotals(
  g: HeapGraph,
  held: { ids: Int32Array; names: string[] },
  keep: (n: number) => boolean,
): Map<string, Group> {
  const sums = new Map<string, Group>();
  for (let n = 0; n < g.nodeCount; n++) {
    if (!keep(n)) continue;
    const name = held.names[held.ids[n] ?? -1] ?? '?';
    let sum = sums.get(name);
    if (!sum) {
      sum = { count: 0, size: 0 };
      sums.set(name, sum);
    }
    sum.count++;
    sum.size += nodeField(g, n, g.sizeOffset);
  }
  return sums;
}

const [beforePath, afterPath, topArg, pathsArg] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  throw new Error('usage: heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [top=30] [paths=8]');
}
const top = Number(topArg ?? 30);
const pathGroups = Number(pathsArg ?? 8);

const before = loadGraph(beforePath);
const beforeGroups = aggregate(before);
const beforeIds = new Set<number>();
for (let n = 0; n < before.nodeCount; n++) beforeIds.add(nodeField(before, n, before.idOffset));
const beforeTotal = [...beforeGroups.values()].reduce((a, g) => a + g.size, 0);
const beforeHeld = holders(before, retainerTree(before));
const beforeByHolder = holderTotals(before, beforeHeld, () => true);
// Drop the earlier graph before loading the later one.
before.nodes.fill(0);

const after = loadGraph(afterPath);
const afterGroups = aggregate(after);
const afterTotal = [...afterGroups.values()].reduce((a, g) => a + g.size, 0);
const fresh = new Map<string, Group & { nodes: number[] }>();
for (let n = 0; n < after.nodeCount; n++) {
  if (beforeIds.has(nodeField(after, n, after.idOffset))) continue;
  const key = groupOf(after, n);
  let group = fresh.get(key);
  if (!group) {
    group = { count: 0, size: 0, nodes: [] };
    fresh.set(key, group);
  }
  group.count++;
  group.size += nodeField(after, n, after.sizeOffset);
  group.nodes.push(n);
}

const rows = [...new Set([...beforeGroups.keys(), ...afterGroups.keys()])].map((key) => {
  const b = beforeGroups.get(key) ?? { count: 0, size: 0 };
  const a = afterGroups.get(key) ?? { count: 0, size: 0 };
  const f = fresh.get(key);
  return {
    key,
    count: a.count - b.count,
    size: a.size - b.size,
    afterCount: a.count,
    afterSize: a.size,
    newCount: f?.count ?? 0,
    newSize: f?.size ?? 0,
  };
});
rows.sort((x, y) => y.size - x.size);

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)}`;
console.log(`before: ${beforePath}\n  ${before.nodeCount} nodes, ${kb(beforeTotal)} KB self size`);
console.log(`after:  ${afterPath}\n  ${after.nodeCount} nodes, ${kb(afterTotal)} KB self size`);
console.log(
  `total self size delta ${kb(afterTotal - beforeTotal)} KB, ${after.nodeCount - before.nodeCount} nodes\n`,
);
console.log(
  `${'Δsize KB'.padStart(10)} ${'Δcount'.padStart(8)} ${'after KB'.padStart(10)} ${'after n'.padStart(8)} ${'new KB'.padStart(9)} ${'new n'.padStart(8)}  group`,
);
for (const row of rows.slice(0, top)) {
  console.log(
    `${kb(row.size).padStart(10)} ${String(row.count).padStart(8)} ${kb(row.afterSize).padStart(10)} ${String(row.afterCount).padStart(8)} ${kb(row.newSize).padStart(9)} ${String(row.newCount).padStart(8)}  ${row.key}`,
  );
}
console.log('\n(shrinking most)');
for (const row of rows.slice(-5).reverse()) {
  console.log(`${kb(row.size).padStart(10)} ${String(row.count).padStart(8)}  ${row.key}`);
}

// Which structures hold what grew: every object counted once, under its nearest class instance.
const tree = retainerTree(after);
const held = holders(after, tree);
const isNew = new Uint8Array(after.nodeCount);
for (const group of fresh.values()) for (const n of group.nodes) isNew[n] = 1;
const afterByHolder = holderTotals(after, held, () => true);
const newByHolder = holderTotals(after, held, (n) => isNew[n] === 1);
const holderRows = [...new Set([...beforeByHolder.keys(), ...afterByHolder.keys()])].map((name) => {
  const b = beforeByHolder.get(name) ?? { count: 0, size: 0 };
  const a = afterByHolder.get(name) ?? { count: 0, size: 0 };
  const f = newByHolder.get(name) ?? { count: 0, size: 0 };
  return { name, before: b, after: a, fresh: f };
});
const printHolders = (title: string, list: typeof holderRows) => {
  console.log(`\n${title}`);
  console.log(
    `${'Δ KB'.padStart(9)} ${'Δ n'.padStart(7)} ${'before KB'.padStart(10)} ${'after KB'.padStart(10)} ${'after n'.padStart(8)} ${'new KB'.padStart(9)}  holder`,
  );
  for (const r of list) {
    console.log(
      `${kb(r.after.size - r.before.size).padStart(9)} ${String(r.after.count - r.before.count).padStart(7)} ${kb(r.before.size).padStart(10)} ${kb(r.after.size).padStart(10)} ${String(r.after.count).padStart(8)} ${kb(r.fresh.size).padStart(9)}  ${r.name}`,
    );
  }
};
printHolders(
  'By holder (nearest class instance on the shortest path from the roots, as Class.field), largest growth first;\n"new" counts objects absent from before, so a bounded buffer that replaces its items shows new but no Δ:',
  [...holderRows].sort((x, y) => y.after.size - y.before.size - (x.after.size - x.before.size)).slice(0, 15),
);
printHolders(
  'By holder, largest in after:',
  [...holderRows].sort((x, y) => y.after.size - x.after.size).slice(0, 25),
);
const focus = process.env.HEAP_DIFF_HOLDER;
if (focus) {
  const groups = new Map<string, Group>();
  for (let n = 0; n < after.nodeCount; n++) {
    if (held.names[held.ids[n] ?? -1] !== focus) continue;
    const key = groupOf(after, n);
    const group = groups.get(key) ?? { count: 0, size: 0 };
    group.count++;
    group.size += nodeField(after, n, after.sizeOffset);
    groups.set(key, group);
  }
  console.log(`\nWhat ${focus} holds in after, by group:`);
  for (const [key, group] of [...groups.entries()].sort((x, y) => y[1].size - x[1].size).slice(0, 20)) {
    console.log(`${kb(group.size).padStart(10)} ${String(group.count).padStart(8)}  ${key}`);
  }
}

console.log(`\nRetainers of new objects (shortest path from the roots, nearest holder first), sampled:`);
for (const row of rows.slice(0, pathGroups)) {
  const group = fresh.get(row.key);
  if (!group || group.nodes.length === 0) continue;
  const sample = group.nodes.filter((_, i) => i % Math.max(1, Math.floor(group.nodes.length / 400)) === 0);
  const paths = new Map<string, { count: number; example: string; name: string }>();
  for (const n of sample) {
    const signature = retainerPath(after, tree, n, 7, true);
    const seen = paths.get(signature);
    if (seen) seen.count++;
    else
      paths.set(signature, {
        count: 1,
        example: retainerPath(after, tree, n, 7, false),
        name: clip(nodeName(after, n), 60),
      });
  }
  console.log(
    `\n${row.key}: +${kb(row.size)} KB, +${row.count} (new since before: ${group.count}); paths of ${sample.length} sampled:`,
  );
  for (const [, path] of [...paths.entries()].sort((x, y) => y[1].count - x[1].count).slice(0, 4)) {
    console.log(`  ${String(path.count).padStart(4)}x  ${path.example || '(held by a root)'}`);
    if (row.key.startsWith('(') && path.name) console.log(`         e.g. name ${JSON.stringify(path.name)}`);
  }
}
