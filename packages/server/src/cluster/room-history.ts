import type { ServerEvent } from '@chorus/protocol';

/**
 * A shared room's conversation, kept on the bus by its owner so that the process taking the room
 * over restarts its agents with it. Only what was said is kept (users' words, agents' finished
 * replies), as short lines, bounded in count by the owner and in length here.
 */
export const DEFAULT_HISTORY_ITEMS = 200;
const MAX_LINE_CHARS = 2000;

/** The line an event adds to the history, or undefined for events that say nothing lasting. */
export function historyLine(event: ServerEvent): string | undefined {
  switch (event.type) {
    case 'room_user_message':
      return line(`${event.user_name ?? event.user_id} (user)`, event.text);
    case 'agent_input_transcription_done':
      return line('user (spoken)', event.transcript);
    case 'agent_response_audio_transcript_done':
    case 'agent_response_text_done': {
      const text = event.type === 'agent_response_text_done' ? event.text : event.transcript;
      return line(`${event.agent_name} (agent)`, text);
    }
    default:
      return undefined;
  }
}

function line(who: string, text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return `${who}: ${trimmed.length > MAX_LINE_CHARS ? `${trimmed.slice(0, MAX_LINE_CHARS)}…` : trimmed}`;
}

/** The system message that gives restarted agents the conversation so far. */
export function historySeed(lines: readonly string[]): { text: string; items: number } {
  // The newest lines that fit in one client text (32 KiB), oldest first.
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const next = lines[i] as string;
    if (size + next.length + 1 > MAX_SEED_CHARS) break;
    kept.unshift(next);
    size += next.length + 1;
  }
  const text = [
    'This room moved to another server and you restarted. The conversation so far, oldest first:',
    ...kept,
    'Carry on from here; do not repeat what was already said.',
  ].join('\n');
  return { text, items: kept.length };
}

const MAX_SEED_CHARS = 30_000;
