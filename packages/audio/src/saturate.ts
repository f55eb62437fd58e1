/** Clamps a rounded sample to the PCM16 range, so overflow clips instead of wrapping around. */
export function saturatePcm16(value: number): number {
  return Math.min(32767, Math.max(-32768, value));
}
