import type { PlaygroundSession } from '../session/playground-session.js';

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value)} ms`;
}

/** Tool arguments and results indented, so long values break between keys, not inside words. */
export function readableJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function shorten(text: string, max = 28): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Agents and their lifecycle states, the floor, tool calls, latency per turn, and room notices. */
export function SidePanels({ session }: { readonly session: PlaygroundSession | undefined }) {
  const model = session?.model;
  const agents = model ? [...model.agents.values()] : [];
  return (
    <aside className="side">
      <section className="panel">
        <h2>Agents</h2>
        {agents.length === 0 && <p className="muted">No agents yet.</p>}
        <ul className="agents">
          {agents.map((agent) => (
            <li key={agent.id} data-agent={agent.name} data-persona={agent.persona} data-state={agent.state}>
              <span className="agent-name">
                {agent.persona}
                {agent.persona !== agent.name && (
                  <span className="muted"> (handed off from {agent.name})</span>
                )}
                {model?.floor === agent.id && <span className="tag floor">has the floor</span>}
              </span>
              <span className={`state-badge state-${agent.state}`}>{agent.state}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel">
        <h2>Tool calls</h2>
        {(model?.tools.length ?? 0) === 0 && <p className="muted">None yet.</p>}
        <ul className="tools">
          {model?.tools
            .slice(-8)
            .reverse()
            .map((call) => (
              <li key={call.id} className={`tool ${call.status} ${call.isError ? 'error' : ''}`}>
                <div>
                  <code className="tool-name">{call.name || '…'}</code>
                  <span className="muted"> by {call.agentName}</span>
                  <span className="tag">{call.status}</span>
                </div>
                <pre className="args">{readableJson(call.args || '{}')}</pre>
                {call.result !== undefined && <pre className="result">→ {readableJson(call.result)}</pre>}
              </li>
            ))}
        </ul>
      </section>
      <section className="panel">
        <h2>Latency per turn</h2>
        {(model?.turns.length ?? 0) === 0 ? (
          <p className="muted">Figures appear after the first reply.</p>
        ) : (
          <table className="turns">
            <thead>
              <tr>
                <th>Turn</th>
                <th title="Server: time to first audio">First audio</th>
                <th title="End to end: the server's figure for a spoken turn; for a typed turn, from your send to the first audio frame on this page">
                  E2E
                </th>
                <th title="Page: end of your turn to first audio frame">Heard after</th>
              </tr>
            </thead>
            <tbody>
              {model?.turns
                .filter(
                  (t) =>
                    t.timeToFirstAudioMs !== undefined ||
                    t.e2eMs !== undefined ||
                    t.heardAfterMs !== undefined,
                )
                .slice(-6)
                .reverse()
                .map((turn) => (
                  <tr key={turn.responseId} className={turn.interrupted ? 'interrupted' : ''}>
                    <td className="turn-label" title={turn.userText}>
                      #{turn.turn} {turn.agentName}
                      {turn.userText && <span className="muted"> · {shorten(turn.userText)}</span>}
                    </td>
                    <td>{ms(turn.timeToFirstAudioMs)}</td>
                    <td>{ms(turn.e2eMs ?? turn.heardAfterMs)}</td>
                    <td>{ms(turn.heardAfterMs)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>Room</h2>
        <ul className="notices">
          {model?.notices
            .slice(-8)
            .reverse()
            .map((notice) => (
              <li key={notice.id} className={`notice ${notice.kind}`}>
                {notice.text}
              </li>
            ))}
        </ul>
        {session && (
          <p className="muted stats" data-testid="audio-stats">
            audio: {session.player.stats.chunksReceived} chunks in, {session.player.stats.chunksFinished}{' '}
            played, {session.player.stats.clears} clears · mic: {session.framesSent} frames sent
          </p>
        )}
      </section>
    </aside>
  );
}
