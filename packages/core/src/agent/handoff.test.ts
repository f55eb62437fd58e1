import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { handoff, handoffToolName } from '../handoff/handoff.js';
import { ScriptedModel } from '../testing/scripted-model.js';
import { TestClock } from '../testing/test-clock.js';
import { tool } from '../tools/tool.js';
import { RealtimeAgent } from './realtime-agent.js';
import { advance, ofType, settle } from './test-helpers.fixture.js';

const refund = tool({
  name: 'refund',
  description: 'Refunds an order',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => `refunded ${order}`,
});

function agents(clock: TestClock, model: ScriptedModel) {
  const billing = new RealtimeAgent({
    name: 'Billing Agent',
    instructions: 'You handle billing.',
    tools: [refund],
    voice: 'ember',
  });
  const front = new RealtimeAgent({
    name: 'Front Desk',
    instructions: 'You greet callers.',
    model,
    clock,
    voice: 'alloy',
    handoffs: [billing],
  });
  return { billing, front };
}

describe('handoffs', () => {
  it('names the tool transfer_to_<snake_name>', () => {
    expect(handoffToolName('Billing Agent')).toBe('transfer_to_billing_agent');
    expect(handoffToolName('billingAgent')).toBe('transfer_to_billing_agent');
    const clock = new TestClock();
    const { billing } = agents(clock, new ScriptedModel({ clock }));
    expect(handoff({ agent: billing, toolName: 'to_billing' }).definition.name).toBe('to_billing');
  });

  it('swaps instructions, tools and voice with exactly one session update, formats kept', async () => {
    const clock = new TestClock();
    const model = new ScriptedModel({
      clock,
      script: [
        { match: 'I need a refund', reply: { toolCalls: [{ name: 'transfer_to_billing_agent', id: 'h1' }] } },
        {
          match: (turn) => turn.toolResults.some((r) => r.callId === 'h1'),
          reply: (turn) => ({ text: `Billing here. ${turn.session?.instructions}` }),
        },
      ],
    });
    const { front } = agents(clock, model);
    const events: import('@chorus/protocol').ServerEvent[] = [];
    await front.start({ next: (e) => events.push(e) });
    const initial = model.callsOf('connect')[0]?.session;
    expect(initial?.tools.map((t) => t.name)).toEqual(['transfer_to_billing_agent']);
    front.handleInput({ type: 'client_text_append', text: 'I need a refund' });
    await settle();
    const updates = model.callsOf('updateSession');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.patch).toEqual({
      instructions: 'You handle billing.',
      tools: [refund.definition],
      voice: 'ember',
    });
    expect(model.currentSession?.inputAudioFormat).toEqual(initial?.inputAudioFormat);
    expect(model.currentSession?.outputAudioFormat).toEqual(initial?.outputAudioFormat);
    expect(ofType(events, 'agent_handoff')).toMatchObject([{ from: 'Front Desk', to: 'Billing Agent' }]);
    expect(front.activeAgent.name).toBe('Billing Agent');
    expect(model.sent.filter((i) => i.type === 'tool_result')).toEqual([
      {
        type: 'tool_result',
        callId: 'h1',
        name: 'transfer_to_billing_agent',
        output: '{"assistant":"Billing Agent"}',
        isError: false,
      },
    ]);
    await advance(clock, 200);
    expect(ofType(events, 'agent_response_audio_transcript_done').at(-1)?.transcript).toBe(
      'Billing here. You handle billing.',
    );
    // The new persona's tools now run.
    model.addRule({
      match: 'refund A1',
      reply: { toolCalls: [{ name: 'refund', arguments: { order: 'A1' }, id: 'r1' }] },
    });
    front.handleInput({ type: 'client_text_append', text: 'refund A1' });
    await settle();
    expect(ofType(events, 'agent_response_tool_result').at(-1)?.tool_result.output).toBe('refunded A1');
    await front.stop();
  });

  it('in a room, a handoff to a peer passes the floor instead of swapping', async () => {
    const clock = new TestClock();
    const model = new ScriptedModel({
      clock,
      script: [
        { match: 'billing please', reply: { toolCalls: [{ name: 'transfer_to_billing_agent', id: 'h1' }] } },
      ],
    });
    const { front } = agents(clock, model);
    const events: import('@chorus/protocol').ServerEvent[] = [];
    await front.start({ next: (e) => events.push(e) }, { peers: ['Billing Agent'] });
    const turn = front.send('billing please');
    const seen: string[] = [];
    for await (const event of turn) seen.push(event.type);
    expect(seen.at(-1)).toBe('agent_handoff');
    expect(model.callsOf('updateSession')).toHaveLength(0);
    expect(ofType(events, 'agent_handoff')).toMatchObject([{ from: 'Front Desk', to: 'Billing Agent' }]);
    // The transfer call is answered, but this agent does not speak again.
    expect(model.sent.filter((i) => i.type === 'tool_result')).toHaveLength(1);
    expect(model.callsOf('createResponse')).toHaveLength(1);
    expect(front.state).toBe('listening');
    await front.stop();
  });
});
