/**
 * What the page learns from a feed, whichever protocol carried it: the Chorus gateway's `/inspect`
 * frames or `@statelyai/inspect` messages. Both are decoded into these.
 */
export type InspectorInput =
  | {
      readonly kind: 'definition';
      readonly room: string;
      readonly machineKey: string;
      readonly definition: unknown;
    }
  | {
      readonly kind: 'actor';
      readonly room: string;
      readonly actorId: string;
      readonly name: string;
      readonly parentId: string | undefined;
      readonly machineKey: string | undefined;
      readonly time: number;
    }
  | {
      readonly kind: 'state';
      readonly room: string;
      readonly actorId: string;
      readonly value: unknown;
      readonly status: string;
      readonly eventType: string;
      /** Present when the producer sends it (`@statelyai/inspect` does; the Chorus feed does not). */
      readonly context?: unknown;
      readonly time: number;
    }
  | {
      readonly kind: 'event';
      readonly room: string;
      readonly actorId: string;
      readonly sourceId: string | undefined;
      readonly event: { readonly type: string; readonly [key: string]: unknown };
      readonly time: number;
    }
  | { readonly kind: 'dropped'; readonly room: string | undefined; readonly count: number }
  /** The feed restarted (a new catch-up snapshot): forget what came before for these rooms. */
  | { readonly kind: 'reset'; readonly room: string | undefined };
