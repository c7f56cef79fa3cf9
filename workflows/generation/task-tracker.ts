import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { pollingActivities, quickLocal } from '../common/activity-proxies';
import { taskUpdateSignal } from '../../core/workflow-messages';
import { RetryableFailureType } from '../../core/failure-types';
import { baseSchedule, resolveSchedule } from '../../core/poll-schedule';
import {
  isStateName,
  isTerminal,
  isUnknownStateReading,
  mergeSnapshot,
  type TaskReading,
} from '../../core/task-snapshot';
import { parseTaskUpdate, type TaskUpdate } from '../../core/task-update';
import type { PollScheduleOptions, TaskSnapshot } from '../../core/generation-types';

/** Recent nonces kept per task: far more callbacks than one task sends within the signature's Date window. */
const NONCES_PER_TASK = 64;
/** Updates kept while a submission is in flight (a callback may beat the submit result into history). */
const MAX_EARLY_UPDATES = 16;

/** What the tracker ignored and why; the `status` query shows these. */
export interface UpdateCounters {
  /** Updates for a task this workflow does not know, or that break the update's rules. */
  ignoredUpdates: number;
  /** Updates whose nonce this workflow had already seen: replays that got past a receiver. */
  replayedNonces: number;
  /** Updates and Vidu answers with a state this contract does not know (read as not finished). */
  unknownStates: number;
  lastUnknownState?: string;
  /** Get Generation calls made to confirm a terminal state a callback announced. */
  confirmations: number;
}

/**
 * Follows the Vidu tasks of one workflow.
 *
 * Trusted snapshots (the submit result, Get Generation, the poll activity's return value: the
 * worker fetched them from Vidu) go through `mergeSnapshot`, so late and out-of-order answers
 * only ever move a task forward. `taskUpdate` signals are wake-ups: a replayed nonce, an unknown
 * task id and an unknown state are counted and change nothing; progress and non-terminal states
 * show at once; a terminal state is a hint that `waitForTerminal` confirms with exactly one Get
 * Generation (hints arriving meanwhile share it) before the workflow archives or fails.
 */
export class TaskTracker {
  private readonly snapshots = new Map<string, TaskSnapshot>();
  private readonly nonces = new Map<string, string[]>();
  /** Tasks with a terminal hint not yet confirmed. */
  private readonly hints = new Set<string>();
  private early: TaskUpdate[] = [];
  private expecting = false;
  private readonly count: UpdateCounters = { ignoredUpdates: 0, replayedNonces: 0, unknownStates: 0, confirmations: 0 };
  /** Signals received, including ignored ones. */
  updates = 0;

  constructor(private readonly onChange: (snapshot: TaskSnapshot) => void = () => undefined) {
    setHandler(taskUpdateSignal, (update) => {
      this.updates += 1;
      this.receive(update);
    });
  }

  get counters(): UpdateCounters {
    return { ...this.count };
  }

  get(taskId: string): TaskSnapshot | undefined {
    return this.snapshots.get(taskId);
  }

  isTerminal(taskId: string): boolean {
    return isTerminal(this.snapshots.get(taskId)?.state);
  }

  /**
   * Call before submitting: until `track` names the new task, updates for a task id not known yet
   * are kept (bounded) instead of ignored, since a callback may beat the submit result.
   */
  expectNewTask(): void {
    this.expecting = true;
  }

  /** Starts following `initial.taskId`, applying any update that arrived for it earlier. */
  track(initial: TaskSnapshot): void {
    this.expecting = false;
    if (!isStateName(initial.state)) {
      // The create answer named a state nobody documented: the task exists, so it is just not finished.
      this.noteUnknownState(String(initial.state).slice(0, 32));
      initial = { ...initial, state: 'created' };
    }
    this.apply(initial);
    const waiting = this.early;
    this.early = [];
    for (const update of waiting) {
      if (update.taskId === undefined || update.taskId === initial.taskId) this.handle(initial.taskId, update);
      else this.count.ignoredUpdates += 1;
    }
  }

