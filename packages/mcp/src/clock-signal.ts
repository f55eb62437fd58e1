import type { ChorusClock } from '@chorus/core';

/** An AbortSignal that fires after `ms` on the clock, and the function that disarms it. */
export function clockSignal(
  clock: ChorusClock,
  ms: number,
  reason: string,
): { signal: AbortSignal; disarm: () => void } {
  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(new Error(reason)), ms);
  return { signal: controller.signal, disarm: () => clock.clearTimeout(timer) };
}
