import type { ServerEventOf } from '@chorus/protocol';
import type { ModelConnection } from '../connection/model-connection.js';
import type { ConversationItem, RealtimeModel } from '../model/realtime-model.js';
import type { AgentEmitter } from './agent-emitter.js';
import { ConversationHistory } from './conversation-history.js';
import { checkHistory, diffHistory, type HistoryUpdate, modelChange, wireItem } from './history-edit.js';

type HistoryEvent = Omit<ServerEventOf<'agent_history_updated'>, 'type' | 'agent_id' | 'agent_name'>;

/**
 * The agent's conversation history as an API: items the agent records as the conversation goes,
 * a seed before it starts, and edits while it runs (`updateHistory`). Every change is announced as
 * `agent_history_updated` with the items themselves, so a client can keep an exact copy; an edit
 * reaches the model through `RealtimeModel.updateHistory`, or, for a model without it, as far as
 * plain input can carry it (appended messages), the rest reported as not applied until the next
 * reconnect replays the history.
 */
export class AgentHistory {
  readonly conversation: ConversationHistory;
  #connection: ModelConnection | undefined;

  constructor(
    maxItems: number | undefined,
    private readonly emitter: AgentEmitter,
  ) {
    this.conversation = new ConversationHistory(maxItems);
  }

  get items(): readonly ConversationItem[] {
    return this.conversation.items;
  }

  /** The model connection edits go to, once the agent runs. */
  attach(connection: ModelConnection): void {
    this.#connection = connection;
  }

  /** An item of the running conversation (a transcript, an answer, a tool call or result). */
  record(item: ConversationItem): void {
    const result = this.conversation.upsert(item);
    const wire = wireItem(item);
    this.#announce({
      ...(result.kind === 'added' ? { added: [wire] } : { updated: [wire] }),
      ...(result.dropped.length > 0 ? { removed: [...result.dropped] } : {}),
    });
  }

  /** Prior items the agent starts with (yesterday's call); the model gets them when it connects. */
  seed(items: readonly ConversationItem[]): void {
    if (this.#connection) throw new Error('history can be seeded only before the agent starts');
    checkHistory(items, this.conversation.maxItems);
    this.conversation.replace(items);
  }

  /**
   * Reads, appends, replaces or deletes items while the agent runs (or before it starts). Returns
   * the history after the edit. Throws, changing nothing, when the new history is invalid.
   */
  update(update: HistoryUpdate): readonly ConversationItem[] {
    const before = this.conversation.items;
    const after = typeof update === 'function' ? update(before) : update;
    checkHistory(after, this.conversation.maxItems);
    const diff = diffHistory(before, after);
    if (diff.removed.length + diff.updated.length + diff.added.length === 0) return before;
    this.conversation.replace(after);
    if (diff.removed.length > 0 || diff.updated.length > 0) {
      this.#announce({
        ...(diff.updated.length > 0 ? { updated: diff.updated.map(wireItem) } : {}),
        ...(diff.removed.length > 0 ? { removed: [...diff.removed] } : {}),
      });
    }
    for (const run of diff.added) {
      this.#announce({ added: run.items.map(wireItem), previous_item_id: run.previousItemId });
    }
    const connection = this.#connection;
    if (connection) this.#toModel(connection, modelChange(after, diff), after);
    return this.conversation.items;
  }

  #toModel(
    connection: ModelConnection,
    change: ReturnType<typeof modelChange>,
    after: readonly ConversationItem[],
  ): void {
    const model: RealtimeModel = connection.model;
    // Not connected: the next connect replays the history as it is now, edit included.
    if (!connection.isConnected()) return;
    if (model.updateHistory) {
      model.updateHistory(change);
      return;
    }
    const last = after.length - change.added.length;
    const appendsOnly =
      change.removed.length === 0 &&
      change.added.every(({ item }, i) => item.type === 'message' && after[last + i]?.id === item.id);
    if (appendsOnly) {
      for (const { item } of change.added) {
        if (item.type === 'message') connection.send({ type: 'text', role: item.role, text: item.text });
      }
      return;
    }
    this.emitter.emitError(
      'server_error',
      'history_not_applied',
      `${model.provider} cannot edit its copy of the conversation in place; the edit reaches it when the history is next replayed (a reconnect)`,
    );
  }

  #announce(change: HistoryEvent | Omit<HistoryEvent, 'items'>): void {
    this.emitter.emit(
      this.emitter.attributed({
        type: 'agent_history_updated',
        ...change,
        items: this.conversation.items.length,
      }),
    );
  }
}
