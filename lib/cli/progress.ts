// The training progress line: step/total, a bar, the smoothed loss, the validation loss, characters per second and
// the time left, fitted to the terminal's width. formatProgress is pure; ProgressBar decides when to write it: in
// place with '\r' on a terminal, otherwise as a plain line about every 10%.
import { wrapText } from './wrap';

export interface ProgressState {
  /** Steps done so far (0 … total). */
  step: number;
  total: number;
  /** The smoothed loss, or undefined before the first step. */
  loss: number | undefined;
  /** The latest validation loss, or undefined before the first measurement (or without validation). */
  validationLoss?: number | undefined;
  /** Characters trained on per step (batch × sequence length). */
  charsPerStep: number;
  /** Seconds since training started. */
  elapsedSeconds: number;
}

/** Seconds left at the average pace so far; undefined before the first step, 0 when done. */
export function etaSeconds(step: number, total: number, elapsedSeconds: number): number | undefined {
  if (step >= total) return 0;
  if (step <= 0 || !(elapsedSeconds > 0)) return undefined;
  return (elapsedSeconds / step) * (total - step);
}

/** Characters per second so far; undefined before any time has passed. */
export function charsPerSecond(step: number, charsPerStep: number, elapsedSeconds: number): number | undefined {
  if (step <= 0 || !(elapsedSeconds > 0)) return undefined;
  return (step * charsPerStep) / elapsedSeconds;
}

/** 0:07, 1:05, 12:00, 1:02:03; '-:--' when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** 950, 12.3k, 1.25M; '-' when unknown. */
export function formatRate(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  if (value < 1000) return value.toFixed(0);
  if (value < 1e6) return `${(value / 1e3).toFixed(value < 1e4 ? 2 : 1)}k`;
  return `${(value / 1e6).toFixed(value < 1e7 ? 2 : 1)}M`;
}

/** `[#####.........]` with `width` cells inside the brackets. */
export function formatBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.floor(f * width + 1e-9);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const lossText = (loss: number | undefined): string =>
  loss === undefined || !Number.isFinite(loss) ? (loss === undefined ? '-' : String(loss)) : loss.toFixed(3);

/** The widest bar a progress line has. */
export const BAR_WIDTH = 24;
/** The narrowest bar worth showing: below it the line drops the bar instead. */
const MIN_BAR_WIDTH = 5;

/**
 * One progress line, e.g. ` 430/2000 [#####.........]  21%  loss 1.874  val 1.902  48.2k chars/s  ETA 0:31`, that
 * fits in `columns - 1` characters (a terminal wraps a line that fills its last column): as the width shrinks the
 * bar narrows, then the rate goes, then the bar, then the percentage and the time, then the validation loss;
 * whatever is left is cut.
 */
