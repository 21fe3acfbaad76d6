import type { Callback, Logs } from './callbacks.js';
import { formatDuration, formatValue, layoutLine } from './progress-line.js';

/** The figures of a log line: loss and metrics (a batch's index and size are not figures). */
export function formatLogs(logs: Logs): string {
  return figures(logs)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(' - ');
}

/** The figures of logs, the loss first, without the batch index and size. */
function figures(logs: Logs): [string, number][] {
  const out = Object.entries(logs).filter(([k]) => k !== 'batch' && k !== 'size');
  const loss = out.findIndex(([k]) => k === 'loss');
  if (loss > 0) out.unshift(...out.splice(loss, 1));
  return out;
}

/** Where the live line is drawn: a terminal stream such as process.stdout (or a stand-in with the same fields). */
export interface ProgressStream {
  write(text: string): unknown;
  /** True for a terminal: the line is redrawn in place. Otherwise one line per epoch is written. */
  readonly isTTY?: boolean;
  /** The terminal's width in characters (80 when unknown); read at every redraw, so a resize is followed. */
  readonly columns?: number;
}

/** Options of ProgressLogger. */
export interface ProgressLoggerOptions {
  /** The stream to draw on; by default process.stdout in Node. Without one (a browser), lines go to console.log. */
  stream?: ProgressStream;
  /** The least time between two redraws of the line, in ms (the first and last of an epoch are always drawn). Default 100. */
  throttleMs?: number;
  /** The clock, in ms (performance.now by default). */
  now?: () => number;
}

/** The process, through globalThis: the library has no static Node import. */
interface Proc {
  stdout?: ProgressStream;
  pid: number;
  on(event: string, f: () => void): unknown;
  off(event: string, f: () => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: string): unknown;
}
const proc = (): Proc | undefined => {
  const p = (globalThis as { process?: Proc }).process;
  return typeof p?.on === 'function' && typeof p.off === 'function' ? p : undefined;
};

const HIDE_CURSOR = '\x1b[?25l',
  SHOW_CURSOR = '\x1b[?25h',
  CLEAR_TO_END = '\x1b[K';

/**
 * Reports training, as Keras does. In a terminal, one live line per epoch,
 * redrawn in place (at most every `throttleMs`; the first batch and the
 * last are always drawn) and fitted to the
 * terminal's width:
 *
 *     Epoch 3/50  18/45 ━━━━━━━━────────── ETA 0.6s  loss 0.3121  accuracy 0.9120
 *
 * the running mean loss and metrics first in importance (when the width is
 * short, the bar goes first, then the batch count, the time and the last
 * figures; see layoutLine); a finished epoch shows its duration instead of
 * the ETA, and its validation figures. The cursor is hidden while the line
 * is drawn and shown again when the epoch ends, when fit fails, on exit and
 * on Ctrl-C (SIGINT: the cursor is restored, then the signal does what it
 * would have done: other SIGINT listeners handle it, or, if there are none,
 * the process is interrupted as usual). Elsewhere (not a terminal, a
 * browser, or a `write` function given): one line per epoch,
 * `Epoch 3/50 - 1.41s - loss: 0.3056 - accuracy: 0.9150`.
 */
export class ProgressLogger implements Callback {
  private epochs = 0;
  private steps = NaN;
  private epoch = 0;
  private started = 0;
  private lastDraw = -Infinity;
  private done = 0;
  private running: Logs = {};
  /** A line is on screen and not yet ended with a newline. */
  private open = false;
  private hidden = false;
  /** After a SIGINT the cursor stays visible. */
  private interrupted = false;
  private readonly write: ((line: string) => void) | null;
  private readonly stream: ProgressStream | undefined;
  private readonly throttleMs: number;
  private readonly now: () => number;
  private readonly onSigint = (): void => {
    this.interrupted = true;
    this.showCursor();
    const p = proc();
    // nobody else listens: the default behaviour, interrupting the process, after ending the line
    if (p && p.listenerCount('SIGINT') === 0) {
      if (this.open) this.stream?.write('\n');
      p.kill(p.pid, 'SIGINT');
    }
  };
  private readonly onExit = (): void => this.showCursor();

