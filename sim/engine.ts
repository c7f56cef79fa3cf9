/**
 * The task state machine, driven by one tick loop against the simulated clock.
 *
 *   created → queueing → processing → success | failed
 *   off-peak: created → queueing (waiting for the window) → scheduled → processing → …
 *             not processing by created + window ⇒ failed "OffPeakTimeout", refunded
 *
 * Each tick replays, in time order, every transition whose simulated due time
 * has passed, stamping each with its own due time (not the tick's). A time
 * scale of 3600 or a manual jump of hours therefore yields the same history,
 * the same slot order and the same peak concurrency as real time would.
 */
import type { SimClock } from './clock';
import type { Ledger } from './ledger';
import type { SimStore } from './store';
import { rfc3339Nano } from './clock';
import { isTerminalState, type SimState, type SimTask } from './task';

/** The state of a task as it was at one transition; callbacks carry this, not the live task. */
export interface TaskSnapshot {
  state: SimState;
  errCode: string;
  progress: number;
  credits: number;
}

export interface EngineHooks {
  /** Called just before a task turns `success`: produce its creations (and AD-film records). */
  produce(task: SimTask, at: number): void;
  /** Called after every transition (never for `created`, which the create response carries). */
  stateChanged(task: SimTask, snapshot: TaskSnapshot): void;
}

interface DueEvent {
  task: SimTask;
  at: number;
  apply: (at: number) => void;
}

export class Engine {
  private active = new Set<SimTask>();
  private processing = new Set<SimTask>();
  private cursor: number;
  private timer: NodeJS.Timeout | undefined;
  /** The tick interval while started (start), else undefined. */
  private tickMs: number | undefined;

  constructor(
    private readonly clock: SimClock,
    private readonly store: SimStore,
    private readonly ledger: Ledger,
    private readonly maxConcurrency: number,
    private readonly hooks: EngineHooks,
  ) {
    this.cursor = clock.now();
  }

  // The timer runs only while a task is active: with none, a tick has nothing to apply. An idle
  // simulator woke 40 times a second (25 ms) for nothing, about 1 % of a core each; the e2e stacks
  // keep two or three idle between their generations (measured 2026-12-07: 0.24 CPU-s in 30 s).
  start(tickMs: number): void {
    this.stop();
    this.tickMs = tickMs;
    this.wake();
  }

  stop(): void {
    this.tickMs = undefined;
    this.sleep();
  }

  reset(): void {
    this.active.clear();
    this.processing.clear();
    this.cursor = this.clock.now();
    this.sleep();
  }

  private wake(): void {
    if (this.timer || this.tickMs === undefined || this.active.size === 0) return;
    // The cursor follows the clock while asleep: nothing was due then, as no task was active.
    this.cursor = Math.max(this.cursor, this.clock.now());
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  private sleep(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get running(): number {
    return this.processing.size;
  }

  /** Tasks accepted but not yet processing (created, queueing, scheduled). */
  get waiting(): number {
    return this.active.size - this.processing.size;
  }

  add(task: SimTask): void {
    this.active.add(task);
    this.wake();
  }

  /** Apply every transition that is due at the current simulated time. */
  tick(): void {
    const now = this.clock.now();
    let cursor = this.cursor;
    for (;;) {
      this.fillSlots(cursor);
      const ev = this.nextDue(now);
      if (!ev) break;
      cursor = Math.max(cursor, ev.at);
      ev.apply(cursor);
    }
    this.cursor = now;
    if (this.active.size === 0) this.sleep();
  }

  progressAt(task: SimTask, at: number): number {
    switch (task.state) {
      case 'processing': {
        const started = task.startedAt ?? at;
        return Math.max(0, Math.min(99, Math.floor(((at - started) / task.processingMs) * 100)));
      }
      case 'success':
        return 100;
      case 'failed':
        return task.finalProgress;
      default:
        return 0;
    }
  }

  /** End a task as failed now (user cancel). The caller has checked the state allows it. */
  cancel(task: SimTask, errCode: string): void {
    this.fail(task, errCode, Math.max(this.cursor, this.clock.now()));
  }

  private nextDue(now: number): DueEvent | undefined {
    let best: DueEvent | undefined;
    const consider = (task: SimTask, at: number | undefined, apply: (at: number) => void) => {
      if (at === undefined || at > now) return;
      // Ties go to the older task so slot order stays creation order.
      if (!best || at < best.at || (at === best.at && task.createdAt < best.task.createdAt)) best = { task, at, apply };
    };
    for (const task of this.active) {
      switch (task.state) {
        case 'created':
          consider(task, task.queueAt, (at) => this.transition(task, 'queueing', at));
          break;
        case 'queueing':
          if (task.offPeak && task.scheduleAt !== undefined && task.offPeakDeadline !== undefined) {
            const deadline = task.offPeakDeadline;
            if (task.scheduleAt < deadline)
              consider(task, task.scheduleAt, (at) => this.transition(task, 'scheduled', at));
            else consider(task, deadline, (at) => this.fail(task, 'OffPeakTimeout', at));
          }
          break;
        case 'scheduled':
          consider(task, task.offPeakDeadline, (at) => this.fail(task, 'OffPeakTimeout', at));
          break;
        case 'processing':
          consider(task, (task.startedAt ?? now) + task.processingMs, (at) => this.finish(task, at));
          break;
        default:
          break;
      }
    }
    return best;
  }

  /**
   * Start waiting tasks while slots are free, oldest first. Normal tasks are
   * eligible once queueing; off-peak ones only once scheduled.
   */
  private fillSlots(at: number): void {
    while (this.processing.size < this.maxConcurrency) {
      let next: SimTask | undefined;
      for (const t of this.active) {
        const eligible = t.offPeak ? t.state === 'scheduled' : t.state === 'queueing';
        if (eligible && (!next || t.createdAt < next.createdAt || (t.createdAt === next.createdAt && t.id < next.id)))
          next = t;
      }
      if (!next) return;
      next.startedAt = at;
      this.processing.add(next);
      this.store.maxRunningAtOnce = Math.max(this.store.maxRunningAtOnce, this.processing.size);
      this.transition(next, 'processing', at);
    }
  }

  private finish(task: SimTask, at: number): void {
    if (task.plannedErrCode) {
      this.fail(task, task.plannedErrCode, at);
      return;
    }
    this.hooks.produce(task, at);
    this.transition(task, 'success', at);
  }

  private fail(task: SimTask, errCode: string, at: number): void {
    task.finalProgress = this.progressAt(task, at);
    task.errCode = errCode;
    this.ledger.settleFailure(task);
    this.transition(task, 'failed', at);
  }

  private transition(task: SimTask, state: SimState, at: number): void {
    task.state = state;
    task.history.push({ state, at: rfc3339Nano(at), ...(task.errCode ? { errCode: task.errCode } : {}) });
    if (isTerminalState(state)) {
      task.finishedAt = at;
      this.active.delete(task);
      this.processing.delete(task);
    }
    this.hooks.stateChanged(task, {
      state,
      errCode: task.errCode,
      progress: this.progressAt(task, at),
      credits: task.credits,
    });
  }
}
