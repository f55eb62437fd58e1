/** ANSI styles, or none when the output is not a terminal or NO_COLOR is set (https://no-color.org). */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  /** The colour of one speaker: the same name always gets the same colour. */
  speaker(name: string, text: string): string;
}

const SPEAKER_COLOURS = [36, 35, 33, 32, 34, 91, 96, 95] as const;

export function createStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  const enabled = stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  const wrap = (code: number | string, close: number) => (text: string) =>
    enabled ? `\u001b[${code}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    speaker: (name, text) => {
      if (name === 'you') return wrap(1, 22)(text);
      let hash = 0;
      for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
      return wrap(`1;${SPEAKER_COLOURS[hash % SPEAKER_COLOURS.length]}`, 0)(text);
    },
  };
}

const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Writes lines and streamed words, with one status line (a spinner) kept below them on a terminal.
 * The spinner is only drawn while no streamed line is open, so words and spinner never collide.
 */
export class Screen {
  private status: string | undefined;
  private statusShown = false;
  private lineOpen = false;
  private frame = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly animate: boolean,
  ) {}

  /** Writes text as is (words of a streamed line, or whole lines ending in a newline). */
  write(text: string): void {
    if (text === '') return;
    this.eraseStatus();
    this.out.write(text);
    this.lineOpen = !text.endsWith('\n');
    this.drawStatus();
  }

  /** Ends an open streamed line, if any. */
  endLine(): void {
    if (this.lineOpen) this.write('\n');
  }

  /** Shows a spinner with `text` (a terminal only); `undefined` removes it. */
  setStatus(text: string | undefined): void {
    if (!this.animate) return;
    this.eraseStatus();
    this.status = text;
    if (text !== undefined && !this.timer) {
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % SPINNER_FRAMES.length;
        this.eraseStatus();
        this.drawStatus();
      }, 80);
    } else if (text === undefined && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.drawStatus();
  }

  close(): void {
    this.setStatus(undefined);
    this.endLine();
  }

  private eraseStatus(): void {
    if (!this.statusShown) return;
    this.out.write('\r\u001b[2K');
    this.statusShown = false;
  }

  private drawStatus(): void {
    if (this.status === undefined || this.lineOpen || this.statusShown) return;
    this.out.write(`${SPINNER_FRAMES[this.frame]} ${this.status}`);
    this.statusShown = true;
  }
}
