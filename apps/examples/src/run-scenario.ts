import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerEvent } from '@chorus/protocol';
import type { Observable } from 'rxjs';

/** An agent or a room, as far as running a scripted conversation needs. */
export interface Conversable {
  readonly events$: Observable<ServerEvent>;
  start(): Promise<void>;
  handleInput(event: unknown): unknown;
  stop(): Promise<void>;
}

/** Whether the module at `moduleUrl` is the one node was asked to run (not imported). */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * Resolves once the conversation is quiet: no response or tool running and nothing new for `quietMs`.
 * Rooms have no single end-of-turn event (several agents may answer), hence the quiet window.
 */
export function waitForQuiet(
  events$: Observable<ServerEvent>,
  quietMs = 400,
  startTimeoutMs = 10_000,
  maxWaitMs = 180_000,
): Promise<void> {
  return new Promise((resolve) => {
    const running = new Set<string>();
    let started = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(cap);
      subscription.unsubscribe();
      resolve();
    };
    // Never wait forever, even if a response or a tool never reports its end.
    const cap = setTimeout(finish, maxWaitMs);
    const arm = () => {
      clearTimeout(timer);
      if (running.size > 0) return;
      // Before any response starts, wait longer: a model may still be connecting or transcribing.
      timer = setTimeout(finish, started ? quietMs : startTimeoutMs);
    };
    const subscription = events$.subscribe((event) => {
      if (event.type === 'agent_response_created') {
        started = true;
        running.add(`${event.agent_id}/${event.response_id}`);
      } else if (event.type === 'agent_response_done') {
        running.delete(`${event.agent_id}/${event.response_id}`);
      } else if (event.type === 'agent_response_tool_use_done') {
        // A running tool keeps the turn open even though no response is.
        running.add(`${event.agent_id}/tool/${event.tool_use.id}`);
      } else if (event.type === 'agent_response_tool_result') {
        running.delete(`${event.agent_id}/tool/${event.tool_result.id}`);
      } else if (event.type === 'agent_tool_call_cancelled') {
        for (const id of event.call_ids) running.delete(`${event.agent_id}/tool/${id}`);
      } else if (event.type === 'agent_handoff') {
        // A handoff is a tool call that gets no tool result: the handoff itself completes it.
        for (const key of running) if (key.startsWith(`${event.agent_id}/tool/`)) running.delete(key);
      }
      arm();
    });
    arm();
  });
}

/** One line per finished utterance or tool step, for running a scenario from a terminal. */
export function describeEvent(event: ServerEvent): string | undefined {
  switch (event.type) {
    case 'agent_response_audio_transcript_done':
      return `${event.agent_name}: ${event.transcript}`;
    case 'agent_response_text_done':
      return `${event.agent_name}: ${event.text}`;
    case 'agent_response_tool_use_done':
      return `  [${event.agent_name} calls ${event.tool_use.name}(${event.tool_use.raw_input})]`;
    case 'agent_response_tool_result':
      return `  [${event.tool_result.name} -> ${event.tool_result.output}]`;
    case 'agent_handoff':
      return `  [handoff: ${event.from} -> ${event.to}]`;
    case 'agent_error':
      return `  [error from ${event.agent_name}: ${event.message}]`;
    case 'server_error':
      return `  [error: ${event.message}]`;
    default:
      return undefined;
  }
}

/**
 * Starts `target`, types each line as the user, prints what the agents say and do, then stops it.
 * What every example file runs when started on its own (`node dist/voice-assistant.js`).
 */
export async function runScenario(
  target: Conversable,
  lines: readonly string[],
  print: (line: string) => void = (line) => console.log(line),
): Promise<void> {
  const subscription = target.events$.subscribe((event) => {
    const line = describeEvent(event);
    if (line !== undefined) print(line);
  });
  try {
    await target.start();
    for (const text of lines) {
      print(`you: ${text}`);
      const quiet = waitForQuiet(target.events$);
      target.handleInput({ type: 'client_text_append', text });
      await quiet;
    }
  } finally {
    await target.stop();
    subscription.unsubscribe();
  }
}
