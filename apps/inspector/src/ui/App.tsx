import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { activeLeavesOfValue } from '../chart/value-format.js';
import { type ConnectionStatus, FeedConnection, feedUrl } from '../feed/feed-connection.js';
import { type ActorView, InspectorModel, isFinished, type RoomView } from '../feed/inspector-model.js';
import { ActorTree } from './ActorTree.js';
import { chartFor } from './chart-cache.js';
import { StateChart } from './StateChart.js';
import { Timeline } from './Timeline.js';

/** Re-renders at most once per animation frame, however fast the feed is. */
function createStore(model: InspectorModel) {
  const listeners = new Set<() => void>();
  let scheduled = false;
  let shownVersion = model.version;
  return {
    changed() {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        shownVersion = model.version;
        for (const listener of listeners) listener();
      });
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    version: () => shownVersion,
  };
}

export function App() {
  const model = useMemo(() => new InspectorModel(), []);
  const store = useMemo(() => createStore(model), [model]);
  const version = useSyncExternalStore(store.subscribe, store.version);
  const url = useMemo(() => feedUrl(window.location), []);
  const [status, setStatus] = useState<{ status: ConnectionStatus; detail?: string }>({
    status: 'connecting',
  });
  const [problems, setProblems] = useState(0);
  const [selectedRoom, setSelectedRoom] = useState<string | undefined>(undefined);
  const [selectedActor, setSelectedActor] = useState<string | undefined>(undefined);

  useEffect(() => {
    const key = new URL(window.location.href).searchParams.get('key');
    const connection = new FeedConnection({
      url,
      protocols: key ? [`chorus-key.${key}`] : [],
      onInputs: (inputs) => {
        for (const input of inputs) model.apply(input);
        store.changed();
      },
      onStatus: (next, detail) =>
        setStatus(detail === undefined ? { status: next } : { status: next, detail }),
      onProblem: () => setProblems((n) => n + 1),
    });
    return () => connection.close();
  }, [url, model, store]);

  const rooms = [...model.rooms.values()];
  const room: RoomView | undefined =
    (selectedRoom !== undefined ? model.rooms.get(selectedRoom) : undefined) ?? rooms[0];

  return (
    <div className="app" data-version={version}>
      <header className="topbar">
        <h1>
          Chorus <span>Inspector</span>
        </h1>
        <div className={`status status-${status.status}`} data-status={status.status}>
          <span className="dot" />
          {status.status === 'open' ? 'live' : status.status}
          {status.detail && status.status !== 'open' ? ` (${status.detail})` : ''}
        </div>
        <code className="source" title="Feed URL (set another with ?ws=)">
          {url}
        </code>
        {problems > 0 && <span className="muted">{problems} frames not understood</span>}
      </header>
      <aside className="sidebar">
        <header className="panel-header">
          <h2>Rooms</h2>
          <span className="muted">{rooms.length}</span>
        </header>
        <ActorTree
          rooms={rooms}
          selectedRoom={room?.name}
          selectedActor={selectedActor}
          onSelectRoom={(name) => {
            setSelectedRoom(name);
            setSelectedActor(undefined);
          }}
          onSelectActor={(name, actorId) => {
            setSelectedRoom(name);
            setSelectedActor(actorId);
          }}
        />
      </aside>
      <main className="charts">
        {room ? <RoomCharts room={room} selectedActor={selectedActor} /> : <Empty url={url} />}
      </main>
      {room && <Timeline room={room} version={version} />}
    </div>
  );
}

function Empty({ url }: { readonly url: string }) {
  return (
    <div className="empty">
      <h2>Waiting for actors</h2>
      <p>
        Listening on <code>{url}</code>. Start a room (join one from the playground), or point any XState app
        at this feed with <code>createWebSocketInspector</code>.
      </p>
    </div>
  );
}

function RoomCharts({
  room,
  selectedActor,
}: {
  readonly room: RoomView;
  readonly selectedActor: string | undefined;
}) {
  const machines = [...room.actors.values()].filter(
    (actor) => actor.machineKey !== undefined && room.definitions.has(actor.machineKey),
  );
  const shown = selectedActor !== undefined ? machines.filter((a) => a.actorId === selectedActor) : machines;
  const live = shown.filter((actor) => !isFinished(actor));
  const list = live.length > 0 ? live : shown;
  if (list.length === 0) {
    return (
      <div className="empty">
        <h2>{room.name}</h2>
        <p>No machine definitions in this room yet.</p>
      </div>
    );
  }
  return (
    <>
      {list.map((actor) => (
        <ChartCard key={actor.actorId} room={room} actor={actor} tall={list.length === 1} />
      ))}
    </>
  );
}

function ChartCard({
  room,
  actor,
  tall,
}: {
  readonly room: RoomView;
  readonly actor: ActorView;
  readonly tall: boolean;
}) {
  const definition = actor.machineKey === undefined ? undefined : room.definitions.get(actor.machineKey);
  const chart = chartFor(definition, actor.machineKey ?? actor.name);
  const parent = actor.parentId === undefined ? undefined : room.actors.get(actor.parentId);
  return (
    <article
      className={`chart-card ${isFinished(actor) ? 'finished' : ''}`}
      data-actor-id={actor.actorId}
      data-actor-name={actor.name}
      data-machine={actor.machineKey}
      data-value={activeLeavesOfValue(actor.value)}
    >
      <header className="chart-header">
        <h2>{actor.name}</h2>
        <span className="muted">
          {actor.machineKey}
          {parent ? ` · child of ${parent.name}` : ''}
        </span>
        <span className="pill">{isFinished(actor) ? actor.status : activeLeavesOfValue(actor.value)}</span>
        {actor.lastEventType && <span className="muted last-event">after {actor.lastEventType}</span>}
      </header>
      <StateChart
        chart={chart}
        value={actor.value}
        previousValue={actor.previousValue}
        lastEventType={actor.lastEventType}
        changes={actor.changes}
        height={tall ? 560 : 340}
      />
    </article>
  );
}
