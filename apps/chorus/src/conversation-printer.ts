import { type ServerEvent, toolResultText } from '@chorus/protocol';
import type { Screen, Style } from './terminal.js';

interface Utterance {
  readonly speaker: string;
  text: string;
  done: boolean;
}

interface RunningTool {
  readonly name: string;
  readonly startedAt: number;
}

const ARROW = '›';

/**
 * Renders a conversation for people: each agent's words streamed as they are spoken, coloured per
 * speaker; tool calls with a spinner while they run, then their results; handoffs; errors.
 *
 * Several agents may speak at once in a room: the first one streams live, the others are held back
 * and printed, in order, as soon as the line before theirs is finished.
 */
export class ConversationPrinter {
  private readonly names = new Map<string, string>();
  /** The agent of the latest handoff, whose rename a room's floor change undoes. */
  private lastHandoff: string | undefined;
  private readonly pending = new Map<string, Utterance>();
  private readonly tools = new Map<string, RunningTool>();
  private live: string | undefined;
  private livePrefixed = false;

  constructor(
    private readonly screen: Screen,
    private readonly style: Style,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Prints what the user said. */
  user(text: string, who = 'you'): void {
    this.line(`${this.style.speaker('you', `${who} ${ARROW}`)} ${text}`);
  }

  /** Prints a line of its own (a notice, a timing summary). */
  note(text: string): void {
    this.line(text);
  }

  handle(event: ServerEvent): void {
    switch (event.type) {
      case 'agent_response_audio_transcript_delta':
      case 'agent_response_text_delta':
        this.words(`${event.agent_id}/${event.item_id}`, this.nameOf(event), event.delta);
        return;
      case 'agent_response_audio_transcript_done':
        this.finish(`${event.agent_id}/${event.item_id}`, this.nameOf(event), event.transcript);
        return;
      case 'agent_response_text_done':
        this.finish(`${event.agent_id}/${event.item_id}`, this.nameOf(event), event.text);
        return;
      case 'agent_response_tool_use_done': {
        const { id, name, raw_input } = event.tool_use;
        this.tools.set(id, { name, startedAt: this.now() });
        this.line(this.style.dim(`  ⚙ ${this.nameOf(event)} calls ${name}(${raw_input})`));
        this.updateSpinner();
        return;
      }
      case 'agent_response_tool_result': {
        const { id, name, output, is_error } = event.tool_result;
        const running = this.tools.get(id);
        this.tools.delete(id);
        const took = running ? ` ${this.style.dim(`(${formatMs(this.now() - running.startedAt)})`)}` : '';
        const mark = is_error ? this.style.red('  ✗') : this.style.green('  ✓');
        // Spinner first, so the finished tool is not drawn as running once more below its result.
        this.updateSpinner();
        this.line(`${mark} ${name} → ${clip(toolResultText(output), 200)}${took}`);
        return;
      }
      case 'agent_tool_call_cancelled':
        for (const id of event.call_ids) {
          const running = this.tools.get(id);
          this.tools.delete(id);
          this.updateSpinner();
          this.line(this.style.yellow(`  ✗ ${running?.name ?? id} cancelled`));
        }
        return;
      case 'agent_handoff':
        // One agent swapping personas speaks on as the new one; in a room the floor moves to a
        // peer instead (a `room_floor_changed` with reason `handoff` follows), and the name stays.
        this.names.set(event.agent_id, event.to);
        this.lastHandoff = event.agent_id;
        this.line(this.style.dim(`  ⇢ handoff: ${event.from} → ${event.to}`));
        return;
      case 'agent_response_interrupted':
        this.line(this.style.dim(`  (${this.nameOf(event)} was interrupted)`));
        return;
      case 'agent_input_transcription_done':
        if (event.transcript) this.user(event.transcript, 'you (heard)');
        return;
      case 'room_floor_changed':
        if (event.reason === 'handoff' && this.lastHandoff !== undefined) this.names.delete(this.lastHandoff);
        return;
      case 'room_user_message':
        this.user(event.text, event.user_name ?? event.user_id);
        return;
      case 'agent_guardrail_tripped':
        this.line(this.style.yellow(`  ! guardrail ${event.guardrail}: ${event.message}`));
        return;
      case 'agent_error':
        this.line(this.style.red(`  ! ${this.nameOf(event)}: ${event.message}`));
        return;
      case 'server_error':
        this.line(this.style.red(`  ! ${event.message}`));
        return;
      default:
        return;
    }
  }

  /** Ends any open line and the spinner. */
  close(): void {
    this.screen.close();
  }

  private nameOf(event: { agent_id: string; agent_name: string }): string {
    return this.names.get(event.agent_id) ?? event.agent_name;
  }

  private words(key: string, speaker: string, delta: string): void {
    if (this.live === undefined && !this.pending.has(key)) {
      this.live = key;
      this.livePrefixed = false;
    }
    if (this.live === key) {
      this.writeLive(speaker, delta);
      return;
    }
    const held = this.pending.get(key) ?? { speaker, text: '', done: false };
    held.text += delta;
    this.pending.set(key, held);
  }

  private finish(key: string, speaker: string, transcript: string): void {
    if (this.live === key) {
      this.screen.endLine();
      this.live = undefined;
      this.flushPending();
      return;
    }
    const held = this.pending.get(key);
    if (held) {
      held.text = transcript;
      held.done = true;
    } else {
      this.pending.set(key, { speaker, text: transcript, done: true });
    }
    if (this.live === undefined) this.flushPending();
  }

  private flushPending(): void {
    for (const [key, utterance] of this.pending) {
      this.pending.delete(key);
      this.live = key;
      this.livePrefixed = false;
      this.writeLive(utterance.speaker, utterance.text);
      if (!utterance.done) return;
      this.screen.endLine();
      this.live = undefined;
    }
  }

  private writeLive(speaker: string, text: string): void {
    if (!this.livePrefixed) {
      this.screen.write(`${this.style.speaker(speaker, `${speaker} ${ARROW}`)} `);
      this.livePrefixed = true;
      text = text.trimStart();
    }
    this.screen.write(text);
  }

  /** A whole line; a streamed line in progress is ended first and picks up again on a new line. */
  private line(text: string): void {
    this.screen.endLine();
    if (this.live !== undefined) this.livePrefixed = false;
    this.screen.write(`${text}\n`);
  }

  private updateSpinner(): void {
    const names = [...this.tools.values()].map((t) => t.name);
    this.screen.setStatus(names.length === 0 ? undefined : this.style.dim(`running ${names.join(', ')}…`));
  }
}

/** `850 ms`, `2.4 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
