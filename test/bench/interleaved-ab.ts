import { loadavg } from 'node:os';

const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: readonly number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;

/**
 * The old path (A) against the new (B) in one process: each side run once to warm up, then
 * `rounds` times alternating, each round after a collection (with `--expose-gc`). Prints the median
 * and every round in ns per unit, and A's median over B's.
 */
export function interleavedAB(
  name: string,
  runA: () => void,
  runB: () => void,
  options: { readonly rounds: number; readonly units: number; readonly unit: string },
): void {
  const time = (run: () => void) => {
    gc?.();
    const t0 = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - t0) / options.units;
  };
  runA();
  runB();
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    a.push(time(runA));
    b.push(time(runB));
  }
  const per = `ns/${options.unit}`;
  console.log(
    `${name}, ${options.units} ${options.unit}s x ${options.rounds} rounds (load ${loadavg()[0]?.toFixed(2)}): ` +
      `A ${median(a).toFixed(0)} ${per} (${a.map((x) => x.toFixed(0)).join(' ')}), ` +
      `B ${median(b).toFixed(0)} ${per} (${b.map((x) => x.toFixed(0)).join(' ')}), ` +
      `${(median(a) / median(b)).toFixed(2)}x`,
  );
}
