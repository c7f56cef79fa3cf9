import { ApplicationFailure, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { emptyTotals, foldResult } from '../../core/batch-summary';
import {
  type BatchCarry,
  type BatchCursor,
  type BatchInput,
  type BatchLine,
  type BatchLineResult,
  type BatchStatus,
  type BatchTotals,
  DEFAULT_BATCH_WINDOW,
  DEFAULT_LINES_PER_RUN,
  MAX_BATCH_WINDOW,
  MAX_LINES_PER_RUN,
} from '../../core/batch-types';
import { FailureType } from '../../core/failure-types';
import { issueDetails } from '../../core/issues';
import { batchStatusQuery } from '../../core/workflow-messages';
import { lineBudgetHoldSignal } from '../../core/budget-messages';
import type { BudgetRefusal } from '../../core/budgets';

/**
 * Everything one batch run knows, passed from phase to phase (workflows/batch/). `carry` is what
 * the next run gets at continue-as-new; the rest belongs to this run. The `status` query reads it.
 */
export interface BatchRun {
  readonly workflowId: string;
  readonly input: BatchInput;
  /** The JSONL file (a path the worker reads, or a staged reference). */
  readonly path: string;
  readonly window: number;
  readonly linesPerRun: number;
  /** Carried across continue-as-new: cursor, running totals, result parts written, runs, source stamp. */
  readonly carry: BatchCarry;
  /** The running totals (carry.totals, folded as each line's result comes in). */
  readonly totals: BatchTotals;
  /** Where the next read starts. */
  cursor: BatchCursor;
  /** Lines read and not started yet. */
  pending: BatchLine[];
  /** The last read reached the end of the file. */
  eof: boolean;
  /** Lines this run took from `pending` (started, or recorded as invalid). */
  processed: number;
  /** Child generations running now (at most `window`). */
  inFlight: number;
  /** Line results not written to the store yet. */
  buffer: BatchLineResult[];
  phase: BatchStatus['phase'];
  resultsFile?: string;
  error?: string;
  /** Lines a budget holds now, by child workflow id (their lineBudgetHold signals; status only). */
  budgetHolds: Map<string, BudgetRefusal>;
}

function invalidInput(problems: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidRequest,
    message: `invalid batch input:\n  - ${problems.join('\n  - ')}`,
    nonRetryable: true,
    details: [issueDetails(problems)],
  });
}

function checkNumbers(window: number, linesPerRun: number): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(window) || window < 1 || window > MAX_BATCH_WINDOW)
    problems.push(`window: must be a whole number 1–${MAX_BATCH_WINDOW} (got ${window})`);
  if (!Number.isInteger(linesPerRun) || linesPerRun < 1 || linesPerRun > MAX_LINES_PER_RUN) {
    problems.push(`linesPerRun: must be a whole number 1–${MAX_LINES_PER_RUN} (got ${linesPerRun})`);
  }
  return problems;
}

/** Checks the input, sets up the run's state (from the carry of the run before, if any) and its query; adds nothing to history. */
export function openBatchRun(input: BatchInput): BatchRun {
  const { workflowId } = workflowInfo();
  if (typeof input !== 'object' || input === null)
    throw invalidInput(['input: expected { source: { path }, window?, options?, linesPerRun? }']);
  const window = input.window ?? DEFAULT_BATCH_WINDOW;
  const linesPerRun = input.linesPerRun ?? DEFAULT_LINES_PER_RUN;
  const path = input.source?.path ?? input.source?.staged;
  const problems = checkNumbers(window, linesPerRun);
  if (typeof path !== 'string' || path === '')
    problems.unshift('source.path: required (the JSONL file, readable by the worker)');
  if (problems.length > 0) throw invalidInput(problems);

  const carry: BatchCarry = input.carry ?? {
    cursor: { offset: 0, line: 1 },
    totals: emptyTotals(),
    parts: 0,
    runs: 0,
    maxInFlight: 0,
  };
  const run: BatchRun = {
    workflowId,
    input,
    path: path as string,
    window,
    linesPerRun,
    carry,
    totals: carry.totals,
    cursor: carry.cursor,
    pending: [],
    eof: false,
    processed: 0,
    inFlight: 0,
    buffer: [],
    phase: 'running',
    budgetHolds: new Map(),
  };
  setHandler(batchStatusQuery, () => status(run));
  // A handler only (no command): the status says which budget holds lines (README "Spend control").
  setHandler(lineBudgetHoldSignal, ({ workflowId, hold }) => {
    if (hold) run.budgetHolds.set(workflowId, hold);
    else run.budgetHolds.delete(workflowId);
  });
  return run;
}

function budgetHoldOf(run: BatchRun): Pick<BatchStatus, 'budgetHold'> {
  const first = run.budgetHolds.values().next().value;
  if (!first) return {};
  return { budgetHold: { budget: first.budget, periodEndsAt: first.periodEndsAt, lines: run.budgetHolds.size } };
}

/** Where the next run starts: the first line read but not started, else the read cursor. */
export function resumeAt(run: BatchRun): BatchCursor {
  return run.pending[0] ? { offset: run.pending[0].offset, line: run.pending[0].line } : run.cursor;
}

function status(run: BatchRun): BatchStatus {
  const { carry, totals } = run;
  return {
    phase: run.phase,
    ...(carry.total !== undefined ? { total: carry.total } : {}),
    done: totals.done,
    succeeded: totals.succeeded,
    failed: totals.failed,
    inFlight: run.inFlight,
    nextLine: resumeAt(run).line,
    credits: totals.credits,
    window: run.window,
    maxInFlight: carry.maxInFlight,
    run: carry.runs + 1,
    ...budgetHoldOf(run),
    ...(run.resultsFile ? { resultsFile: run.resultsFile } : {}),
    ...(run.error ? { error: run.error } : {}),
  };
}

/** The Web UI's "current details" follow every change. */
export function describe(run: BatchRun): void {
  const s = status(run);
  const lines = [
    `**batch** · phase \`${s.phase}\` · run ${s.run} · done ${s.done}${s.total !== undefined ? `/${s.total}` : ''} (${s.failed} failed) · in flight ${s.inFlight}/${run.window}`,
    `next line ${s.nextLine} · ${s.credits} credits · source \`${run.path}\``,
  ];
  if (run.resultsFile) lines.push(`results: \`${run.resultsFile}\``);
  if (run.error) lines.push(`error: ${run.error}`);
  setCurrentDetails(lines.join('\n\n'));
}

/** A line's result: buffered for the next flush and counted in the totals. */
export function record(run: BatchRun, result: BatchLineResult): void {
  run.buffer.push(result);
  foldResult(run.totals, result);
  describe(run);
}
