/**
 * How many workflow signals the receiver sends Temporal at once, and how many callbacks may wait
 * for one. Vidu finishes many tasks at once (an off-peak batch, a backlog after an outage) and
 * sends one callback per task: with no bound, every one became a signal in flight at the same
 * moment. The bench's scale run (4,000 generations finished together) showed what that does: the
 * dev server, flooded, timed the signals out ("Failed to signal Workflow", 3,297 of them in two
 * minutes) and the worker's own task completions with them, and 4 minutes later 38 of 4,000 had
 * finished. A bounded number in flight keeps the server answering; a callback that would wait
 * behind a full queue is refused at once with 503 and Retry-After, which Vidu retries (and the
 * fallback poll covers a callback that is never retried: docs/vidu-api.md §10).
 */
/** CALLBACK_MAX_SIGNALS_IN_FLIGHT's default: far above what 100 callbacks a second need (p99 13 ms each). */
export const DEFAULT_MAX_SIGNALS_IN_FLIGHT = 32;
/** CALLBACK_MAX_WAITING's default. */
export const DEFAULT_MAX_WAITING = 2000;

export class SignalGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxInFlight: number,
    private readonly maxWaiting: number,
  ) {
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1)
      throw new RangeError('maxInFlight must be a whole number of at least 1');
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0)
      throw new RangeError('maxWaiting must be a whole number of at least 0');
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Whether `run` would have to queue beyond `maxWaiting`: the caller should refuse instead. */
  get full(): boolean {
    return this.running >= this.maxInFlight && this.waiting.length >= this.maxWaiting;
  }

  /** Runs `fn` once fewer than `maxInFlight` are running; callers check `full` first. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxInFlight) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, so `running` never dips while some wait.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
