import type { ScriptedModel } from '@chorus/core/testing';
import { FakeTwilioCall } from '@chorus/fakes';
import { twilioSignature } from '@chorus/server';
import { expect, vi } from 'vitest';

/**
 * Places a signed call from +15551234567 into a gateway's media-stream route on 127.0.0.1 and starts
 * it; resolves once the call's agent has connected its model. The caller closes the call.
 */
export async function dialIn(port: number, token: string, model: ScriptedModel): Promise<FakeTwilioCall> {
  const url = `ws://127.0.0.1:${port}/twilio/media-stream`;
  const call = new FakeTwilioCall({
    url,
    headers: { 'X-Twilio-Signature': twilioSignature(token, url) },
    customParameters: { caller: '+15551234567' },
  });
  try {
    await call.opened;
    call.start();
    await vi.waitFor(() => expect(model.calls.some((c) => c.method === 'connect')).toBe(true));
    return call;
  } catch (error) {
    call.close();
    throw error;
  }
}
