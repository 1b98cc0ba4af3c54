/**
 * One probe of something slow (the database) shared by every caller: at most one runs at a time
 * (a probe still running is awaited, never doubled), a finished result is reused for `reuseMs`, and
 * a caller waits at most `timeoutMs` (then gets `onTimeout()`, while the running probe goes on
 * alone). So any number of scrapers or probes costs at most one query in flight.
 */
export class BoundedCheck<T> {
  private running: Promise<T> | undefined;
  private last: { at: number; value: T } | undefined;

  constructor(
    private readonly probe: () => Promise<T>,
    private readonly options: { timeoutMs: number; reuseMs: number; onTimeout: () => T; onError: (error: unknown) => T },
  ) {}

  async get(): Promise<T> {
    const last = this.last;
    if (last && Date.now() - last.at < this.options.reuseMs) return last.value;
    this.running ??= this.probe()
      .catch((error: unknown) => this.options.onError(error))
      .then((value) => {
        this.last = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        this.running = undefined;
      });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(this.options.onTimeout()), this.options.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.running, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
