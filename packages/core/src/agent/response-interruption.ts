import type { ModelConnection } from '../connection/model-connection.js';
import type { ConversationItem } from '../model/realtime-model.js';
import type { AgentEmitter } from './agent-emitter.js';
import { audioDurationMs } from './audio-math.js';
import type { StreamingItems } from './streaming-items.js';
import { heardPositionMs, truncateToHeard } from './truncation.js';
import type { TurnMetricsRecorder } from './turn-metrics.js';

export interface InterruptionScope {
  readonly connection: ModelConnection;
  readonly streaming: StreamingItems;
  readonly metrics: TurnMetricsRecorder;
  readonly emitter: AgentEmitter;
  readonly addHistory: (item: ConversationItem) => void;
  /** Who was speaking (the persona in charge), for the history item. */
  readonly speaker: () => string;
}

/**
 * Barge-in: stops a response where the listener heard it. Clients learn the heard position, the
 * history keeps only the words that were heard, and the model is cancelled and truncated to match.
 */
export function interruptResponse(responseId: string, scope: InterruptionScope): void {
  const { connection, streaming, emitter } = scope;
  streaming.drop(responseId);
  scope.metrics.interrupted(responseId);
  const audio = streaming.audioOf(responseId);
  const itemId = audio?.itemId ?? streaming.firstItemOf(responseId);
  if (itemId === undefined) {
    connection.cancelResponse();
    return;
  }
  const sentMs = audio ? audioDurationMs(audio.bytes, audio.format) : 0;
  const heardMs = audio ? heardPositionMs(sentMs, streaming.playedMs(itemId)) : 0;
  // Clients clear their playback on this event, so it goes out before anything else.
  emitter.emit(
    emitter.attributed({
      type: 'agent_response_interrupted',
      response_id: responseId,
      item_id: itemId,
      audio_end_ms: heardMs,
    }),
  );
  const text = streaming.textOf(itemId) ?? '';
  scope.addHistory({
    type: 'message',
    id: itemId,
    role: 'assistant',
    // Text-only output was shown whole; spoken output keeps the share that was heard.
    text: audio ? truncateToHeard(text, heardMs, sentMs) : text,
    speaker: scope.speaker(),
  });
  connection.cancelResponse();
  if (audio) connection.truncate(itemId, heardMs);
}
