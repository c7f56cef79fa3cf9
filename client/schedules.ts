import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleOverlapPolicy,
  type ScheduleSpec,
  type ScheduleSummary,
} from '@temporalio/client';
import { checkBatchInput } from '../contract/batch-input';
import { checkGenerationInput, GENERATION_KINDS } from '../contract/generation-input';
import type { BatchInput } from '../core/batch-types';
import { ViduKind, ViduModel, ViduOffPeak } from '../core/search-attributes';
import type { GenerationInput, GenerationKind, GenerationOptions, Priority } from '../core/generation-types';
import { taskQueuePriority } from '../core/fair-share';
import { InvalidTimeSpec, formatDuration, isKnownTimeZone, parseClockTime, parseDuration } from './time-spec';
import { workflowIdIssues } from './workflow-ids';

// Recurring generations on Temporal Schedules: "every night at 01:00, run this batch off-peak".
// A schedule starts a vidu-flow workflow (one generation kind, or the `batch` workflow) at each
// matching time; Temporal keeps the schedule, so it survives restarts of everything else.
//
//   const schedules = new ViduFlowSchedules(await ViduFlowClient.connect());
//   await schedules.createSchedule({ scheduleId: 'nightly-stills', spec: { at: '01:00', timezone: 'Europe/Paris' },
//     action: { kind: 'img2video', input: { request: { model: 'viduq2', images: [url], prompt, off_peak: true } } } });
//
// Defaults, each overridable per schedule:
// - Workflow ids of the runs: `<scheduleId>-<scheduled time>` (Temporal appends the time to the
//   action's workflow id, so each run has its own id, hence its own Vidu idempotency key).
// - `options.priority: 'batch'`: scheduled work yields to interactive starts when vidu-flow
//   admission is full (VIDU_MAX_IN_FLIGHT).
// - Overlap policy SKIP: when a time comes while the previous run is still going (a slow
//   off-peak night), that time is skipped rather than piling up runs; describeSchedule counts the
//   skips. Pass `overlap` to buffer or to allow concurrent runs instead.
// - Every run carries the `ViduKind` search attribute (plus `ViduModel`, `ViduOffPeak` for a
//   generation), as a started workflow does; the schedule itself carries `ViduKind` too.

/** The workflow type of batch runs (input `{ source: { path }, window?, options?, linesPerRun? }`, contract/batch-input.ts). */
export const BATCH_WORKFLOW_TYPE = 'batch';

/** When a schedule fires: exactly one of `cron`, `every` or `at`. */
export interface ScheduleSpecInput {
  /** A cron expression: `0 1 * * *` (minute hour day-of-month month day-of-week), or @daily, @hourly… */
  cron?: string;
  /** A fixed interval, `90s`, `15m`, `1h`, `1d`, aligned to the Unix epoch (every 1h = on the hour, UTC). */
  every?: string;
  /** Daily at `HH:MM` (24-hour clock) in `timezone`. */
  at?: string;
  /** IANA zone for `cron` and `at`, e.g. `Europe/Paris` (default UTC). Daylight-saving gaps follow Temporal's rules. */
  timezone?: string;
}

export interface BatchActionInput {
  /** The batch file (one `{ kind, request, options }` per line), as the worker can read it: an absolute path. */
  path: string;
  /** Generations in flight at once (the batch workflow's default: 20). */
  window?: number;
  /** Defaults under each line's options; `priority` defaults to `batch`. */
  options?: GenerationOptions;
  /** Lines per batch workflow run before continue-as-new. */
  linesPerRun?: number;
}

export type ScheduleActionInput = { kind: GenerationKind; input: GenerationInput } | { batch: BatchActionInput };

export type OverlapPolicy = Exclude<ScheduleOverlapPolicy, undefined>;
export const OVERLAP_POLICIES: readonly OverlapPolicy[] = [
  'SKIP',
  'BUFFER_ONE',
  'BUFFER_ALL',
  'CANCEL_OTHER',
  'TERMINATE_OTHER',
  'ALLOW_ALL',
];

export interface CreateScheduleOptions {
  /** Letters, digits and `._:-`; the runs' workflow ids start with it. */
  scheduleId: string;
  spec: ScheduleSpecInput;
  action: ScheduleActionInput;
  /** Shown by list and describe (Temporal's schedule note). */
  note?: string;
  /** What to do when a time comes while the previous run still runs (default SKIP). */
  overlap?: OverlapPolicy;
  /** Also run once right away. */
  triggerImmediately?: boolean;
}

