import type { JSX } from 'react';
import { activeLeavesOfValue } from '../chart/value-format.js';
import { type ActorView, isFinished, type RoomView } from '../feed/inspector-model.js';

export interface ActorTreeProps {
  readonly rooms: readonly RoomView[];
  readonly selectedRoom: string | undefined;
  readonly selectedActor: string | undefined;
  readonly onSelectRoom: (room: string) => void;
  readonly onSelectActor: (room: string, actorId: string | undefined) => void;
}

function childrenOf(room: RoomView, parentId: string | undefined): ActorView[] {
  return [...room.actors.values()].filter((actor) =>
    parentId === undefined
      ? actor.parentId === undefined || !room.actors.has(actor.parentId)
      : actor.parentId === parentId,
  );
}

/**
 * A room's live actors first; actors that finished (earlier sessions' agents and connections) are
 * collapsed into a history group, so they do not read as part of the live room.
 */
function RoomActors({
  room,
  renderActor,
}: {
  readonly room: RoomView;
  readonly renderActor: (room: RoomView, actor: ActorView, depth: number) => JSX.Element;
}) {
  const top = childrenOf(room, undefined);
  const live = top.filter((actor) => !isFinished(actor));
  const finished = top.filter((actor) => isFinished(actor));
  return (
    <>
      <ul className="tree-live">{live.map((actor) => renderActor(room, actor, 0))}</ul>
      {finished.length > 0 && (
        <details className="tree-history">
          <summary>History ({finished.length} finished)</summary>
          <ul>{finished.map((actor) => renderActor(room, actor, 0))}</ul>
        </details>
      )}
    </>
  );
}

/** Rooms and, under each, its actors as a tree (room, agents, their model connections, tools…). */
export function ActorTree({
  rooms,
  selectedRoom,
  selectedActor,
  onSelectRoom,
  onSelectActor,
}: ActorTreeProps) {
  if (rooms.length === 0) {
    return <p className="muted pad">No rooms yet. Actors appear here as soon as a room starts.</p>;
  }
  const renderActor = (room: RoomView, actor: ActorView, depth: number) => (
    <li key={actor.actorId}>
      <button
        type="button"
        className={`tree-actor ${selectedActor === actor.actorId ? 'selected' : ''} ${isFinished(actor) ? 'finished' : ''}`}
        style={{ paddingLeft: 12 + depth * 14 }}
        data-actor-id={actor.actorId}
        onClick={() => onSelectActor(room.name, selectedActor === actor.actorId ? undefined : actor.actorId)}
      >
        <span className="actor-name">{actor.name}</span>
        <span className="actor-state">
          {isFinished(actor) ? actor.status : activeLeavesOfValue(actor.value) || actor.status}
        </span>
      </button>
      <ul>{childrenOf(room, actor.actorId).map((child) => renderActor(room, child, depth + 1))}</ul>
    </li>
  );
  return (
    <nav className="tree" aria-label="Rooms and actors">
      {rooms.map((room) => (
        <section key={room.name} className={`tree-room ${selectedRoom === room.name ? 'selected' : ''}`}>
          <button
            type="button"
            className="tree-room-name"
            data-room={room.name}
            onClick={() => onSelectRoom(room.name)}
          >
            {room.name}
            <span className="count">{room.actors.size}</span>
          </button>
          {selectedRoom === room.name && <RoomActors room={room} renderActor={renderActor} />}
        </section>
      ))}
    </nav>
  );
}
