/**
 * Client events the protocol's parser produced. A client event crosses two parsers on its way in
 * (the gateway's, then the room's or agent's `handleInput`, which also takes raw input): the second
 * recognises the first one's output and hands it back unchecked.
 */
export const validatedClientEvents = new WeakSet<object>();
