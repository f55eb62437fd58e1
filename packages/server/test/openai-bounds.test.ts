import { describe, expect, it } from 'vitest';
import { boundConverters } from '../src/openai/client-bounds.js';
import { ConversationStore } from '../src/openai/conversation-store.js';

describe('ConversationStore', () => {
  it('forgets the oldest items once their bytes pass the bound, not only their count', () => {
    const store = new ConversationStore(512, 10_000);
    for (let i = 0; i < 10; i++) store.put({ id: `item_${i}`, text: 'x'.repeat(3000) });
    expect(store.bytes).toBeLessThanOrEqual(10_000);
    expect(store.size).toBe(3);
    expect(store.get('item_9')).toBeDefined();
    expect(store.get('item_6')).toBeUndefined();
    expect(store.lastId).toBe('item_9');
  });

  it('counts a replaced item once and a deleted item not at all', () => {
    const store = new ConversationStore(512, 10_000);
    store.put({ id: 'a', text: 'x'.repeat(1000) });
    const one = store.bytes;
    store.put({ id: 'a', text: 'y'.repeat(1000) });
    expect(store.bytes).toBe(one);
    store.delete('a');
    expect(store.bytes).toBe(0);
  });
});

describe('boundConverters', () => {
  it('disposes the oldest converters past the bound', () => {
    const disposed: string[] = [];
    const cache = new Map<string, { dispose(): void }>();
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
      cache.set(key, { dispose: () => disposed.push(key) });
      boundConverters(cache, 4);
    }
    expect([...cache.keys()]).toEqual(['c', 'd', 'e', 'f']);
    expect(disposed).toEqual(['a', 'b']);
  });
});