  /** Applies what Vidu itself answered (submit, Get Generation, poll). */
  apply(next: TaskReading | undefined): void {
    if (!next?.taskId) return;
    if (isUnknownStateReading(next)) {
      this.noteUnknownState(next.unknownState);
      return;
    }
    const current = this.snapshots.get(next.taskId);
    const merged = mergeSnapshot(current, next);
    if (isTerminal(merged.state)) this.hints.delete(next.taskId);
    if (merged === current) return;
    this.snapshots.set(next.taskId, merged);
    this.onChange(merged);
  }

  private receive(raw: unknown): void {
    const update = parseTaskUpdate(raw);
    if (!update) {
      this.count.ignoredUpdates += 1;
      return;
    }
    const taskId = this.resolve(update);
    if (taskId !== undefined) {
      this.handle(taskId, update);
      return;
    }
    if (!this.expecting) {
      this.count.ignoredUpdates += 1;
    } else if (update.nonce !== undefined && this.early.some((e) => e.nonce === update.nonce)) {
      this.count.replayedNonces += 1;
    } else if (this.early.length >= MAX_EARLY_UPDATES) {
      this.count.ignoredUpdates += 1;
    } else {
      this.early.push(update);
    }
  }

  /** The task an update is about: its own id when tracked, or (without an id) the one unfinished task. */
  private resolve(update: TaskUpdate): string | undefined {
    if (update.taskId !== undefined) return this.snapshots.has(update.taskId) ? update.taskId : undefined;
    const open = [...this.snapshots.values()].filter((s) => !isTerminal(s.state));
    return open.length === 1 ? open[0]?.taskId : undefined;
  }

  private handle(taskId: string, update: TaskUpdate): void {
    if (update.nonce !== undefined) {
      const seen = this.nonces.get(taskId) ?? [];
      if (seen.includes(update.nonce)) {
        this.count.replayedNonces += 1;
        return;
      }
      seen.push(update.nonce);
      if (seen.length > NONCES_PER_TASK) seen.shift();
      this.nonces.set(taskId, seen);
    }
    if (!isStateName(update.state)) {
      this.noteUnknownState(update.state);
      return;
    }
    const current = this.snapshots.get(taskId);
    if (!current || isTerminal(current.state)) return;
    if (isTerminal(update.state)) {
      // A hint only: the body of a callback is not signed. Confirmed in waitForTerminal.
      this.hints.add(taskId);
      return;
    }
    // Progress may show at once; credits, err_code and creations stay what Vidu answered.
    this.apply({ ...current, state: update.state, progress: update.progress, source: 'callback' });
  }

  private noteUnknownState(state: string): void {
    this.count.unknownStates += 1;
    this.count.lastUnknownState = state;
  }

