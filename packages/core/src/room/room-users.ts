import type { ServerEvent } from '@chorus/protocol';
import { filter, merge, type Observable, Subject, takeUntil } from 'rxjs';
import type { RoomUser, RoomUserSession } from './chat-room-options.js';

/** The user a room assumes when input names none. */
export const DEFAULT_USER: Required<RoomUser> = { id: 'user', name: 'User' };

interface UserEntry {
  user: Required<RoomUser>;
  readonly left$: Subject<void>;
  /** This user's own errors; created when the user joins with a view of the room. */
  direct$: Subject<ServerEvent> | undefined;
}

/**
 * The people in a room and their views of it: a user's view is the room's events minus their own
 * words, plus the errors about their own input (which no other user has any business seeing).
 * Leaving completes the view.
 */
export class RoomUsers {
  readonly #users = new Map<string, UserEntry>();
  /** Users whose client dropped and may come back (the gateway holds their session). */
  readonly #away = new Set<string>();

  get size(): number {
    return this.#users.size;
  }

  get list(): readonly RoomUser[] {
    return [...this.#users.values()].map((u) => u.user);
  }

  /** The user as the room knows them (present or not: a message may outlive its sender). */
  named(id: string): Required<RoomUser> {
    return this.#users.get(id)?.user ?? { id, name: id };
  }

  /** Adds the user if new; returns them as the room knows them. */
  admit(user: RoomUser): Required<RoomUser> {
    return this.#entry(user).user;
  }

  rename(user: Required<RoomUser>, name: string): void {
    this.#entry(user).user = { ...user, name };
  }

  /** Adds a user (or renames one present) and opens their view of `events$`. */
  join(
    user: RoomUser,
    events$: Observable<ServerEvent>,
    handleInput: (event: unknown, user: Required<RoomUser>) => boolean,
    leave: () => void,
  ): RoomUserSession {
    const entry = this.#entry(user);
    if (user.name !== undefined) entry.user = { id: user.id, name: user.name };
    entry.direct$ ??= new Subject<ServerEvent>();
    const view$ = merge(
      events$.pipe(filter((event) => !(event.type === 'room_user_message' && event.user_id === user.id))),
      entry.direct$,
    ).pipe(takeUntil(entry.left$));
    return {
      user: entry.user,
      events$: view$,
      handleInput: (event) => handleInput(event, entry.user),
      leave,
    };
  }

  /**
   * Removes a user; `beforeClose` runs once they are gone and before their view completes (a
   * completion handler may already see the room without them). Returns whether they were present.
   */
  remove(id: string, beforeClose: () => void): boolean {
    const entry = this.#users.get(id);
    if (!entry) return false;
    this.#users.delete(id);
    this.#away.delete(id);
    beforeClose();
    entry.left$.next();
    entry.left$.complete();
    entry.direct$?.complete();
    return true;
  }

  /** Marks a user away or back; returns whether every user of the room is away now. */
  setAway(id: string, away: boolean): boolean {
    if (away && this.#users.has(id)) this.#away.add(id);
    else this.#away.delete(id);
    return this.#users.size > 0 && [...this.#users.keys()].every((user) => this.#away.has(user));
  }

  /** Ids of the users who are away. */
  get away(): readonly string[] {
    return [...this.#away];
  }

  ids(): string[] {
    return [...this.#users.keys()];
  }

  /**
   * An error about one user's input goes to that user alone when they joined with their own view;
   * otherwise to everyone through `publish`.
   */
  reject(user: RoomUser | undefined, error: ServerEvent, publish: (event: ServerEvent) => void): void {
    const direct$ = user ? this.#users.get(user.id)?.direct$ : undefined;
    if (direct$) direct$.next(error);
    else publish(error);
  }

  #entry(user: RoomUser): UserEntry {
    let entry = this.#users.get(user.id);
    if (!entry) {
      entry = {
        user: { id: user.id, name: user.name ?? user.id },
        left$: new Subject<void>(),
        direct$: undefined,
      };
      this.#users.set(user.id, entry);
    }
    return entry;
  }
}
