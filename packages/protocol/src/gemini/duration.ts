// Protobuf Duration in JSON is a decimal number of seconds with an `s` suffix: "50s", "0.250s".
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)s$/;

/**
 * Converts a protobuf Duration (`"50s"`, `"1.5s"`, or a plain number of seconds) to milliseconds.
 * Returns `undefined` for anything else, so a caller can fall back to its own default.
 */
export function geminiDurationMs(value: string | number | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION_PATTERN.exec(value.trim());
  return match?.[1] ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** Formats milliseconds as a protobuf Duration string, e.g. `1500` -> `"1.5s"`. */
export function geminiDuration(ms: number): string {
  return `${Math.max(0, ms) / 1000}s`;
}
