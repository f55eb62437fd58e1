import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { PlaygroundSession } from '../session/playground-session.js';
import type { SessionModel, TranscriptEntry } from '../session/session-model.js';
import { loadRooms } from './rooms.js';
import { SidePanels } from './SidePanels.js';

declare global {
  interface Window {
    /** Read by the browser tests and handy in devtools. */
    __chorusPlayground?: PlaygroundSession;
  }
}

function createStore() {
  const listeners = new Set<() => void>();
  let version = 0;
  let scheduled = false;
  return {
    changed() {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        version++;
        for (const listener of listeners) listener();
      });
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    version: () => version,
  };
}

const params = new URL(window.location.href).searchParams;

export function App() {
  const store = useMemo(createStore, []);
  useSyncExternalStore(store.subscribe, store.version);
  const [rooms, setRooms] = useState<string[]>([]);
  const [room, setRoom] = useState(params.get('room') ?? '');
  const [name, setName] = useState(params.get('name') ?? 'Guest');
  const [session, setSession] = useState<PlaygroundSession | undefined>(undefined);
  const [text, setText] = useState('');

  useEffect(() => {
    void loadRooms(window.location).then((list) => {
      setRooms(list);
      setRoom((current) => current || list[0] || '');
    });
  }, []);
  useEffect(
    () => () => {
      void session?.leave();
    },
    [session],
  );

  const joined = session !== undefined && session.status !== 'closed';

  const join = async () => {
    if (joined) {
      await session.leave();
      setSession(undefined);
      return;
    }
    const next = new PlaygroundSession(() => store.changed());
    window.__chorusPlayground = next;
    setSession(next);
    const userId = name.replace(/[^A-Za-z0-9_.~-]/g, '').slice(0, 64) || 'guest';
    await next.join({
      room,
      userName: name,
      userId,
      ...(params.get('key') ? { apiKey: params.get('key') as string } : {}),
    });
  };

  const send = () => {
    if (!session || text.trim() === '') return;
    session.sendText(text);
    setText('');
  };

  const model = session?.model;
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          Chorus <span>Playground</span>
        </h1>
        <label className="field">
          Room
          <select value={room} onChange={(e) => setRoom(e.target.value)} disabled={joined} aria-label="Room">
            {rooms.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={joined}
            aria-label="Your name"
          />
        </label>
        <button
          type="button"
          className={joined ? 'secondary' : 'primary'}
          onClick={() => void join()}
          disabled={!room}
        >
          {joined ? 'Leave' : 'Join'}
        </button>
        <span
          className={`status status-${session?.status ?? 'idle'}`}
          data-status={session?.status ?? 'idle'}
        >
          <span className="dot" />
          {session ? session.status : 'not connected'}
          {session?.statusDetail ? ` · ${session.statusDetail}` : ''}
        </span>
      </header>
      <main className="conversation">
        <Transcript model={model} />
        <footer className="composer">
          <MicButton session={session} joined={session?.status === 'joined'} />
          <input
            className="message"
            placeholder={
              session?.status === 'joined' ? 'Type a message and press Enter' : 'Join a room to talk'
            }
            value={text}
            disabled={session?.status !== 'joined'}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') send();
            }}
            aria-label="Message"
          />
          <button
            type="button"
            className="primary"
            onClick={send}
            disabled={session?.status !== 'joined' || text.trim() === ''}
          >
            Send
          </button>
        </footer>
      </main>
      <SidePanels session={session} />
    </div>
  );
}

function MicButton({
  session,
  joined,
}: {
  readonly session: PlaygroundSession | undefined;
  readonly joined: boolean;
}) {
  const on = session?.micOn === true;
  const level = Math.min(1, (session?.micLevel ?? 0) * 6);
  return (
    <button
      type="button"
      className={`mic ${on ? 'on' : ''}`}
      disabled={!joined}
      aria-pressed={on}
      title={on ? 'Stop the microphone' : 'Talk with the microphone'}
      onClick={() =>
        void (on ? session?.stopMicrophone() : session?.startMicrophone(params.get('aec') !== '0'))
      }
    >
      <span className="mic-level" style={{ transform: `scaleY(${on ? 0.15 + level * 0.85 : 0.15})` }} />
      {on ? 'Mic on' : 'Mic'}
    </button>
  );
}

function Transcript({ model }: { readonly model: SessionModel | undefined }) {
  const end = useRef<HTMLDivElement>(null);
  const count = model?.transcript.length ?? 0;
  const last = model?.transcript.at(-1)?.text.length ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when entries or the live entry grow
  useEffect(() => {
    // Braces matter: newer browsers return a promise from scrollIntoView, which React would take for a cleanup.
    void end.current?.scrollIntoView({ block: 'end' });
  }, [count, last]);
  if (!model || model.transcript.length === 0) {
    return (
      <section className="transcript empty">
        <h2>Talk to a room</h2>
        <p>Pick a room, join, then type or switch the microphone on. Agents answer with voice and text.</p>
      </section>
    );
  }
  return (
    <section className="transcript" aria-label="Transcript" aria-live="polite">
      {model.transcript.map((entry) => (
        <Bubble key={entry.key} entry={entry} />
      ))}
      {model.userSpeaking && <div className="speaking">You are speaking…</div>}
      <div ref={end} />
    </section>
  );
}

function Bubble({ entry }: { readonly entry: TranscriptEntry }) {
  const text =
    entry.text !== ''
      ? entry.text
      : entry.spoken
        ? entry.done
          ? (entry.note ?? '(spoken turn)')
          : '…'
        : '…';
  return (
    <article
      className={`bubble ${entry.speaker} ${entry.done ? 'done' : 'live'} ${entry.interrupted ? 'interrupted' : ''}`}
      data-speaker={entry.speaker}
      data-name={entry.name}
    >
      <header>
        <strong>{entry.name}</strong>
        {entry.spoken && <span className="tag">voice</span>}
        {!entry.done && !entry.interrupted && <span className="tag live-tag">live</span>}
        {entry.interrupted && (
          <span className="tag cut">
            interrupted{entry.heardMs !== undefined ? ` at ${(entry.heardMs / 1000).toFixed(1)} s` : ''}
          </span>
        )}
      </header>
      <p className={entry.note && entry.text === '' ? 'note' : undefined}>{text}</p>
    </article>
  );
}
