import { type NotAppliedField, refuseShaping, type ShapingReport, shapeKeys } from '@chorus/core';
import { type SessionConfig, sessionConfigSchema } from '@chorus/protocol';

// What a `client_session_create` config did, for `server_session_updated { applied, not_applied }`.

/** Config keys the gateway itself reads (beyond the schema's). */
const GATEWAY_KEYS = ['binary_audio'];
const KNOWN_KEYS: ReadonlySet<string> = new Set([...Object.keys(sessionConfigSchema.shape), ...GATEWAY_KEYS]);

/** A report to fill in while a session is created. */
export function emptyReport(): ShapingReport {
  return { applied: [], not_applied: [] };
}

export function mergeReport(into: ShapingReport, from: ShapingReport): void {
  into.applied.push(...from.applied);
  into.not_applied.push(...from.not_applied);
}

/** Keys Chorus does not know (AgentScope's `model_provider`: the room chooses its model). */
export function unknownKeys(config: SessionConfig): NotAppliedField[] {
  const shaping = new Set(shapeKeys(config).map((k) => k.key));
  return Object.keys(config)
    .filter((key) => !KNOWN_KEYS.has(key) && !shaping.has(key))
    .map((field) => ({ field, reason: 'not a Chorus session setting; the room decides it' }));
}

/**
 * A room that cannot be shaped (shared, or with no `shape`): its shaping keys are refused, except
 * `instructions` and `voice`, which a private session's agents still take as a session update.
 */
export function refuseExceptSettings(
  config: SessionConfig,
  reason: string,
  settings: boolean,
): ShapingReport {
  const report = refuseShaping(config, reason);
  if (!settings) return report;
  const kept = report.not_applied.filter((f) => f.field !== 'instructions' && f.field !== 'voice');
  const applied = report.not_applied.filter((f) => !kept.includes(f)).map((f) => f.field);
  return { applied, not_applied: kept };
}
