// Pure helpers of the bench: percentiles, means, ratios, and what a workflow history costs in
// events and Temporal Cloud actions. No I/O, so test/unit/bench-stats.test.ts checks them.
import { temporal } from '@temporalio/proto';

const T = temporal.api.enums.v1.EventType;

/** The fields of a history event the counting reads (a subset of the proto's IHistoryEvent). */
export interface HistoryEventLike {
  eventType?: temporal.api.enums.v1.EventType | null;
  activityTaskStartedEventAttributes?: { attempt?: number | null } | null;
  markerRecordedEventAttributes?: { markerName?: string | null; workflowTaskCompletedEventId?: unknown } | null;
  workflowTaskFailedEventAttributes?: { cause?: temporal.api.enums.v1.WorkflowTaskFailedCause | null } | null;
  workflowTaskTimedOutEventAttributes?: { timeoutType?: temporal.api.enums.v1.TimeoutType | null } | null;
}

export interface HistoryCost {
  /** Every event in the history. */
  events: number;
  /** Billable actions by the rule of `actionsOf`. */
  actions: number;
  /** Workflow tasks completed (each is a worker round trip; not billed, but CPU and latency). */
  workflowTasks: number;
  /** Workflow tasks that failed or timed out (there should be none). */
  failedWorkflowTasks: number;
  /** Activity attempts (retries included; a retry-as-poll activity counts each poll). */
  activityAttempts: number;
  signals: number;
  timers: number;
  upserts: number;
  /** Events by type (`ACTIVITY_TASK_SCHEDULED`…): where a history's length comes from. */
  byType: Record<string, number>;
}

type CountField = Exclude<keyof HistoryCost, 'byType'>;
const COUNT_FIELDS: readonly CountField[] = [
  'events',
  'actions',
  'workflowTasks',
  'failedWorkflowTasks',
  'activityAttempts',
  'signals',
  'timers',
  'upserts',
];

function emptyCost(): HistoryCost {
  return {
    events: 0,
    actions: 0,
    workflowTasks: 0,
    failedWorkflowTasks: 0,
    activityAttempts: 0,
    signals: 0,
    timers: 0,
    upserts: 0,
    byType: {},
  };
}

function typeName(t: temporal.api.enums.v1.EventType | null | undefined): string {
  return (T[t ?? 0] ?? String(t)).replace(/^EVENT_TYPE_/, '');
}

/**
 * Billable Temporal Cloud actions, counted from one history the way Temporal's pricing page
 * ("Temporal Cloud Actions") lists them:
 * - workflow started (client start, continue-as-new, child start: each run's WorkflowExecutionStarted): 1;
 * - activity: 1 per attempt (ActivityTaskStarted.attempt is the last attempt; the retries of a
 *   retry-as-poll activity leave no events but are billed);
 * - local activities: 1 per workflow task that recorded any (their markers);
 * - timer started: 1 (a `condition` with a timeout starts one);
 * - signal received (sent by a client, the callback receiver, or another workflow): 1;
 * - search-attribute upsert, memo change: 1 each; update accepted: 1.
 * Not visible in a history and so not counted: heartbeats that reach the server, queries
 * (the bench sends none), rejected updates.
 */
export function historyCost(events: readonly HistoryEventLike[]): HistoryCost {
  const cost: HistoryCost = { ...emptyCost(), events: events.length };
  const localActivityTasks = new Set<string>();
  for (const e of events) {
    const name = typeName(e.eventType);
    cost.byType[name] = (cost.byType[name] ?? 0) + 1;
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      case T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
        cost.actions += 1;
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const attempts = Math.max(1, e.activityTaskStartedEventAttributes?.attempt ?? 1);
        cost.activityAttempts += attempts;
        cost.actions += attempts;
        break;
      }
      case T.EVENT_TYPE_TIMER_STARTED:
        cost.timers += 1;
        cost.actions += 1;
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        cost.signals += 1;
        cost.actions += 1;
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        cost.upserts += 1;
        cost.actions += 1;
        break;
      case T.EVENT_TYPE_MARKER_RECORDED:
        if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') {
          localActivityTasks.add(String(e.markerRecordedEventAttributes.workflowTaskCompletedEventId ?? ''));
        }
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        cost.workflowTasks += 1;
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        cost.failedWorkflowTasks += 1;
        break;
      default:
        break;
    }
  }
  cost.actions += localActivityTasks.size;
  return cost;
}

/**
 * Why workflow tasks failed, by cause (`UNHANDLED_COMMAND`: a signal arrived while the task was
 * closing the workflow, and the SDK retries at once; `TIMED_OUT_SCHEDULE_TO_START`: the worker did not take a task from its sticky queue within 10 s,
 * so it went back to the shared queue and the workflow is replayed; `TIMED_OUT_START_TO_CLOSE`: a
 * worker took longer than the workflow task timeout to answer).
 */
export function workflowTaskFailures(events: readonly HistoryEventLike[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) {
    let cause: string | undefined;
    if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
      const type = temporal.api.enums.v1.TimeoutType[e.workflowTaskTimedOutEventAttributes?.timeoutType ?? 0];
      cause = `TIMED_OUT${type && type !== 'TIMEOUT_TYPE_UNSPECIFIED' ? `_${type.replace(/^TIMEOUT_TYPE_/, '')}` : ''}`;
    } else if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
      const c = e.workflowTaskFailedEventAttributes?.cause ?? 0;
      cause = (temporal.api.enums.v1.WorkflowTaskFailedCause[c] ?? String(c)).replace(
        /^WORKFLOW_TASK_FAILED_CAUSE_/,
        '',
      );
    }
    if (cause) out[cause] = (out[cause] ?? 0) + 1;
  }
  return out;
}

/** Sums count maps key by key. */
export function mergeCounts(maps: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Field-by-field sum of several histories' costs (a generation, its children, its share of the slot manager). */
export function addCosts(costs: readonly HistoryCost[]): HistoryCost {
  const total = emptyCost();
  for (const c of costs) for (const k of COUNT_FIELDS) total[k] += c[k];
  total.byType = mergeCounts(costs.map((c) => c.byType));
  return total;
}

/** `a − b`, field by field: what a long-lived workflow (the slot manager) spent during a run. */
export function subtractCost(a: HistoryCost, b: HistoryCost): HistoryCost {
  const out: HistoryCost = { ...a, byType: { ...a.byType } };
  for (const k of COUNT_FIELDS) out[k] = a[k] - b[k];
  for (const [t, n] of Object.entries(b.byType)) out.byType[t] = (out.byType[t] ?? 0) - n;
  return out;
}

/** Nearest-rank percentile (p in 0..100) of the values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (p < 0 || p > 100) throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

/** `a ÷ b`, undefined when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/** A number for the table: fixed digits, "–" for missing. */
export function fmt(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** Plain-text table with aligned columns (the first column left, the others right). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
