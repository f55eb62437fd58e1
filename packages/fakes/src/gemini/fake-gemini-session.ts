import type { GeminiContent } from '@chorus/protocol/gemini';

/**
 * A Gemini Live session as the fake keeps it: the conversation so far and the connection attached
 * to it. It outlives its connections, so a resumption handle can pick it up on a new socket.
 */
export interface FakeGeminiSession {
  readonly id: string;
  /** Every turn so far, user and model, as Gemini `Content`. */
  readonly history: GeminiContent[];
  /** The connection that currently owns the session (a resume is refused while one does). */
  attached?: { readonly id: number; readonly open: boolean };
}

/** Sessions by id and by every resumption handle issued for them. */
export class FakeGeminiSessionStore {
  private readonly byHandle = new Map<string, FakeGeminiSession>();
  private readonly sessions: FakeGeminiSession[] = [];
  private handleCount = 0;

  create(): FakeGeminiSession {
    const session: FakeGeminiSession = { id: `session-${this.sessions.length + 1}`, history: [] };
    this.sessions.push(session);
    return session;
  }

  /** Issues a new handle for `session` (earlier handles stay valid, as on the real service within 2 h). */
  issueHandle(session: FakeGeminiSession): string {
    this.handleCount += 1;
    const handle = `handle-${session.id}-${this.handleCount}`;
    this.byHandle.set(handle, session);
    return handle;
  }

  /** The service lost every session's state (as after a 1011 "Deadline expired"): old handles no longer resume. */
  forgetHandles(): void {
    this.byHandle.clear();
  }

  byResumptionHandle(handle: string): FakeGeminiSession | undefined {
    return this.byHandle.get(handle);
  }

  all(): readonly FakeGeminiSession[] {
    return this.sessions;
  }
}
