export interface ProgressState {
  /** Lines handled so far (stored, replayed or rejected). */
  lines: number;
  rejected: number;
  bytesRead: number;
}

export interface ProgressOptions {
  /** The file's size, for the percentage and the ETA. */
  totalBytes: number;
  /** Redraw one line in place (a terminal), or print a line every `intervalMs`. */
  tty: boolean;
  intervalMs?: number;
  now?: () => number;
}

const TTY_REDRAW_MS = 100;
const LOG_INTERVAL_MS = 3000;
const BAR_WIDTH = 24;

/** The progress display on stderr: count, rate, percentage and ETA; never more often than needed. */
export class ProgressReporter {
  private readonly started: number;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private lastDrawn = -Infinity;

  constructor(
    private readonly out: { write(text: string): unknown },
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.intervalMs = options.intervalMs ?? (options.tty ? TTY_REDRAW_MS : LOG_INTERVAL_MS);
    // A log's first line after one interval: a rate measured over milliseconds says nothing.
    if (!options.tty) this.lastDrawn = this.started;
  }

  update(state: ProgressState): void {
    const now = this.now();
    if (now - this.lastDrawn < this.intervalMs) return;
    this.lastDrawn = now;
    this.draw(state, now);
  }

  /** The last state, always shown; a terminal's line is then ended. */
  finish(state: ProgressState): void {
    this.draw(state, this.now());
    if (this.options.tty) this.out.write('\n');
  }

  private draw(state: ProgressState, now: number): void {
    const line = describeProgress(state, this.options.totalBytes, (now - this.started) / 1000);
    if (this.options.tty) this.out.write(`\r\x1b[2K${bar(fraction(state.bytesRead, this.options.totalBytes))} ${line}`);
    else this.out.write(`import: ${line}\n`);
  }
}

/** "45,000 lines (10 rejected) · 12,345 lines/s · 48% · ETA 4s" */
export function describeProgress(state: ProgressState, totalBytes: number, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? state.lines / elapsedSeconds : 0;
  const done = fraction(state.bytesRead, totalBytes);
  const eta = done > 0 && done < 1 ? formatSeconds((elapsedSeconds * (1 - done)) / done) : done >= 1 ? '0s' : '?';
  const rejected = state.rejected > 0 ? ` (${formatCount(state.rejected)} rejected)` : '';
  return `${formatCount(state.lines)} lines${rejected} · ${formatCount(Math.round(rate))} lines/s · ${Math.floor(done * 100)}% · ETA ${eta}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function fraction(part: number, whole: number): number {
  return whole > 0 ? Math.min(1, part / whole) : 1;
}

function bar(done: number): string {
  const filled = Math.round(done * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}
