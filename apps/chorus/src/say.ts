import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_DEMO_ROOM, demoRooms, waitForQuiet } from '@chorus/examples';
import { ConversationPrinter, formatMs } from './conversation-printer.js';
import { type ConversationTarget, openSession, pickRoom } from './conversation-target.js';
import { chooseModels } from './model-choice.js';
import { ReplyAudio } from './reply-audio.js';
import { createStyle, Screen } from './terminal.js';

export interface SayOptions {
  readonly text: string;
  /** A demo room (default `assistant`). */
  readonly room?: string;
  /** Where to write the reply audio as WAV. */
  readonly out?: string;
  /** `local` (default), `openai:<model>`, `gemini:<model>`, `dashscope:<model>`. */
  readonly model?: string;
  /** Playback speed of the local model (default 1, real time). */
  readonly speed?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** How long to wait for the first response (default 30 s). */
  readonly startTimeoutMs?: number;
}

/**
 * `chorus say`: one turn in the terminal. Streams the reply as it is spoken, shows tool calls and
 * handoffs, prints timing figures, and writes the reply audio as WAV. Resolves with the exit code.
 */
export async function runSay(options: SayOptions): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const style = createStyle(stdout, env);
  const errStyle = createStyle(stderr, env);
  const choice = await chooseModels(options.model, env, {
    transcriber: null,
    ...(options.speed === undefined ? {} : { speed: options.speed }),
  });
  if (choice.notice) stderr.write(`${errStyle.yellow('notice:')} ${choice.notice}\n`);
  const rooms = demoRooms({ model: choice.factory, voice: choice.voice });
  const target: ConversationTarget = pickRoom(rooms, options.room ?? DEFAULT_DEMO_ROOM)();

  const screen = new Screen(stdout, style.enabled);
  const printer = new ConversationPrinter(screen, style);
  const audio = new ReplyAudio();
  let sentAt = 0;
  let firstAudioAt: number | undefined;
  let firstWordsAt: number | undefined;
  let lastDoneAt: number | undefined;
  let fatal: string | undefined;
  let responses = 0;

  const session = openSession(target);
  const subscription = session.events$.subscribe((event) => {
    const now = performance.now();
    if (event.type === 'agent_response_audio_delta') {
      firstAudioAt ??= now;
      audio.add(event);
    } else if (
      event.type === 'agent_response_audio_transcript_delta' ||
      event.type === 'agent_response_text_delta'
    ) {
      firstWordsAt ??= now;
    } else if (event.type === 'agent_response_done') {
      responses++;
      lastDoneAt = now;
    } else if (event.type === 'agent_error' && event.fatal) {
      fatal = event.message;
    }
    printer.handle(event);
  });
  try {
    await target.start();
    printer.user(options.text);
    const quiet = waitForQuiet(target.events$, 300, options.startTimeoutMs ?? 30_000);
    sentAt = performance.now();
    session.say(options.text);
    await quiet;
  } catch (error) {
    printer.close();
    stderr.write(`${errStyle.red('error:')} ${describe(error)}\n`);
    await stopQuietly(target);
    subscription.unsubscribe();
    return 1;
  }
  printer.close();
  subscription.unsubscribe();
  session.leave();
  await stopQuietly(target);

  if (responses === 0) {
    stderr.write(`${errStyle.red('error:')} no reply within ${formatMs(options.startTimeoutMs ?? 30_000)}\n`);
    return 1;
  }
  const figures = [
    firstAudioAt === undefined ? 'no audio' : `first audio ${formatMs(firstAudioAt - sentAt)}`,
    firstWordsAt === undefined ? undefined : `first words ${formatMs(firstWordsAt - sentAt)}`,
    lastDoneAt === undefined ? undefined : `done in ${formatMs(lastDoneAt - sentAt)}`,
    `model ${choice.label}`,
  ].filter((figure) => figure !== undefined);
  stdout.write(`${style.dim(figures.join(' · '))}\n`);

  if (options.out !== undefined) {
    if (audio.empty) {
      stderr.write(`${errStyle.red('error:')} no audio to write to ${options.out}: the reply had none\n`);
      return 1;
    }
    const reply = await audio.toWav();
    const path = resolve(options.out);
    await writeFile(path, reply.wav);
    stdout.write(`${style.dim(`reply audio → ${path} (${reply.seconds.toFixed(1)} s, ${reply.rate} Hz)`)}\n`);
  }
  if (fatal !== undefined) return 1;
  return 0;
}

async function stopQuietly(target: ConversationTarget): Promise<void> {
  try {
    await target.stop();
  } catch {
    // Stopping is best effort at exit; a failure to stop must not hide the turn's own outcome.
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
