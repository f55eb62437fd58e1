import type { GuardrailRun, GuardrailTrip } from './output-guardrail.js';

interface ResponseWatch {
  readonly responseId: string;
  checkedLength: number;
  /** Checks of one response run one after another, so a later text never races an earlier one. */
  chain: Promise<void>;
  trip: GuardrailTrip | undefined;
}

/**
 * Decides when to run output guardrails: each time a response's transcript grew by
 * `debounceTextLength` characters, and once more when the response ends. Reports at most one trip
 * per response; the agent machine decides what a trip does.
 */
export class GuardrailMonitor {
  private watch: ResponseWatch | undefined;

  constructor(
    private readonly debounceTextLength: number,
    private readonly run: (text: string) => Promise<GuardrailRun>,
    private readonly onTrip: (responseId: string, trip: GuardrailTrip) => void,
    private readonly onError: (guardrail: string, error: unknown) => void,
  ) {
    if (!(debounceTextLength > 0)) {
      throw new RangeError(`debounceTextLength must be positive, got ${debounceTextLength}`);
    }
  }

  /** The response's transcript so far. */
  textChanged(responseId: string, text: string): void {
    const watch = this.watchFor(responseId);
    if (text.length - watch.checkedLength >= this.debounceTextLength) this.check(watch, text);
  }

  /** The response ended with this transcript: a last check unless already checked at this length. */
  responseDone(responseId: string, text: string): void {
    const watch = this.watchFor(responseId);
    if (text.length > 0 && text.length !== watch.checkedLength) this.check(watch, text);
  }

  /** Resolves when every check started so far has finished (tests, shutdown). */
  settled(): Promise<void> {
    return this.watch?.chain ?? Promise.resolve();
  }

  private watchFor(responseId: string): ResponseWatch {
    if (this.watch?.responseId !== responseId) {
      this.watch = { responseId, checkedLength: 0, chain: Promise.resolve(), trip: undefined };
    }
    return this.watch;
  }

  private check(watch: ResponseWatch, text: string): void {
    watch.checkedLength = text.length;
    watch.chain = watch.chain
      .then(async () => {
        if (watch.trip) return;
        const result = await this.run(text);
        for (const { guardrail, error } of result.errors) this.onError(guardrail, error);
        if (result.trip && !watch.trip) {
          watch.trip = result.trip;
          this.onTrip(watch.responseId, result.trip);
        }
      })
      .catch((error: unknown) => this.onError('guardrails', error));
  }
}
