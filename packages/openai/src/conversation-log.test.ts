import { describe, expect, it } from 'vitest';
import { ConversationLog } from './conversation-log.js';

describe('ConversationLog', () => {
  it('keeps items in order, replaces by id and skips empty messages', () => {
    const log = new ConversationLog();
    log.upsert({ type: 'message', id: 'a', role: 'user', text: 'hi' });
    log.upsert({ type: 'message', id: 'b', role: 'assistant', text: '' });
    log.upsert({ type: 'function_call', id: 'c', callId: 'k', name: 'f', arguments: '{}' });
    log.upsert({ type: 'message', id: 'a', role: 'user', text: 'hello' });
    expect(log.snapshot()).toEqual([
      { type: 'message', id: 'a', role: 'user', text: 'hello' },
      { type: 'function_call', id: 'c', callId: 'k', name: 'f', arguments: '{}' },
    ]);
  });

  it('cuts a message to the heard share of its words', () => {
    const log = new ConversationLog();
    log.upsert({ type: 'message', id: 'a', role: 'assistant', text: 'one two three four' });
    log.truncate('a', 0.5);
    expect(log.snapshot()).toEqual([{ type: 'message', id: 'a', role: 'assistant', text: 'one two' }]);
    log.truncate('a', 0);
    expect(log.snapshot()).toEqual([]);
  });
});
