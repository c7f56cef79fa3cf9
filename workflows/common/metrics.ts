import { ApplicationFailure, isCancellation, metricMeter } from '@temporalio/workflow';
import { WorkerMetric } from '../../contract/metric-names';
import { NON_RETRYABLE_FAILURES } from '../../core/failure-types';
import type { Priority } from '../../core/generation-types';

// vidu-flow's own workflow metrics, through the SDK's workflow metric meter: it records nothing
// while a workflow replays and goes out through a sink, so it is deterministic and adds no
// history events. The SDK adds namespace, taskQueue and workflowType; the labels here are
// bounded (kind, model, priority, failure type), never ids.
//
// In flight and waiting are counted as pairs of counters (submitted/finished, wait started/ended)
// rather than gauges: a gauge set by a workflow lives in whichever worker ran that workflow task,
// so with several workers no single series is right, while counters from every worker add up and
// PromQL subtracts them (the dashboard does). A worker restart resets its own counters; see README.

/** A Vidu model name as a label; anything else reads `other` so a bad input cannot add series. */
export function modelLabel(model: unknown): string {
  return typeof model === 'string' && /^[a-z0-9][a-z0-9._-]{0,39}$/i.test(model) ? model : 'other';
}

/** A failure's type as a label: vidu-flow's failure types, `Cancelled`, or `Other`. */
export function failureTypeLabel(err: unknown): string {
  if (isCancellation(err)) return 'Cancelled';
  if (err instanceof ApplicationFailure && NON_RETRYABLE_FAILURES.includes(err.type ?? '')) return err.type as string;
  return 'Other';
}

/** One generation's (or AD film's) metrics; every method is safe to call more than once where it says so. */
export class GenerationMetrics {
  /** Set once the inputs are staged and the model is known. */
  model = 'unknown';
  private offPeak = false;
  private taskOpen = false;
  private waitingSince: number | undefined;

  constructor(
    private readonly kind: string,
    private readonly priority: Priority,
  ) {}

  /** Runs the whole generation: started, then succeeded or failed by type; closes what is still open. */
  async around<T>(run: () => Promise<T>, creditsOf?: (result: T) => number): Promise<T> {
    count(WorkerMetric.generationsStarted, { kind: this.kind });
    try {
      const result = await run();
      if (creditsOf) this.charged(creditsOf(result));
      count(WorkerMetric.generationsSucceeded, { kind: this.kind });
      return result;
    } catch (err) {
      count(WorkerMetric.generationsFailed, { kind: this.kind, failure_type: failureTypeLabel(err) });
      throw err;
    } finally {
      this.slotWaitOver();
      this.taskOver(0);
    }
  }

  setStaged(model: string | undefined, offPeak: boolean): void {
    this.model = modelLabel(model);
    this.offPeak = offPeak;
  }

  /** The generation queues for an admission slot. */
  waitingForSlot(): void {
    if (this.waitingSince !== undefined) return;
    this.waitingSince = Date.now(); // workflow time: deterministic
    count(WorkerMetric.slotWaitsStarted, { priority: this.priority });
  }

  /** The slot wait ended (granted, or the generation gave up). Idempotent. */
  slotWaitOver(): void {
    if (this.waitingSince === undefined) return;
    const seconds = Math.max(0, (Date.now() - this.waitingSince) / 1000);
    this.waitingSince = undefined;
    count(WorkerMetric.slotWaitsEnded, { priority: this.priority });
    metricMeter
      .createHistogram(WorkerMetric.slotWaitSeconds, 'float', 's', 'time queued for an admission slot')
      .record(seconds, { priority: this.priority });
  }

  /** A Vidu task was submitted (it is in flight until taskOver). */
  submitted(): void {
    if (this.taskOpen) return;
    this.taskOpen = true;
    count(WorkerMetric.tasksSubmitted, this.taskTags());
  }

  /** The submitted task is over; `credits` are what Vidu charged for it (0 when unknown). Idempotent. */
  taskOver(credits: number): void {
    if (!this.taskOpen) return;
    this.taskOpen = false;
    count(WorkerMetric.tasksFinished, this.taskTags());
    this.charged(credits);
  }

  /**
   * options.onTaskFailure decided a new task after the failed one (workflows/generation/retry.ts).
   * `model` is the failed task's (a fallback changes it); `errCode` is already bounded by the
   * caller (a catalogue code or `unknown`).
   */
  retried(model: string, errCode: string, retry: string): void {
    count(WorkerMetric.taskRetries, { kind: this.kind, model: modelLabel(model), retry, err_code: errCode });
  }

  /**
   * A successful task's charge against its estimate: one comparison counted by agreement, and the
   * credits of difference by direction (over = charged more than estimated).
   */
  estimateCompared(estimated: number, charged: number, off: boolean): void {
    const agreement = charged === estimated ? 'exact' : off ? 'off' : 'within';
    count(WorkerMetric.estimatesCompared, { kind: this.kind, model: this.model, agreement });
    const diff = Math.round(charged - estimated);
    if (diff !== 0)
      count(
        WorkerMetric.estimateDifferenceCredits,
        { kind: this.kind, model: this.model, direction: diff > 0 ? 'over' : 'under' },
        Math.abs(diff),
      );
  }

  private charged(credits: number): void {
    if (Number.isFinite(credits) && credits > 0)
      count(WorkerMetric.creditsCharged, { kind: this.kind, model: this.model }, Math.round(credits));
  }

  private taskTags(): Record<string, string> {
    return { kind: this.kind, priority: this.priority, off_peak: String(this.offPeak) };
  }
}

function count(name: string, tags: Record<string, string>, value = 1): void {
  metricMeter.createCounter(name).add(value, tags);
}
