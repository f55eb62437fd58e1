import { RealtimeAgent, tool } from '@chorus/core';
import type { ModelInput } from '@chorus/core/provider';
import { ScriptedModel } from '@chorus/core/testing';
import type { ModelEvent } from '@chorus/protocol';
import { z } from 'zod';

// The agent the AgentScope conformance and browser tests talk to: scripted, on real time.

/**
 * A scripted model that also hears (audio starts a spoken turn, a commit ends it) and reports like
 * the real ones: numbers and objects in `metadata` (the local model's `first_audio_ms`, OpenAI's
 * `usage`), fractional milliseconds from sample counts.
 */
class HearingModel extends ScriptedModel {
  #speaking: string | undefined;
  #bytes = 0;

  override emit(event: ModelEvent): void {
    if (event.type === 'model_response_done') {
      super.emit({
        ...event,
        metadata: { brain: 'scripted', first_audio_ms: 210.83, usage: { total_tokens: 12 } },
      });
    } else if (event.type === 'model_input_done') {
      super.emit({ ...event, audio_end_ms: event.audio_end_ms + 0.4 });
    } else {
      super.emit(event);
    }
  }

  override send(input: ModelInput): void {
    super.send(input);
    if (input.type === 'audio') {
      this.#bytes += input.audio.byteLength;
      this.#speaking ??= this.startSpeaking();
    } else if (input.type === 'audio_commit' && this.#speaking) {
      // 16 kHz PCM16: 32 bytes per millisecond.
      this.stopSpeaking(this.#speaking, 'what time is it', this.#bytes / 32);
      this.#speaking = undefined;
      this.#bytes = 0;
    }
  }
}

export const STORY = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');

export function scriptedAgent(name: string): RealtimeAgent {
  const model = new HearingModel({
    capabilities: { imageInput: true },
    script: [
      { match: /story/i, reply: { text: STORY } },
      {
        match: /weather/i,
        reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_weather' }] },
        once: true,
      },
      {
        match: (turn) => turn.toolResults.length > 0,
        reply: (turn) => ({ text: `Tool said ${turn.toolResults.map((r) => r.output).join(' and ')}` }),
      },
      { match: /time/i, reply: { text: 'It is noon.' } },
    ],
    fallback: { text: 'Hello there.' },
  });
  return new RealtimeAgent({
    name,
    instructions: 'Be brief.',
    model,
    tools: [
      tool({
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: z.object({ city: z.string() }),
        execute: ({ city }) => `sunny in ${city}`,
      }),
    ],
  });
}
