import type { ProviderParseResult } from '@chorus/protocol/openai';
import type { FakeFrame } from '../openai/types.js';

/**
 * The frames that a protocol parser refuses or does not know, each described with the start of its
 * text; empty when all are valid. `expect(invalidFrames(fake.sent, parseOpenAIServerEvent)).toEqual([])`
 * checks that a fake (or, with `fake.received`, an adapter) speaks the documented protocol.
 */
export function invalidFrames(
  frames: readonly FakeFrame[],
  parse: (raw: string) => ProviderParseResult<unknown>,
): string[] {
  const problems: string[] = [];
  for (const frame of frames) {
    const result = parse(frame.raw);
    if (!result.ok) problems.push(`${result.error.message}: ${frame.raw.slice(0, 200)}`);
    else if (result.unknown) problems.push(`unknown event: ${frame.raw.slice(0, 200)}`);
  }
  return problems;
}
