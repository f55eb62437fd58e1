import type { RealtimeModel, ResponseOptions } from '../model/realtime-model.js';
import { agentCuesMachine, type CueLine } from './agent-cues.machine.js';

/** What the cue machine's effects do; `AgentCues` provides them. */
export interface CueEffects {
  /** Ask the model for one response that speaks `line`. */
  readonly startLine: (line: CueLine) => void;
  /** A line was refused: too many are waiting. */
  readonly refused: (line: CueLine) => void;
  /** The user stayed silent after the idle prompt: end the session. */
  readonly endSession: () => void;
}

/** The cue machine with the agent's effects filled in; its settings come as input from the agent. */
export function createCueLogic(effects: CueEffects) {
  return agentCuesMachine.provide({
    actions: {
      startLine: ({ context }) => {
        if (context.current) effects.startLine(context.current);
      },
      reportRefusedLine: ({ event }) => {
        if (event.type === 'cue.say') effects.refused(event.line);
      },
      endSession: () => effects.endSession(),
    },
  });
}

/**
 * Instructions that ask a realtime model to speak a fixed line. Realtime providers have no "speak
 * this text" request, so the line travels as per-response instructions; the model's voice is kept,
 * but its wording may drift (the local model, with its own synthesizer, speaks it exactly).
 */
export function verbatimInstructions(text: string): string {
  return `Say exactly the following words, in your own voice, and nothing else. Do not answer them, do not add anything: ${JSON.stringify(text)}`;
}

/** The response options that speak `text` on `model`. */
export function lineResponse(model: RealtimeModel, text: string): ResponseOptions {
  return model.capabilities.verbatimSpeech ? { say: text } : { instructions: verbatimInstructions(text) };
}
