/**
 * Audio an event holds as bytes, with its base64 text made once, when something first reads it.
 * Audio deltas (`delta`) and client audio appends (`audio`) built from bytes keep their audio this
 * way, so audio that goes from socket to socket, or to a model, is never encoded and decoded again.
 */
export interface HeldAudio {
  readonly bytes: Uint8Array;
  /** Must write standard padded base64 (`@chorus/audio`'s `base64FromBytes` does). */
  readonly toBase64: (bytes: Uint8Array) => string;
  text: string | undefined;
}

/** Where an event keeps its {@link HeldAudio}: not enumerable, so JSON, keys and spreads never see it. */
const HELD = Symbol('chorus.heldAudio');
type Carrier = { [HELD]?: HeldAudio | undefined };

// One getter and setter per property name, shared by every such event: a getter written in an object
// literal makes a closure per event, and a WeakMap entry per event costs as much again (PROFILES.md).
// The event stays a plain object whose audio is an accessor in its usual place among the keys.
function accessor(key: 'delta' | 'audio'): PropertyDescriptor {
  return {
    enumerable: true,
    configurable: true,
    get(this: Carrier): string {
      const held = this[HELD] as HeldAudio;
      if (held.text === undefined) held.text = held.toBase64(held.bytes);
      return held.text;
    },
    set(this: Carrier, text: string): void {
      // Other audio than the bytes: from now on an ordinary property, and the bytes are let go.
      Object.defineProperty(this, key, { value: text, enumerable: true, writable: true, configurable: true });
      this[HELD] = undefined;
    },
  };
}
const ACCESSORS = { delta: accessor('delta'), audio: accessor('audio') } as const;
const heldSlot: PropertyDescriptor = {
  writable: true,
  enumerable: false,
  configurable: true,
  value: undefined,
};

/**
 * Makes `event[key]` the text of `held`'s bytes, encoded on first read. Define the keys before it in
 * the order they should have; a key already there keeps its place.
 */
export function holdAudio(event: object, key: 'delta' | 'audio', held: HeldAudio): void {
  Object.defineProperty(event, key, ACCESSORS[key]);
  Object.defineProperty(event, HELD, heldSlot);
  (event as Carrier)[HELD] = held;
}

/** What {@link holdAudio} gave an event; undefined for any other, or once it was given other audio. */
export function heldAudio(event: object): HeldAudio | undefined {
  return (event as Carrier)[HELD];
}
