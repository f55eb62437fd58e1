import { parseServerEvent } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { boundedReport, refuseExceptSettings, unknownKeys } from '../src/session-report.js';

describe('what a session config did', () => {
  it('names unknown keys, a bounded number of them', () => {
    expect(unknownKeys({ model_provider: 'dashscope', instructions: 'x', room: 'r' })).toEqual([
      { field: 'model_provider', reason: 'not a Chorus session setting; the room decides it' },
    ]);
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`.padEnd(300, 'x'), 1]));
    const named = unknownKeys(many);
    expect(named).toHaveLength(33);
    expect(named[0]?.field.length).toBeLessThanOrEqual(129);
    expect(named.at(-1)?.reason).toBe('and 468 more unknown keys, not applied');
  });

  it('a private room that cannot be shaped still takes instructions and voice', () => {
    const config = { agent_name: 'Jarvis', instructions: 'Be brief.', agent2_name: 'Mark' };
    expect(refuseExceptSettings(config, 'no shaping here', true)).toEqual({
      applied: ['instructions'],
      not_applied: [
        { field: 'agent_name', reason: 'no shaping here' },
        { field: 'agent2_name', reason: 'no shaping here' },
      ],
    });
    expect(refuseExceptSettings(config, 'shared', false).applied).toEqual([]);
  });

  it('stays within what server_session_updated allows', () => {
    const config = Object.fromEntries(
      Array.from({ length: 99 }, (_, i) => [
        [`agent${i + 1}_name`, 'a'],
        [`agent${i + 1}_voice`, 'v'],
        [`agent${i + 1}_instructions`, 'i'],
      ]).flat(),
    );
    const report = boundedReport(refuseExceptSettings(config, 'no', false));
    expect(report.not_applied).toHaveLength(256);
    const event = { type: 'server_session_updated', session_id: 's', ...report };
    expect(parseServerEvent(event).ok).toBe(true);
  });
});