  /** `output`: a function that receives each line (one per epoch, never live), or options. */
  constructor(output?: ((line: string) => void) | ProgressLoggerOptions) {
    const opts = typeof output === 'function' || output === undefined ? {} : output;
    this.write = typeof output === 'function' ? output : null;
    this.stream = opts.stream ?? proc()?.stdout;
    this.throttleMs = opts.throttleMs ?? 100;
    this.now = opts.now ?? (() => performance.now());
  }

  /** True when the line is drawn live (a terminal stream and no `write` function). */
  get live(): boolean {
    return this.write === null && Boolean(this.stream?.isTTY);
  }

  setParams(params: Record<string, unknown>): void {
    this.epochs = Number(params['epochs']);
    this.steps = Number(params['steps']);
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.started = this.now();
    this.lastDraw = -Infinity;
    this.done = 0;
    this.running = {};
    if (this.live) this.draw(false);
  }

  onBatchEnd(batch: number, logs: Logs = {}): void {
    this.done = batch + 1;
    this.running = logs;
    if (!this.live) return;
    const t = this.now();
    if (this.done > 1 && this.done < this.steps && t - this.lastDraw < this.throttleMs) return; // the first figures and the last are drawn
    this.draw(false);
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const seconds = (this.now() - this.started) / 1000;
    if (this.live) {
      // an epoch closed early (fit interrupted) may come with no logs: it shows the running figures
      this.running = { ...this.running, ...logs };
      this.draw(true);
      this.endLine();
    } else {
      this.line(`Epoch ${epoch + 1}/${this.epochs} - ${seconds.toFixed(2)}s - ${formatLogs(logs)}`);
    }
  }

  /** Prints a warning on its own line ("Warning: ..."). */
  onWarning(message: string): void {
    this.endLine();
    this.line(`Warning: ${message}`);
  }

  /** Ends the line and shows the cursor again when fit ends with an error. */
  onTrainError(): void {
    this.endLine();
  }

  onTrainEnd(): void {
    this.endLine();
  }

  private line(text: string): void {
    if (this.write) this.write(text);
    else if (this.stream) this.stream.write(`${text}\n`);
    else console.log(text);
  }

  /** Draws the line of the current epoch in place; `finished`: with the duration rather than the ETA. */
  private draw(finished: boolean): void {
    const t = this.now();
    this.lastDraw = t;
    const elapsed = (t - this.started) / 1000;
    const time = finished
      ? formatDuration(elapsed)
      : this.done > 0 && this.steps > this.done
        ? `ETA ${formatDuration((elapsed / this.done) * (this.steps - this.done))}`
        : '';
    const width = Math.max(1, (this.stream!.columns ?? 80) - 1); // the last column would wrap in some terminals
    const text = layoutLine(
      { epoch: `Epoch ${this.epoch + 1}/${this.epochs}`, done: this.done, total: this.steps, time, fields: figures(this.running) },
      width,
    );
    this.hideCursor();
    this.stream!.write(`\r${text}${CLEAR_TO_END}`);
    this.open = true;
  }

  /** Ends an open line with a newline and shows the cursor. */
  private endLine(): void {
    if (this.open) this.stream?.write('\n');
    this.open = false;
    this.showCursor();
  }

  private hideCursor(): void {
    if (this.hidden || this.interrupted) return;
    this.stream!.write(HIDE_CURSOR);
    this.hidden = true;
    const p = proc();
    p?.on('SIGINT', this.onSigint);
    p?.on('exit', this.onExit);
  }

  private showCursor(): void {
    if (!this.hidden) return;
    this.stream!.write(SHOW_CURSOR);
    this.hidden = false;
    const p = proc();
    p?.off('SIGINT', this.onSigint);
    p?.off('exit', this.onExit);
  }
}
