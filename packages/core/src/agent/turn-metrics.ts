/** Timings of one response, as the `agent_turn_metrics` event reports them. */
export interface TurnMetrics {
  readonly responseId: string;
  /** From `response_created` to the first audio delta. */
  readonly timeToFirstAudioMs: number | undefined;
  /** From the user's `input_done` to the first audio delta of the response that answered it. */
  readonly e2eMs: number | undefined;
  readonly interrupted: boolean;
  /** Tool calls that finished since the previous response, by call id. */
  readonly toolDurationsMs: Readonly<Record<string, number>>;
}

interface OpenTurn {
  readonly responseId: string;
  readonly createdAt: number;
  readonly userStoppedAt: number | undefined;
  firstAudioAt: number | undefined;
  interrupted: boolean;
}

/**
 * Collects per-turn timings from the agent's control flow. Times come from the agent's clock, so
 * simulated-clock tests get exact figures.
 */
export class TurnMetricsRecorder {
  private userStoppedAt: number | undefined;
  private turn: OpenTurn | undefined;
  private toolStarts = new Map<string, number>();
  private toolDurations: Record<string, number> = {};

  constructor(private readonly now: () => number) {}

  userStopped(): void {
    this.userStoppedAt = this.now();
  }

  responseCreated(responseId: string): void {
    this.turn = {
      responseId,
      createdAt: this.now(),
      userStoppedAt: this.userStoppedAt,
      firstAudioAt: undefined,
      interrupted: false,
    };
    // Only the first response after the user stopped measures end-to-end latency.
    this.userStoppedAt = undefined;
  }

  /** Cheap enough to call per audio frame. */
  audio(responseId: string): void {
    const turn = this.turn;
    if (turn && turn.firstAudioAt === undefined && turn.responseId === responseId)
      turn.firstAudioAt = this.now();
  }

  interrupted(responseId: string): void {
    if (this.turn?.responseId === responseId) this.turn.interrupted = true;
  }

  toolStarted(callId: string): void {
    this.toolStarts.set(callId, this.now());
  }

  toolFinished(callId: string): void {
    const started = this.toolStarts.get(callId);
    if (started === undefined) return;
    this.toolStarts.delete(callId);
    this.toolDurations[callId] = this.now() - started;
  }

  /** Closes the response's turn; undefined when it was not the open one. */
  responseDone(responseId: string): TurnMetrics | undefined {
    const turn = this.turn;
    if (!turn || turn.responseId !== responseId) return undefined;
    this.turn = undefined;
    const tools = this.toolDurations;
    this.toolDurations = {};
    return {
      responseId,
      timeToFirstAudioMs: turn.firstAudioAt === undefined ? undefined : turn.firstAudioAt - turn.createdAt,
      e2eMs:
        turn.firstAudioAt === undefined || turn.userStoppedAt === undefined
          ? undefined
          : turn.firstAudioAt - turn.userStoppedAt,
      interrupted: turn.interrupted,
      toolDurationsMs: tools,
    };
  }
}