  /**
   * Resolves true once the task is terminal, false when `timeoutSeconds` pass first. A fallback
   * poll runs meanwhile as ONE activity whose retries are the polls, so waiting adds no history
   * per tick; it is sparse when callbacks are expected. Its schedule-to-close timeout is the
   * deadline, so the wait needs no timer of its own. A terminal hint from a callback costs one
   * Get Generation (a local activity: one marker event); hints that arrive while it runs share
   * the next one, and none is made once the task is confirmed terminal.
   */
  async waitForTerminal(
    taskId: string,
    opts: {
      callbacks: boolean;
      timeoutSeconds: number;
      offPeak?: boolean;
      poll?: PollScheduleOptions | undefined;
      summary?: string;
    },
  ): Promise<boolean> {
    if (this.isTerminal(taskId)) return true;
    const schedule = resolveSchedule(baseSchedule(opts.callbacks, opts.offPeak ?? false), opts.poll);
    const deadline = Date.now() + opts.timeoutSeconds * 1000;
    let pollFailure: unknown;
    let pollOutOfTime = false;
    const pollScope = new CancellationScope();
    // Issue 18 §5 cancelled the fallback poll with TRY_CANCEL once the task was known to be over,
    // so a finished run would list no pending poll. That cancel command can wedge a workflow for
    // good: when the poll's attempt ends in the same workflow task as the callback that makes the
    // workflow cancel it (as after a worker crash, when events pile up while no worker runs), a
    // replay of that history fails every workflow task in the SDK's state machine ("ActivityMachine
    // in state ScheduledActivityCancelCommandCreated says the transition is invalid during event
    // ActivityTaskStarted"; caught by test/e2e/ad-film.test.ts, the kill during the fan-out, where
    // the film stayed RUNNING with its workflow task at attempt 8). New runs abandon the poll
    // again: no command, nothing to replay wrongly; the poll ends at its next heartbeat. Runs that
    // recorded the TRY_CANCEL patch keep it, so their histories replay as they ran.
    const cancellation = patched(POLL_ABANDON_PATCH)
      ? 'abandon'
      : patched(POLL_TRY_CANCEL_PATCH)
        ? 'try-cancel'
        : 'abandon';
    const polling = pollScope
      .run(() =>
        pollingActivities(schedule, opts.timeoutSeconds, cancellation).pollTask.executeWithOptions(
          {
            summary:
              opts.summary ??
              (opts.callbacks
                ? `fallback poll of task ${taskId} (callbacks expected)`
                : `poll task ${taskId} until it ends`),
          },
          [
            {
              taskId,
              workflowId: workflowInfo().workflowId,
              schedule,
              notifyWorkflow: !opts.callbacks,
              skipFirstPoll: opts.callbacks,
            },
          ],
        ),
      )
      .then(
        (polled) => this.apply(polled),
        (err) => {
          if (isCancellation(err)) return;
          // The poll's budget is the deadline. Temporal ends it at the last poll that fits, so it
          // may end a little before the deadline: callbacks are awaited for the rest. Anything else
          // (e.g. the task is unknown to Vidu) ends the wait with that error.
          if (outOfTime(err)) pollOutOfTime = true;
          else pollFailure = err;
        },
      );
    const over = () => this.isTerminal(taskId) || pollFailure !== undefined;
    const woken = () => over() || this.hints.has(taskId) || pollOutOfTime;
    try {
      for (;;) {
        if (pollOutOfTime && !this.hints.has(taskId)) {
          // Only here is a timer needed: the poll is over and the deadline not yet reached.
          const remaining = deadline - Date.now();
          if (remaining <= 0 || !(await condition(() => over() || this.hints.has(taskId), remaining))) break;
        } else {
          await condition(woken);
        }
        if (over()) break;
        if (this.hints.has(taskId)) await this.confirm(taskId);
      }
    } finally {
      pollScope.cancel();
      await polling;
    }
    const done = this.isTerminal(taskId);
    if (pollFailure !== undefined && !done) throw pollFailure;
    return done;
  }

  /** One Get Generation for the pending terminal hint of `taskId`; its answer is the truth. */
  private async confirm(taskId: string): Promise<void> {
    this.hints.delete(taskId);
    this.count.confirmations += 1;
    try {
      this.apply(await quickLocal.fetchTask({ taskId }));
    } catch (err) {
      // Vidu unreachable for all retries: the fallback poll and later callbacks still cover it.
      if (isCancellation(err)) throw err;
    }
  }
}

/** patched() id of the fallback poll's TRY_CANCEL (issue 18 §5); only runs that recorded it still use it. */
export const POLL_TRY_CANCEL_PATCH = 'fallback-poll-try-cancel';
/** patched() id of the return to an abandoned fallback poll (see waitForTerminal). */
export const POLL_ABANDON_PATCH = 'fallback-poll-abandon';

/** The poll activity ended by its schedule-to-close timeout (the deadline), or at the last poll that fit before it. */
function outOfTime(err: unknown): boolean {
  return err instanceof ActivityFailure && (err.cause instanceof TimeoutFailure || stillRunning(err));
}

function stillRunning(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === RetryableFailureType.TaskNotFinished
  );
}
