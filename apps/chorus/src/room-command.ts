import { createInterface } from 'node:readline';
import { waitForQuiet } from '@chorus/examples';
import { ConversationPrinter } from './conversation-printer.js';
import { openSession } from './conversation-target.js';
import { chooseModels } from './model-choice.js';
import { loadRoomFile } from './room-file.js';
import { describe } from './say.js';
import { createStyle, Screen } from './terminal.js';

export interface RoomCommandOptions {
  readonly file: string;
  readonly model?: string;
  readonly speed?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

const QUIT = new Set(['/quit', '/exit', 'exit', 'quit']);

/**
 * `chorus room <file>`: runs the room of a TypeScript or JSON file and reads what the user says from
 * stdin, one line per turn; each line waits until the room's agents have answered it (`ChatRoom.send`;
 * a lone agent: until it falls quiet) before the next is read.
 * Resolves with the exit code when stdin ends or the user types `/quit`.
 */
export async function runRoomCommand(options: RoomCommandOptions): Promise<number> {
  const env = options.env ?? process.env;
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const style = createStyle(stdout, env);
  const errStyle = createStyle(stderr, env);
  const interactive = stdin.isTTY === true && stdout.isTTY === true;

  let target: ReturnType<Awaited<ReturnType<typeof loadRoomFile>>>;
  try {
    const build = await loadRoomFile(options.file);
    const choice = await chooseModels(options.model, env, {
      transcriber: null,
      ...(options.speed === undefined ? {} : { speed: options.speed }),
    });
    if (choice.notice) stderr.write(`${errStyle.yellow('notice:')} ${choice.notice}\n`);
    target = build({ model: choice.factory, voice: choice.voice });
    await target.start();
  } catch (error) {
    stderr.write(`${errStyle.red('error:')} ${describe(error)}\n`);
    return 1;
  }

  const printer = new ConversationPrinter(new Screen(stdout, style.enabled), style);
  const session = openSession(target);
  const subscription = session.events$.subscribe((event) => printer.handle(event));
  const lines = createInterface({
    input: stdin,
    ...(interactive ? { output: stdout, prompt: 'you › ' } : {}),
  });
  if (interactive) {
    stdout.write(style.dim('Type a message and press Enter; /quit or Ctrl+D to leave.\n'));
    lines.prompt();
  }
  try {
    for await (const raw of lines) {
      const text = raw.trim();
      if (QUIT.has(text.toLowerCase())) break;
      if (text !== '') {
        if (!interactive) printer.user(text);
        if (session.ask) await session.ask(text);
        else {
          const quiet = waitForQuiet(target.events$, 300, 30_000);
          session.say(text);
          await quiet;
        }
      }
      if (interactive) lines.prompt();
    }
  } finally {
    lines.close();
    printer.close();
    subscription.unsubscribe();
    session.leave();
    await target.stop().catch(() => {});
  }
  return 0;
}
