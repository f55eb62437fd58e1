import { describe, expect, it } from 'vitest';
import type { OutputGuardrail } from '../guardrails/output-guardrail.js';
import { advance, ofType, settle, startedAgent } from './test-helpers.fixture.js';

function noSecrets(calls: string[]): OutputGuardrail {
  return {
    name: 'no_secrets',
    execute: async ({ text }) => {
      calls.push(text);
      return text.includes('secret')
        ? { tripwireTriggered: true, message: 'mentions a secret' }
        : { tripwireTriggered: false };
    },
  };
}

const LEAKY = 'Sure thing, the secret is 1234 and another secret is 5678 and that is all I know today';

describe('output guardrails', () => {
  it('checks every N characters, trips once per response, cuts the response and sends feedback', async () => {
    const checked: string[] = [];
    const { agent, model, clock, events } = await startedAgent(
      {
        chunkMs: 40,
        script: [
          { match: 'tell me', reply: { text: LEAKY } },
          { match: /output guardrail/, reply: { text: 'Sorry, I cannot share that.' } },
        ],
      },
      { outputGuardrails: [noSecrets(checked)], outputGuardrailSettings: { debounceTextLength: 20 } },
    );
    agent.handleInput({ type: 'client_text_append', text: 'tell me' });
    await settle();
    await advance(clock, 400);
    const trips = ofType(events, 'agent_guardrail_tripped');
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({
      response_id: 'resp_1',
      guardrail: 'no_secrets',
      message: 'mentions a secret',
    });
    expect(trips[0]?.text).toBe('Sure thing, the secret ');
    // Checks run once 20 more characters arrived, and at the end of the (second) response.
    expect(checked).toEqual([
      'Sure thing, the secret ',
      'Sorry, I cannot share ',
      'Sorry, I cannot share that.',
    ]);
    const [interrupted] = ofType(events, 'agent_response_interrupted');
    expect(interrupted).toMatchObject({ response_id: 'resp_1', item_id: 'item_1' });
    expect(model.callsOf('cancelResponse')).toHaveLength(1);
    const feedback = model.sent.filter((input) => input.type === 'text' && input.role === 'system');
    expect(feedback).toEqual([
      {
        type: 'text',
        role: 'system',
        text: 'Your previous answer was stopped by the output guardrail "no_secrets": mentions a secret. Respond again without that problem.',
      },
    ]);
    // Cancel first, then the new response: never the other way round.
    const order = model.calls
      .map((call) => call.method)
      .filter((m) => m === 'cancelResponse' || m === 'createResponse');
    expect(order).toEqual(['createResponse', 'cancelResponse', 'createResponse']);
    // The cut reply is closed with the words that went out before the trip; then the apology.
    expect(
      ofType(events, 'agent_response_audio_transcript_done').map((e) => [e.transcript, e.interrupted]),
    ).toEqual([
      ['Sure thing, the secret ', true],
      ['Sorry, I cannot share that.', undefined],
    ]);
    await agent.stop();
  });

  it('checks at response end too; a trip there sends feedback without cancelling', async () => {
    const checked: string[] = [];
    const { agent, model, clock, events } = await startedAgent(
      {
        chunkMs: 40,
        script: [
          { match: 'hi', reply: { text: 'a secret' } },
          { match: /guardrail/, reply: { text: 'ok' } },
        ],
      },
      { outputGuardrails: [noSecrets(checked)] },
    );
    agent.handleInput({ type: 'client_text_append', text: 'hi' });
    await settle();
    await advance(clock, 100);
    expect(checked).toEqual(['a secret']);
    expect(ofType(events, 'agent_guardrail_tripped')).toHaveLength(1);
    expect(model.callsOf('cancelResponse')).toHaveLength(0);
    expect(model.callsOf('createResponse')).toHaveLength(2);
    await agent.stop();
  });

  it('a throwing guardrail is reported and does not trip', async () => {
    const { agent, clock, events } = await startedAgent(
      { script: [{ match: 'hi', reply: { text: 'hello' } }] },
      {
        outputGuardrails: [
          {
            name: 'flaky',
            execute: () => {
              throw new Error('classifier offline');
            },
          },
        ],
      },
    );
    agent.handleInput({ type: 'client_text_append', text: 'hi' });
    await settle();
    await advance(clock, 100);
    expect(ofType(events, 'agent_guardrail_tripped')).toHaveLength(0);
    expect(ofType(events, 'agent_error').map((e) => e.message)).toEqual([
      'output guardrail flaky failed: classifier offline',
    ]);
    await agent.stop();
  });
});
