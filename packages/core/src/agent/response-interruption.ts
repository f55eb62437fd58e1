import type { ModelConnection } from '../connection/model-connection.js';
import type { ConversationItem } from '../model/realtime-model.js';
import type { AgentEmitter } from './agent-emitter.js';
import { audioDurationMs } from './audio-math.js';
import type { CutReply } from './false-interruption.js';
import type { AssistantItem, AudioItem, StreamingItems } from './streaming-items.js';
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
export function interruptResponse(responseId: string, scope: InterruptionScope): CutReply | undefined {
  const { connection, streaming, emitter } = scope;
  scope.metrics.interrupted(responseId);
  const audio = streaming.audioOf(responseId);
  const itemId = audio?.itemId ?? streaming.firstItemOf(responseId);
  if (itemId === undefined) {
    connection.cancelResponse();
    return undefined;
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
  // Text-only output was shown whole; spoken output keeps the share that was heard.
  const heardText = audio ? truncateToHeard(text, heardMs, sentMs) : text;
  scope.addHistory({
    type: 'message',
    id: itemId,
    role: 'assistant',
    text: heardText,
    speaker: scope.speaker(),
  });
  closeItems(responseId, audio, itemId, heardText, scope);
  connection.cancelResponse();
  if (audio) connection.truncate(itemId, heardMs);
  return audio ? { itemId, heardText, text, heardMs } : { itemId, heardText, text };
}

/**
 * Ends every item of the cut response the way a finished one ends (`..._transcript_done` or
 * `..._text_done`, then `agent_response_audio_done`), with `interrupted: true` and the words that
 * were heard, so a client closes this reply's bubble before the next reply starts. The response's
 * own later events are dropped, so without this the items would stay open.
 */
function closeItems(
  responseId: string,
  audio: AudioItem | undefined,
  heardItemId: string,
  heardText: string,
  scope: InterruptionScope,
): void {
  const { streaming, emitter } = scope;
  const items = new Map<string, AssistantItem | undefined>(streaming.itemsOf(responseId));
  // An item with audio and no transcript is still closed, with no words.
  if (audio && !items.has(audio.itemId)) items.set(audio.itemId, undefined);
  for (const [itemId, item] of items) {
    if (item?.closed) continue;
    if (item) item.closed = true;
    const words = itemId === heardItemId ? heardText : (item?.text ?? '');
    emitter.emit(
      emitter.attributed(
        item?.isText
          ? {
              type: 'agent_response_text_done',
              response_id: responseId,
              item_id: itemId,
              text: words,
              interrupted: true,
            }
          : {
              type: 'agent_response_audio_transcript_done',
              response_id: responseId,
              item_id: itemId,
              transcript: words,
              interrupted: true,
            },
      ),
    );
  }
  if (audio && !audio.closed) {
    audio.closed = true;
    emitter.emit(
      emitter.attributed({
        type: 'agent_response_audio_done',
        response_id: responseId,
        item_id: audio.itemId,
        interrupted: true,
      }),
    );
  }
}
