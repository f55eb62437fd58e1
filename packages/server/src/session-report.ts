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

/** Unknown keys named one by one; the rest are counted, so a config of many keys cannot inflate the answer. */
const MAX_NAMED_KEYS = 32;
const MAX_KEY_CHARS = 128;

/** Keys Chorus does not know (AgentScope's `model_provider`: the room chooses its model). */
export function unknownKeys(config: SessionConfig): NotAppliedField[] {
  const shaping = new Set(shapeKeys(config).map((k) => k.key));
  const unknown = Object.keys(config).filter((key) => !KNOWN_KEYS.has(key) && !shaping.has(key));
  const named: NotAppliedField[] = unknown.slice(0, MAX_NAMED_KEYS).map((key) => ({
    field: key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key,
    reason: 'not a Chorus session setting; the room decides it',
  }));
  if (unknown.length > MAX_NAMED_KEYS) {
    named.push({
      field: '…',
      reason: `and ${unknown.length - MAX_NAMED_KEYS} more unknown keys, not applied`,
    });
  }
  return named;
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

/** At most as many entries as `server_session_updated` allows (256 per list), the overflow counted. */
export function boundedReport(report: ShapingReport): ShapingReport {
  const cap = 256;
  const applied = report.applied.slice(0, cap);
  if (report.not_applied.length <= cap) return { applied, not_applied: report.not_applied };
  const kept = report.not_applied.slice(0, cap - 1);
  kept.push({
    field: '…',
    reason: `and ${report.not_applied.length - kept.length} more fields, not applied`,
  });
  return { applied, not_applied: kept };
}
