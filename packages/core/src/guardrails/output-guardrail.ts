import type { Persona } from '../agent/persona.js';

export interface OutputGuardrailResult {
  /** True when the output must be stopped. */
  readonly tripwireTriggered: boolean;
  /** Why; sent to the client and, as feedback, to the model. */
  readonly message?: string;
}

/** A check on what the agent is saying, run on its transcript as it grows and at response end. */
export interface OutputGuardrail {
  readonly name: string;
  execute(args: {
    text: string;
    /** The persona in charge when the text was said. */
    agent: Persona;
  }): OutputGuardrailResult | Promise<OutputGuardrailResult>;
}

export interface OutputGuardrailSettings {
  /** Run the guardrails each time the transcript grew by this many characters (default 100). */
  readonly debounceTextLength?: number;
}

/** A guardrail that tripped on a response. */
export interface GuardrailTrip {
  readonly guardrail: string;
  readonly message: string;
  readonly text: string;
}

export interface GuardrailRun {
  readonly trip: GuardrailTrip | undefined;
  /** Guardrails that threw or rejected; they count as not tripped. */
  readonly errors: readonly { readonly guardrail: string; readonly error: unknown }[];
}

/** Runs every guardrail on `text` in parallel; the first trip in declaration order wins. */
export async function runOutputGuardrails(
  guardrails: readonly OutputGuardrail[],
  text: string,
  agent: Persona,
): Promise<GuardrailRun> {
  const settled = await Promise.allSettled(
    guardrails.map(async (guardrail) => guardrail.execute({ text, agent })),
  );
  const errors: { guardrail: string; error: unknown }[] = [];
  let trip: GuardrailTrip | undefined;
  settled.forEach((result, index) => {
    const guardrail = guardrails[index] as OutputGuardrail;
    if (result.status === 'rejected') errors.push({ guardrail: guardrail.name, error: result.reason });
    else if (result.value?.tripwireTriggered && !trip) {
      trip = {
        guardrail: guardrail.name,
        message: result.value.message ?? `output guardrail ${guardrail.name} tripped`,
        text,
      };
    }
  });
  return { trip, errors };
}

/** The system message the model gets after a trip, so its next answer avoids the problem. */
export function guardrailFeedback(trip: GuardrailTrip): string {
  return `Your previous answer was stopped by the output guardrail "${trip.guardrail}": ${trip.message}. Respond again without that problem.`;
}