/** The schedule options do not make sense; nothing was created. */
export class InvalidScheduleOptions extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid schedule, nothing was created:\n  - ${issues.join('\n  - ')}`);
    this.name = 'InvalidScheduleOptions';
  }
}

/** What vidu-flow keeps in the schedule's memo, to list and describe it in its own words. */
interface ScheduleMemo {
  taskQueue: string;
  spec: ScheduleSpecInput;
  action: string;
}
const MEMO_KEY = 'viduFlow';

export interface ScheduleRow {
  scheduleId: string;
  /** The generation kind, or `batch`. */
  action: string;
  /** `daily at 01:00 (Europe/Paris)`, `every 2s`, `cron 0 1 * * * (UTC)`. */
  spec: string;
  paused: boolean;
  note?: string;
  nextRunAt?: Date;
  lastRun?: { workflowId: string; takenAt: Date };
}

export interface ScheduledRun {
  workflowId: string;
  runId: string;
  scheduledAt: Date;
  takenAt: Date;
  /** Temporal execution status (RUNNING, COMPLETED, FAILED…), or UNKNOWN when it cannot be read. */
  status: string;
}

export interface ScheduleDetails extends ScheduleRow {
  workflowType: string;
  taskQueue?: string;
  overlap: string;
  createdAt: Date;
  /** The next few times it will fire. */
  nextRunTimes: Date[];
  actionsTaken: number;
  skippedOverlap: number;
  missedCatchupWindow: number;
  /** Workflow ids of runs still going. */
  running: string[];
  /** The most recent runs, oldest first. */
  recentRuns: ScheduledRun[];
  /** The workflow input every run receives. */
  input: unknown;
}

const CRON_SHORTHANDS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Spec → Temporal ScheduleSpec; `issues` gets one line per problem. */
export function compileScheduleSpec(spec: ScheduleSpecInput, issues: string[]): ScheduleSpec {
  const given = (['cron', 'every', 'at'] as const).filter((k) => spec[k] !== undefined);
  if (given.length !== 1) {
    issues.push(
      given.length === 0
        ? 'spec: give one of cron, every or at'
        : `spec: give only one of cron, every or at (got ${given.join(', ')})`,
    );
    return {};
  }
  const out: ScheduleSpec = {};
  if (spec.timezone !== undefined) {
    if (spec.every !== undefined)
      issues.push('spec.timezone: applies to cron and at, not to every (intervals count from the Unix epoch)');
    else if (!isKnownTimeZone(spec.timezone))
      issues.push(
        `spec.timezone: unknown time zone ${JSON.stringify(spec.timezone)}; use an IANA name such as Europe/Paris or UTC`,
      );
    else out.timezone = spec.timezone;
  }
  const why = (e: unknown) => (e instanceof InvalidTimeSpec ? e.message : String(e));
  if (spec.cron !== undefined) {
    const cron = spec.cron.trim().replace(/\s+/g, ' ');
    const fields = cron.split(' ').length;
    if (/^(CRON_)?TZ=/i.test(cron)) issues.push('spec.cron: give the zone as timezone, not inside the expression');
    else if (cron.startsWith('@')) {
      if (!CRON_SHORTHANDS.has(cron.toLowerCase()) && !/^@every \S+$/i.test(cron))
        issues.push(
          `spec.cron: unknown shorthand ${JSON.stringify(cron)}; expected @daily, @hourly, @weekly, @monthly or @yearly`,
        );
    } else if (fields < 5 || fields > 7) {
      issues.push(
        `spec.cron: ${JSON.stringify(spec.cron)} has ${fields} field(s); expected 5 (minute hour day-of-month month day-of-week), 6 (+ year) or 7 (second first)`,
      );
    } else if (!/^[\d*,\-/A-Za-z?#LW]+( [\d*,\-/A-Za-z?#LW]+)*$/.test(cron)) {
      issues.push(`spec.cron: ${JSON.stringify(spec.cron)} has characters a cron field cannot hold`);
    }
    out.cronExpressions = [cron];
  } else if (spec.every !== undefined) {
    try {
      const ms = parseDuration(spec.every);
      if (ms < 1000 || ms % 1000 !== 0)
        issues.push(`spec.every: ${JSON.stringify(spec.every)} must be a whole number of seconds, at least 1s`);
      else out.intervals = [{ every: ms }];
    } catch (e) {
      issues.push(`spec.every: ${why(e)}`);
    }
  } else if (spec.at !== undefined) {
    try {
      const { hour, minute } = parseClockTime(spec.at);
      out.calendars = [{ hour, minute, second: 0, comment: `daily at ${pad(hour)}:${pad(minute)}` }];
    } catch (e) {
      issues.push(`spec.at: ${why(e)}`);
    }
  }
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The spec in a few words, for list and describe. */
export function describeSpec(spec: ScheduleSpecInput): string {
  const zone = spec.timezone ?? 'UTC';
  if (spec.at !== undefined) return `daily at ${spec.at} (${zone})`;
  if (spec.every !== undefined) {
    try {
      return `every ${formatDuration(parseDuration(spec.every))}`;
    } catch {
      return `every ${spec.every}`;
    }
  }
  if (spec.cron !== undefined) return `cron ${spec.cron} (${zone})`;
  return '?';
}

function withBatchPriority(options: GenerationOptions | undefined): GenerationOptions {
  return { priority: 'batch', ...options };
}

function summaryText(text: string): string {
  return Buffer.from(text)
    .subarray(0, 200)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

/**
 * The whole Temporal schedule for `opts`, without touching Temporal. Throws InvalidScheduleOptions
 * listing every problem (bad id, spec or generation input).
 */
export function compileSchedule(opts: CreateScheduleOptions, taskQueue: string): ScheduleOptions {
  const issues: string[] = [];
  // The runs' workflow ids are `<scheduleId>-<time>`: the schedule id follows the workflow-id rule.
  issues.push(...workflowIdIssues(opts.scheduleId, 'scheduleId'));
  const spec = compileScheduleSpec(opts.spec, issues);
  if (opts.overlap !== undefined && !OVERLAP_POLICIES.includes(opts.overlap))
    issues.push(`overlap: expected one of ${OVERLAP_POLICIES.join(', ')}`);

  let workflowType: string;
  let args: unknown[];
  let actionName: string;
  let summary: string;
  let priorityClass: Priority = 'batch';
  const attributes: NonNullable<ScheduleOptions['action']['typedSearchAttributes']> = [];
  if ('batch' in opts.action) {
    const batch = opts.action.batch;
    const input: BatchInput = {
      source: { path: batch.path },
      ...(batch.window !== undefined ? { window: batch.window } : {}),
      options: withBatchPriority(batch.options),
      ...(batch.linesPerRun !== undefined ? { linesPerRun: batch.linesPerRun } : {}),
    };
    // The batch workflow's own contract; `source.path` is what the caller called `path`.
    issues.push(...checkBatchInput(input).map((line) => `batch.${line.replace(/^source\.path\b/, 'path')}`));
    workflowType = BATCH_WORKFLOW_TYPE;
    actionName = 'batch';
    args = [input];
    priorityClass = input.options?.priority ?? 'batch';
    summary = `scheduled batch · ${opts.scheduleId} · ${batch.path}`;
    attributes.push({ key: ViduKind, value: 'batch' });
  } else {
    const { kind } = opts.action;
    const known = (GENERATION_KINDS as readonly string[]).includes(kind);
    if (!known)
      issues.push(`kind: unknown kind ${JSON.stringify(kind)}; expected one of ${GENERATION_KINDS.join(', ')}`);
    const input: GenerationInput = { ...opts.action.input, options: withBatchPriority(opts.action.input.options) };
    if (input.options?.idempotencyKey !== undefined) {
      issues.push(
        'options.idempotencyKey: each run of a schedule has its own workflow id (<scheduleId>-<time>) and so its own key; remove it',
      );
    }
    if (known) issues.push(...checkGenerationInput(kind, input));
    const request = (input.request ?? {}) as Record<string, unknown>;
    workflowType = kind;
    actionName = kind;
    priorityClass = input.options?.priority ?? 'batch';
    args = [input];
    const model = typeof request.model === 'string' ? request.model : undefined;
    const offPeak = request.off_peak === true;
    summary = `scheduled ${kind} · ${opts.scheduleId}${model ? ` · ${model}` : ''}${offPeak ? ' · off-peak' : ''}`;
    attributes.push({ key: ViduKind, value: kind }, { key: ViduOffPeak, value: offPeak });
    if (model) attributes.push({ key: ViduModel, value: model });
  }
  if (issues.length > 0) throw new InvalidScheduleOptions(issues);

  const memo: ScheduleMemo = { taskQueue, spec: opts.spec, action: actionName };
  return {
    scheduleId: opts.scheduleId,
    spec,
    action: {
      type: 'startWorkflow',
      workflowType,
      taskQueue,
      // Temporal appends the scheduled time: runs are `<scheduleId>-2026-01-02T01:00:00Z`.
      workflowId: opts.scheduleId,
      args,
      typedSearchAttributes: attributes,
      staticSummary: summaryText(summary),
      // A schedule is the operator's (issue 19 §4): batch class unless its options say otherwise.
      // SDK 1.24's ScheduleOptionsAction type omits `priority`, but its encoder sends it
      // (node_modules/@temporalio/client/lib/schedule-helpers.js, encodeScheduleAction).
      priority: taskQueuePriority(priorityClass),
    } as ScheduleOptions['action'],
    policies: { overlap: opts.overlap ?? 'SKIP' },
    memo: { [MEMO_KEY]: memo },
    typedSearchAttributes: [{ key: ViduKind, value: actionName }],
    state: {
      ...(opts.note !== undefined ? { note: opts.note } : {}),
      ...(opts.triggerImmediately ? { triggerImmediately: true } : {}),
    },
  };
}

/** Every workflow type a vidu-flow worker runs that a schedule may start. */
export const SCHEDULABLE_WORKFLOW_TYPES: ReadonlySet<string> = new Set<string>([
  ...GENERATION_KINDS,
  'adFilm',
  'musicVideo',
  BATCH_WORKFLOW_TYPE,
]);

/**
 * Whether a schedule is one of ours, by what it starts: a workflow type vidu-flow runs, on this
 * task queue. vidu-flow's own memo is a shortcut (it names the task queue, so no describe is
 * needed), never a requirement: a schedule made by another language or the Temporal CLI counts
 * as soon as its action starts, say, `img2video` on task queue `vidu-flow`. `taskQueue` is the
 * action's task queue when known (describe), undefined when only the list's summary was read.
 */
export function recognizeSchedule(
  s: { memo?: Record<string, unknown>; workflowType?: string | undefined; taskQueue?: string | undefined },
  taskQueue: string,
): 'ours' | 'not-ours' | 'describe' {
  const memo = memoOf(s);
  if (memo) return memo.taskQueue === taskQueue ? 'ours' : 'not-ours';
  if (s.workflowType === undefined || !SCHEDULABLE_WORKFLOW_TYPES.has(s.workflowType)) return 'not-ours';
  if (s.taskQueue === undefined) return 'describe';
  return s.taskQueue === taskQueue ? 'ours' : 'not-ours';
}

/** A schedule spec that vidu-flow did not write, in a few words: `every 1h`, `2 calendar rule(s)`. */
export function describeForeignSpec(
  spec: { intervals?: Array<{ every: number }>; calendars?: unknown[] } | undefined,
): string {
  const parts = [...(spec?.intervals ?? []).map((i) => `every ${formatDuration(i.every)}`)];
  if (spec?.calendars?.length) parts.push(`${spec.calendars.length} calendar rule(s)`);
  return `${parts.join(', ') || 'no times'} (made outside vidu-flow)`;
}

function memoOf(s: { memo?: Record<string, unknown> }): ScheduleMemo | undefined {
  const m = s.memo?.[MEMO_KEY];
  return typeof m === 'object' && m !== null && typeof (m as ScheduleMemo).taskQueue === 'string'
    ? (m as ScheduleMemo)
    : undefined;
}

function rowOf(s: ScheduleSummary | ScheduleDescription, memo: ScheduleMemo | undefined): ScheduleRow {
  const last = s.info.recentActions.at(-1);
  const next = s.info.nextActionTimes[0];
  return {
    scheduleId: s.scheduleId,
    action: memo?.action ?? s.action?.workflowType ?? '?',
    spec: memo ? describeSpec(memo.spec) : describeForeignSpec(s.spec),
    paused: s.state.paused,
    ...(s.state.note ? { note: s.state.note } : {}),
    ...(next ? { nextRunAt: next } : {}),
    ...(last ? { lastRun: { workflowId: last.action.workflow.workflowId, takenAt: last.takenAt } } : {}),
  };
}

/**
 * What schedules use of a ViduFlowClient: its Temporal client and task queue. Declared here, not
 * imported, because client/index.ts re-exports this file (no import cycle).
 */
export interface ScheduleClient {
  readonly temporal: Client;
  readonly taskQueue: string;
}

/** Create, list, describe and delete vidu-flow schedules on the client's Temporal namespace and task queue. */
export class ViduFlowSchedules {
  constructor(readonly client: ScheduleClient) {}

  /**
   * Validates (throws InvalidScheduleOptions listing every problem) and creates the schedule. A
   * schedule with this id already existing is an error (Temporal's ScheduleAlreadyRunning).
   */
  async createSchedule(opts: CreateScheduleOptions): Promise<ScheduleDetails> {
    await this.client.temporal.schedule.create(compileSchedule(opts, this.client.taskQueue));
    return this.describeSchedule(opts.scheduleId);
  }

  /**
   * The schedules that start a vidu-flow workflow type on this client's task queue, whoever made
   * them (recognizeSchedule; `all` lists every schedule in the
   * namespace). Schedule listing is eventually consistent: a schedule just created or deleted
   * may take a moment to appear or go.
   */
  async listSchedules(opts: { all?: boolean } = {}): Promise<ScheduleRow[]> {
    const rows: ScheduleRow[] = [];
    for await (const s of this.client.temporal.schedule.list()) {
      const memo = memoOf(s);
      if (!opts.all) {
        let verdict = recognizeSchedule(
          { ...(s.memo ? { memo: s.memo } : {}), workflowType: s.action?.workflowType },
          this.client.taskQueue,
        );
        if (verdict === 'describe') {
          // The list's summary does not carry the task queue: one describe, only for schedules that
          // start one of our workflow types without our memo.
          const d = await Promise.resolve()
            .then(() => this.client.temporal.schedule.getHandle(s.scheduleId).describe())
            .catch(() => undefined);
          verdict = recognizeSchedule(
            { workflowType: d?.action.workflowType, taskQueue: d?.action.taskQueue },
            this.client.taskQueue,
          );
        }
        if (verdict !== 'ours') continue;
      }
      rows.push(rowOf(s, memo));
    }
    return rows.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
  }

  /** The schedule, its next run times and its recent runs with their status. Throws ScheduleNotFoundError. */
  async describeSchedule(scheduleId: string): Promise<ScheduleDetails> {
    const d = await this.client.temporal.schedule.getHandle(scheduleId).describe();
    const memo = memoOf(d);
    const recentRuns = await Promise.all(
      d.info.recentActions.map(async (a): Promise<ScheduledRun> => {
        const { workflowId, firstExecutionRunId } = a.action.workflow;
        const status = await this.client.temporal.workflow
          .getHandle(workflowId, firstExecutionRunId)
          .describe()
          .then((w) => w.status.name as string)
          .catch(() => 'UNKNOWN');
        return { workflowId, runId: firstExecutionRunId, scheduledAt: a.scheduledAt, takenAt: a.takenAt, status };
      }),
    );
    return {
      ...rowOf(d, memo),
      workflowType: d.action.workflowType,
      ...(d.action.taskQueue ? { taskQueue: d.action.taskQueue } : {}),
      overlap: d.policies.overlap ?? 'SKIP',
      createdAt: d.info.createdAt,
      nextRunTimes: d.info.nextActionTimes,
      actionsTaken: d.info.numActionsTaken,
      skippedOverlap: d.info.numActionsSkippedOverlap,
      missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
      running: d.info.runningActions.map((a) => a.workflow.workflowId),
      recentRuns,
      input: d.action.args?.[0],
    };
  }

  /** Deletes the schedule; runs it already started keep going. Throws ScheduleNotFoundError. */
  async deleteSchedule(scheduleId: string): Promise<void> {
    await this.client.temporal.schedule.getHandle(scheduleId).delete();
  }
}

export { ScheduleAlreadyRunning, ScheduleNotFoundError };
