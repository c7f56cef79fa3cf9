/**
 * Callback delivery (docs/vidu-api.md §10): POST the Get Generation body to the task's
 * callback_url on every state change, signed with the API key; retry a
 * failed delivery (non-2xx, network error, timeout) with doubling delays.
 *
 * Callbacks of one task go out in order: each waits for the previous one's
 * first attempt (retries run on their own and do not hold the line), so
 * out-of-order arrival only happens when the reorder fault asks for it.
 */
import { signCallbackRequest } from '../vidu/signature';
import type { TaskSnapshot } from './engine';
import type { CallbackFaults } from './faults';
import type { Rng } from './random';
import type { SimTask } from './task';
import { isTerminalState } from './task';

export interface CallbackStats {
  /** HTTP attempts made (first tries, retries and duplicate copies). */
  sent: number;
  /** Attempts the receiver answered 2xx. */
  delivered: number;
  /** Attempts that failed: non-2xx, network error or timeout. */
  failedAttempts: number;
  /** Callbacks never sent (drop fault). */
  dropped: number;
  /** Callbacks sent twice (duplicate fault). */
  duplicated: number;
  delayed: number;
  reordered: number;
  /** Callbacks whose every attempt failed. */
  gaveUp: number;
}

export interface CallbackLogEntry {
  taskId: string;
  state: string;
  url: string;
  /** 1 for the first try, 2.. for retries. */
  attempt: number;
  /** 2 for the extra copy of a duplicated callback. */
  copy: number;
  /** Real time of the attempt (the Date header is real time too, so receivers' skew checks work). */
  at: string;
  outcome: 'delivered' | 'failed' | 'dropped';
  status?: number;
  error?: string;
}

interface Job {
  task: SimTask;
  snap: TaskSnapshot;
  url: string;
  copies: number;
  delayMs: number;
}

export interface CallbackSenderOptions {
  apiKey: string;
  retries: number;
  retryMs: number;
  timeoutMs: number;
  rng: Rng;
  faults: () => CallbackFaults;
  /** Builds the body at send time so every attempt carries freshly issued media URLs. */
  body: (task: SimTask, snap: TaskSnapshot) => Record<string, unknown>;
  logLimit: number;
}

const emptyStats = (): CallbackStats => ({
  sent: 0,
  delivered: 0,
  failedAttempts: 0,
  dropped: 0,
  duplicated: 0,
  delayed: 0,
  reordered: 0,
  gaveUp: 0,
});

export class CallbackSender {
  private stats = emptyStats();
  private log: CallbackLogEntry[] = [];
  private chains = new Map<string, Promise<void>>();
  private held = new Map<string, Job[]>();
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<AbortController>();
  /** Bumped by reset() so work started before it cannot touch the new state. */
  private generation = 0;

  constructor(private readonly opts: CallbackSenderOptions) {}

  getStats(): CallbackStats {
    return { ...this.stats };
  }

  getLog(): CallbackLogEntry[] {
    return [...this.log];
  }

  reset(): void {
    this.generation += 1;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inFlight) c.abort();
    this.inFlight.clear();
    this.chains.clear();
    this.held.clear();
    this.stats = emptyStats();
    this.log = [];
  }

  notify(task: SimTask, snap: TaskSnapshot): void {
    const url = task.callbackUrl;
    if (!url) return;
    const f = this.opts.faults();
    const { rng } = this.opts;
    if (rng.chance(f.dropRate ?? 0)) {
      this.stats.dropped += 1;
      this.record({
        taskId: task.id,
        state: snap.state,
        url,
        attempt: 0,
        copy: 1,
        at: new Date().toISOString(),
        outcome: 'dropped',
      });
      return;
    }
    const copies = rng.chance(f.duplicateRate ?? 0) ? 2 : 1;
    if (copies === 2) this.stats.duplicated += 1;
    let delayMs = 0;
    if (rng.chance(f.delayRate ?? 0)) {
      const [min, max] = f.delayMs ?? [500, 2000];
      delayMs = min + rng.next() * (max - min);
      this.stats.delayed += 1;
    }
    const job: Job = { task, snap, url, copies, delayMs };
    // A terminal callback is the last one: nothing could overtake it, so it is never held back.
    if (!isTerminalState(snap.state) && rng.chance(f.reorderRate ?? 0)) {
      this.stats.reordered += 1;
      this.held.set(task.id, [...(this.held.get(task.id) ?? []), job]);
      return;
    }
    const heldBack = this.held.get(task.id) ?? [];
    this.held.delete(task.id);
    const gen = this.generation;
    const prev = this.chains.get(task.id) ?? Promise.resolve();
    const next = prev
      .then(() => this.run(job, gen))
      .then(async () => {
        for (const h of heldBack) await this.run(h, gen);
      })
      .catch(() => undefined);
    this.chains.set(task.id, next);
    void next.then(() => {
      if (this.chains.get(task.id) === next) this.chains.delete(task.id);
    });
  }

  /** Resolves after the first attempt of every copy; retries continue in the background. */
  private async run(job: Job, gen: number): Promise<void> {
    if (job.delayMs > 0) await this.sleep(job.delayMs);
    for (let copy = 1; copy <= job.copies; copy++) {
      if (gen !== this.generation) return;
      await this.attempt(job, copy, 1, gen);
    }
  }

  private async attempt(job: Job, copy: number, attempt: number, gen: number): Promise<void> {
    const ok = await this.post(job, copy, attempt, gen);
    if (ok || gen !== this.generation) return;
    if (attempt > this.opts.retries) {
      this.stats.gaveUp += 1;
      return;
    }
    const delay = this.opts.retryMs * 2 ** (attempt - 1);
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (gen === this.generation) void this.attempt(job, copy, attempt + 1, gen);
    }, delay);
    this.timers.add(t);
  }

  private async post(job: Job, copy: number, attempt: number, gen: number): Promise<boolean> {
    const { task, snap, url } = job;
    const entry: CallbackLogEntry = {
      taskId: task.id,
      state: snap.state,
      url,
      attempt,
      copy,
      at: new Date().toISOString(),
      outcome: 'failed',
    };
    this.stats.sent += 1;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(
      () => controller.abort(new Error(`timed out after ${this.opts.timeoutMs} ms`)),
      this.opts.timeoutMs,
    );
    try {
      const headers = signCallbackRequest({ secret: this.opts.apiKey, method: 'POST', url });
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(this.opts.body(task, snap)),
        signal: controller.signal,
      });
      // Drain the body so the connection can be reused.
      await res.arrayBuffer().catch(() => undefined);
      entry.status = res.status;
      if (res.ok) entry.outcome = 'delivered';
    } catch (err) {
      const reason = controller.signal.reason as unknown;
      entry.error =
        reason instanceof Error
          ? reason.message
          : err instanceof Error
            ? err.cause instanceof Error
              ? err.cause.message
              : err.message
            : String(err);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    if (gen !== this.generation) return false;
    if (entry.outcome === 'delivered') this.stats.delivered += 1;
    else this.stats.failedAttempts += 1;
    this.record(entry);
    return entry.outcome === 'delivered';
  }

  private record(entry: CallbackLogEntry): void {
    if (this.opts.logLimit === 0) return;
    this.log.push(entry);
    if (this.log.length > this.opts.logLimit * 1.1) this.log = this.log.slice(-this.opts.logLimit);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}