export function formatProgress(state: ProgressState, columns = Infinity): string {
  const { step, total, loss, validationLoss, charsPerStep, elapsedSeconds } = state;
  const fraction = total > 0 ? step / total : 1;
  const counter = `${String(step).padStart(String(total).length)}/${total}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const losses = `loss ${lossText(loss)}${validationLoss === undefined ? '' : `  val ${lossText(validationLoss)}`}`;
  const rate = `${formatRate(charsPerSecond(step, charsPerStep, elapsedSeconds))} chars/s`;
  const time = step >= total ? `took ${formatDuration(elapsedSeconds)}` : `ETA ${formatDuration(etaSeconds(step, total, elapsedSeconds))}`;
  const room = columns - 1;
  const withBar = (tail: string): string | undefined => {
    const width = Math.min(BAR_WIDTH, room - `${counter}  ${tail}`.length - 2);
    return width >= MIN_BAR_WIDTH ? `${counter} ${formatBar(fraction, width)} ${tail}` : undefined;
  };
  const candidates = [
    withBar(`${percent}  ${losses}  ${rate}  ${time}`),
    withBar(`${percent}  ${losses}  ${time}`),
    `${counter} ${percent}  ${losses}  ${time}`,
    `${counter}  ${losses}`,
    `${counter}  loss ${lossText(loss)}`,
  ];
  const line = candidates.find((text) => text !== undefined && text.length <= room) ?? `${counter}  loss ${lossText(loss)}`;
  return line.slice(0, Math.max(0, room));
}

/**
 * An exponential moving average with bias correction (like Adam's), so the first values are not pulled toward 0:
 * after one value it is that value.
 */
export class Smoother {
  readonly beta: number;
  #average = 0;
  #count = 0;

  constructor(beta = 0.95) {
    if (!(beta >= 0 && beta < 1)) throw new RangeError(`beta must be in [0, 1), got ${beta}`);
    this.beta = beta;
  }

  /** Adds a value and returns the smoothed value. Non-finite values are returned as they are and not averaged in. */
  add(value: number): number {
    if (!Number.isFinite(value)) return value;
    this.#count += 1;
    this.#average = this.beta * this.#average + (1 - this.beta) * value;
    return this.value as number;
  }

  /** The smoothed value, or undefined before the first finite value. */
  get value(): number | undefined {
    return this.#count === 0 ? undefined : this.#average / (1 - this.beta ** this.#count);
  }
}

/** Where the bar writes: process.stderr or anything like it. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface ProgressBarOptions {
  total: number;
  charsPerStep: number;
  stream: ProgressStream;
  /** Redraw in place (default: stream.isTTY). */
  tty?: boolean;
  /** The clock in milliseconds (default performance.now). */
  now?: () => number;
  /** Minimum milliseconds between two redraws on a terminal (default 100). */
  redrawMs?: number;
}

export class ProgressBar {
  readonly #total: number;
  readonly #charsPerStep: number;
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #now: () => number;
  readonly #redrawMs: number;
  readonly #start: number;
  readonly #smoother = new Smoother();
  #step = 0;
  #validationLoss: number | undefined;
  #lastDraw = -Infinity;
  #lastTenth = 0;
  #drawn = false;
  #finished = false;

  constructor(options: ProgressBarOptions) {
    this.#total = options.total;
    this.#charsPerStep = options.charsPerStep;
    this.#stream = options.stream;
    this.#tty = options.tty ?? options.stream.isTTY === true;
    this.#now = options.now ?? (() => performance.now());
    this.#redrawMs = options.redrawMs ?? 100;
    this.#start = this.#now();
  }

  /** The state shown now. */
  get state(): ProgressState {
    return {
      step: this.#step,
      total: this.#total,
      loss: this.#smoother.value,
      validationLoss: this.#validationLoss,
      charsPerStep: this.#charsPerStep,
      elapsedSeconds: (this.#now() - this.#start) / 1000,
    };
  }

  /** Records that `step` steps are done, the last with this loss, and redraws when it is time to. */
  update(step: number, loss: number): void {
    if (this.#finished) return;
    this.#step = step;
    this.#smoother.add(loss);
    if (this.#tty) {
      const now = this.#now();
      if (now - this.#lastDraw >= this.#redrawMs || step >= this.#total) {
        this.#lastDraw = now;
        this.#draw();
      }
    } else {
      const tenth = Math.floor((step * 10) / this.#total);
      if (tenth > this.#lastTenth) {
        this.#lastTenth = tenth;
        this.#stream.write(formatProgress(this.state) + '\n');
      }
    }
  }

  /** Shows this validation loss from now on (drawn with the next update). */
  validation(loss: number): void {
    this.#validationLoss = loss;
  }

  /** Draws the final state and ends the line (also when training stopped early). */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#tty) {
      this.#draw();
      this.#stream.write('\n');
    } else if (this.#lastTenth < 10) {
      this.#stream.write(formatProgress(this.state) + '\n');
    }
  }

  /** Writes a message on its own line(s) without garbling the bar, wrapped at the terminal's width. */
  log(message: string): void {
    const columns = this.#stream.columns;
    const text = this.#tty && columns !== undefined && columns > 1 ? wrapText(message, columns - 1).join('\n') : message;
    if (this.#tty && this.#drawn && !this.#finished) {
      this.#stream.write(`\r\x1b[K${text}\n`);
      this.#draw();
    } else {
      this.#stream.write(text + '\n');
    }
  }

  #draw(): void {
    // Fitted to the terminal's width now (it may have been resized), so the line never wraps.
    const columns = this.#stream.columns;
    this.#stream.write(`\r${formatProgress(this.state, columns !== undefined && columns > 0 ? columns : Infinity)}\x1b[K`);
    this.#drawn = true;
  }
}
