import type { HistoryItem } from '@chorus/protocol';
import type { ConversationItem, HistoryChange } from '../model/realtime-model.js';

/**
 * What `RealtimeAgent.updateHistory` takes: the whole new history, or a function from the current
 * one to the new one (the OpenAI Agents SDK's `RealtimeSession.updateHistory` shape). Append,
 * replace and delete are all expressed this way:
 * ```ts
 * agent.updateHistory((items) => [...items, { type: 'message', id: 'note_1', role: 'system', text: 'VIP caller' }]);
 * agent.updateHistory((items) => items.filter((item) => item.id !== 'item_3'));
 * ```
 */
export type HistoryUpdate =
  | readonly ConversationItem[]
  | ((current: readonly ConversationItem[]) => readonly ConversationItem[]);

/** A run of items added together after one item (null: at the start). */
export interface AddedRun {
  readonly previousItemId: string | null;
  readonly items: readonly ConversationItem[];
}

/** How one history became another: what went, what changed in place, what was inserted where. */
export interface HistoryDiff {
  readonly removed: readonly string[];
  readonly updated: readonly ConversationItem[];
  readonly added: readonly AddedRun[];
}

/** Longest text a seeded or edited item may carry; more is refused, naming the item. */
export const MAX_HISTORY_ITEM_CHARS = 256 * 1024;

/**
 * Checks a new history: every item has a non-empty, unique id and a known type, and texts are
 * bounded. Throws a `TypeError` naming the offending item, so a bad edit changes nothing.
 */
export function checkHistory(items: readonly ConversationItem[], maxItems: number): void {
  if (!Array.isArray(items)) throw new TypeError('history must be an array of conversation items');
  if (items.length > maxItems) {
    throw new RangeError(`history has ${items.length} items; this agent keeps at most ${maxItems}`);
  }
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const where = `history[${index}]`;
    if (typeof item !== 'object' || item === null) throw new TypeError(`${where} is not an item`);
    if (typeof item.id !== 'string' || item.id === '' || item.id.length > 256) {
      throw new TypeError(`${where}.id must be a non-empty string of at most 256 characters`);
    }
    if (seen.has(item.id)) throw new TypeError(`${where}.id "${item.id}" is used twice`);
    seen.add(item.id);
    const text =
      item.type === 'message'
        ? item.text
        : item.type === 'function_call'
          ? item.arguments
          : item.type === 'function_call_output'
            ? item.output
            : undefined;
    if (typeof text !== 'string')
      throw new TypeError(`${where}.type must be message, function_call or function_call_output`);
    if (text.length > MAX_HISTORY_ITEM_CHARS) {
      throw new RangeError(`${where} is ${text.length} characters long; at most ${MAX_HISTORY_ITEM_CHARS}`);
    }
  });
}

/**
 * The difference between two histories. Items kept in the same relative order stay (updated in
 * place when their content changed); an item that moved is removed and added again at its new
 * place, which every provider can express.
 */
export function diffHistory(
  before: readonly ConversationItem[],
  after: readonly ConversationItem[],
): HistoryDiff {
  const beforeIndex = new Map(before.map((item, index) => [item.id, index]));
  const kept = new Set<string>();
  const updated: ConversationItem[] = [];
  const added: AddedRun[] = [];
  let lastKept = -1;
  let run: { previousItemId: string | null; items: ConversationItem[] } | undefined;
  let previous: string | null = null;
  for (const item of after) {
    const index = beforeIndex.get(item.id);
    if (index !== undefined && index > lastKept) {
      lastKept = index;
      kept.add(item.id);
      const old = before[index];
      if (old && !sameItem(old, item)) updated.push(item);
      run = undefined;
    } else {
      if (!run) {
        run = { previousItemId: previous, items: [] };
        added.push(run);
      }
      run.items.push(item);
    }
    previous = item.id;
  }
  const removed = before.filter((item) => !kept.has(item.id)).map((item) => item.id);
  return { removed, updated, added };
}

/** The diff as a model applies it: replaced items are removed and added again at their place. */
export function modelChange(after: readonly ConversationItem[], diff: HistoryDiff): HistoryChange {
  const replaced = new Set(diff.updated.map((item) => item.id));
  const inserted = new Map<string, string | null>();
  for (const run of diff.added) {
    let previous = run.previousItemId;
    for (const item of run.items) {
      inserted.set(item.id, previous);
      previous = item.id;
    }
  }
  const added: { item: ConversationItem; previousItemId: string | null }[] = [];
  let previous: string | null = null;
  for (const item of after) {
    if (inserted.has(item.id) || replaced.has(item.id)) added.push({ item, previousItemId: previous });
    previous = item.id;
  }
  return { history: after, removed: [...diff.removed, ...replaced], added };
}

function sameItem(a: ConversationItem, b: ConversationItem): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An item as `agent_history_updated` carries it. */
export function wireItem(item: ConversationItem): HistoryItem {
  switch (item.type) {
    case 'message':
      return {
        type: 'message',
        id: item.id,
        role: item.role,
        text: item.text,
        ...(item.speaker !== undefined ? { speaker: item.speaker } : {}),
      };
    case 'function_call':
      return {
        type: 'function_call',
        id: item.id,
        call_id: item.callId,
        name: item.name,
        arguments: item.arguments,
      };
    case 'function_call_output':
      return { type: 'function_call_output', id: item.id, call_id: item.callId, output: item.output };
  }
}
