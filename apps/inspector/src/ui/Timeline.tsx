import { useMemo, useState } from 'react';
import { activeLeavesOfValue } from '../chart/value-format.js';
import { filterTimeline, type RoomView, snapshotAt, type TimelineEntry } from '../feed/inspector-model.js';

export interface TimelineProps {
  readonly room: RoomView;
  /** Bumps when the model changed, so the memoized list refreshes. */
  readonly version: number;
}

const KINDS = ['event', 'state'] as const;

function clock(time: number): string {
  const d = new Date(time);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    return String(value);
  }
}

/**
 * The room's timeline, newest first: events delivered to actors (who sent what to whom) and state
 * changes, filterable by actor, kind and event type. Selecting an entry shows its payload and the
 * actor's snapshot at that moment.
 */
export function Timeline({ room, version }: TimelineProps) {
  const [actorIds, setActorIds] = useState<ReadonlySet<string>>(new Set());
  const [types, setTypes] = useState<ReadonlySet<string>>(new Set());
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<number | undefined>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` stands for the mutable timeline's content
  const all = useMemo(() => room.timeline.toArray(), [room, version]);
  const shown = useMemo(
    () => filterTimeline(all, { actorIds, types, text }).slice(-300).reverse(),
    [all, actorIds, types, text],
  );
  const name = (actorId: string | undefined) =>
    actorId === undefined ? 'outside' : (room.actors.get(actorId)?.name ?? actorId.slice(0, 8));
  const entry = selected === undefined ? undefined : all.find((e) => e.n === selected);
  const snapshot = entry && entry.kind !== 'dropped' ? snapshotAt(all, entry.actorId, entry.n) : undefined;

  const toggle = (set: ReadonlySet<string>, value: string) => {
    const next = new Set(set);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    return next;
  };

  return (
    <section className="timeline" aria-label="Event timeline">
      <header className="panel-header">
        <h2>Timeline</h2>
        <span className="muted">
          {all.length} kept{room.timeline.dropped > 0 ? `, ${room.timeline.dropped} older dropped` : ''}
        </span>
      </header>
      <div className="filters">
        <select
          aria-label="Filter by actor"
          value={actorIds.size === 1 ? [...actorIds][0] : ''}
          onChange={(e) => setActorIds(e.target.value === '' ? new Set() : new Set([e.target.value]))}
        >
          <option value="">All actors</option>
          {[...room.actors.values()].map((actor) => (
            <option key={actor.actorId} value={actor.actorId}>
              {actor.name}
            </option>
          ))}
        </select>
        {KINDS.map((kind) => (
          <label key={kind} className="chip">
            <input
              type="checkbox"
              checked={types.size === 0 || types.has(kind)}
              onChange={() => setTypes(toggle(types.size === 0 ? new Set(KINDS) : types, kind))}
            />
            {kind === 'event' ? 'events' : 'state changes'}
          </label>
        ))}
        <input
          className="search"
          type="search"
          placeholder="Event type…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <ol className="entries">
        {room.timeline.dropped > 0 && (
          <li className="entry dropped-marker">
            {room.timeline.dropped} older entries dropped (ring buffer)
          </li>
        )}
        {shown.map((e) => (
          <TimelineRow key={e.n} entry={e} name={name} selected={e.n === selected} onSelect={setSelected} />
        ))}
      </ol>
      {entry && entry.kind !== 'dropped' && (
        <div className="detail">
          <h3>
            {entry.kind === 'event' ? 'Event' : 'State change'} <code>{entry.type || '(init)'}</code> at{' '}
            {clock(entry.time)}
          </h3>
          {entry.kind === 'event' && <pre>{json(entry.event)}</pre>}
          <h3>Snapshot of {name(entry.actorId)} at this moment</h3>
          {snapshot ? (
            <>
              <p>
                <strong>{activeLeavesOfValue(snapshot.value)}</strong>{' '}
                <span className="muted">({snapshot.status})</span>
              </p>
              {snapshot.hasContext ? (
                <pre>{json(snapshot.context)}</pre>
              ) : (
                <p className="muted">This feed does not carry the actor's context.</p>
              )}
            </>
          ) : (
            <p className="muted">No state of this actor is left in the buffer before this moment.</p>
          )}
        </div>
      )}
    </section>
  );
}

function TimelineRow({
  entry,
  name,
  selected,
  onSelect,
}: {
  readonly entry: TimelineEntry;
  readonly name: (actorId: string | undefined) => string;
  readonly selected: boolean;
  readonly onSelect: (n: number | undefined) => void;
}) {
  if (entry.kind === 'dropped') {
    return <li className="entry dropped-marker">{entry.count} entries dropped by the feed (slow reader)</li>;
  }
  return (
    <li className={`entry kind-${entry.kind} ${selected ? 'selected' : ''}`}>
      <button type="button" onClick={() => onSelect(selected ? undefined : entry.n)}>
        <span className="time">{clock(entry.time)}</span>
        {entry.kind === 'event' ? (
          <span className="what">
            <span className="who">{name(entry.sourceId)}</span> →{' '}
            <span className="who">{name(entry.actorId)}</span> <code>{entry.type}</code>
          </span>
        ) : (
          <span className="what">
            <span className="who">{name(entry.actorId)}</span> ⇒{' '}
            <strong>{activeLeavesOfValue(entry.value) || entry.status}</strong>
          </span>
        )}
      </button>
    </li>
  );
}
