import { ActivityFailure, ApplicationFailure, CancellationScope, condition, isCancellation, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { GenerationActivities } from '../activities';
import { NON_RETRYABLE_FAILURES } from './failures';
import { taskUpdateSignal } from './messages';
import { baseSchedule, resolveSchedule } from './poll-schedule';
import { isTerminal, mergeSnapshot, toSnapshot } from './task-snapshot';
import type { PollScheduleOptions, TaskSnapshot } from './types';

/**
 * Follows the Vidu tasks of one workflow. Every `taskUpdate` signal (a callback, or a poll in
 * poll-only mode) and every poll result goes through `mergeSnapshot`, so duplicates, late and
 * out-of-order updates change nothing they should not. Updates for a task id not known yet (a
 * callback that beats the submit result into history) are kept until the id is known.
 */
export class TaskTracker {
  private readonly snapshots = new Map<string, TaskSnapshot>();
  private early: unknown[] = [];
  /** Signals received, including ignored ones. */
  updates = 0;

  constructor(private readonly onChange: (snapshot: TaskSnapshot) => void = () => undefined) {
    setHandler(taskUpdateSignal, (body) => {
      this.updates += 1;
      this.receive(body);
    });
  }

  get(taskId: string): TaskSnapshot | undefined {
    return this.snapshots.get(taskId);
  }

  isTerminal(taskId: string): boolean {
    return isTerminal(this.snapshots.get(taskId)?.state);
  }

  /** Starts following `initial.taskId`, applying any update that arrived for it earlier. */
  track(initial: TaskSnapshot): void {
    this.apply(initial);
    const waiting = this.early;
    this.early = [];
    for (const body of waiting) this.receive(body);
  }

  apply(next: TaskSnapshot | undefined): void {
    if (!next?.taskId) return;
    const current = this.snapshots.get(next.taskId);
    const merged = mergeSnapshot(current, next);
    if (merged === current) return;
    this.snapshots.set(next.taskId, merged);
    this.onChange(merged);
  }

  private receive(body: unknown): void {
    const only = this.snapshots.size === 1 ? [...this.snapshots.keys()][0] : undefined;
    const snapshot = toSnapshot(body, 'callback', only);
    if (!snapshot) return;
    if (!snapshot.taskId || !this.snapshots.has(snapshot.taskId)) {
      this.early.push(body);
      return;
    }
    this.apply(snapshot);
  }

  /**
   * Resolves true once the task is terminal, false when `timeoutSeconds` pass first. A fallback
   * poll runs meanwhile as ONE activity whose retries are the polls, so waiting adds no history
   * per tick; it is sparse when callbacks are expected.
   */
  async waitForTerminal(
    taskId: string,
    opts: { callbacks: boolean; timeoutSeconds: number; offPeak?: boolean; poll?: PollScheduleOptions | undefined; summary?: string },
  ): Promise<boolean> {
    if (this.isTerminal(taskId)) return true;
    const schedule = resolveSchedule(baseSchedule(opts.callbacks, opts.offPeak ?? false), opts.poll);
    let pollFailure: unknown;
    const pollScope = new CancellationScope();
    const polling = pollScope
      .run(() =>
        proxyActivities<GenerationActivities>({
          startToCloseTimeout: '45s',
          scheduleToCloseTimeout: `${opts.timeoutSeconds + schedule.maxSeconds + 600}s`,
          retry: {
            initialInterval: `${schedule.initialSeconds}s`,
            backoffCoefficient: schedule.factor,
            maximumInterval: `${schedule.maxSeconds}s`,
            nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
          },
        }).pollTask.executeWithOptions(
          { summary: opts.summary ?? (opts.callbacks ? `fallback poll of task ${taskId} (callbacks expected)` : `poll task ${taskId} until it ends`) },
          [{ taskId, workflowId: workflowInfo().workflowId, schedule, notifyWorkflow: !opts.callbacks }],
        ),
      )
      .then(
        (polled) => this.apply(polled),
        (err) => {
          // Out of poll budget while the task still runs is no news: keep waiting for callbacks
          // until the deadline. Anything else (e.g. the task is unknown to Vidu) ends the wait.
          if (!isCancellation(err) && !stillRunning(err)) pollFailure = err;
        },
      );
    const done = await condition(() => this.isTerminal(taskId) || pollFailure !== undefined, `${opts.timeoutSeconds}s`);
    pollScope.cancel();
    await polling;
    if (pollFailure !== undefined && !this.isTerminal(taskId)) throw pollFailure;
    return done;
  }
}

function stillRunning(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'TaskNotFinished';
}
