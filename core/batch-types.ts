// Plain data shapes of the `batch` workflow (see workflows/batch/). Workflows import these as
// types only; the input is validated at the edge by contract/batch-input.ts.
import type { GenerationInput, GenerationKind, GenerationOptions } from './generation-types';
import { InternalFailureType } from './failure-types';

/** Default number of generations in flight at once. */
export const DEFAULT_BATCH_WINDOW = 20;
/** Upper bound of `window`: Temporal advises at most ~500 pending children per execution. */
export const MAX_BATCH_WINDOW = 200;
/** Lines handled per workflow run before it continues as new (history stays far below the limits). */
export const DEFAULT_LINES_PER_RUN = 500;
export const MAX_LINES_PER_RUN = 5000;
/** How many failures the summary lists (the results file has all of them). */
export const SUMMARY_FAILURES = 100;

export interface BatchInput {
  /**
   * The JSONL file, read by the worker: one `{ kind, request, options }` per line. Relative media
   * paths inside a line are relative to the file's folder. The lines never travel in workflow
   * input, so a file of 10,000 lines is fine; it must not change while the batch runs. Or
   * `staged`: JSONL the HTTP API staged for the calling key (contract/batch-input.ts).
   */
  source: { path: string; staged?: never } | { staged: string; path?: never };
  /** Generations in flight at once (default 20, 1–200). */
  window?: number;
  /** Defaults merged under each line's options; `priority` defaults to `batch`. */
  options?: GenerationOptions;
  /** Lines per workflow run before continue-as-new (default 500); a tuning and test knob. */
  linesPerRun?: number;
  /** Set by the workflow itself when it continues as new; callers leave it out. */
  carry?: BatchCarry;
}

/** A position in the batch file: `offset` in bytes of the start of (1-based) line number `line`. */
export interface BatchCursor {
  offset: number;
  line: number;
}

/** Identifies the file's version; a batch refuses to go on reading a file that changed. */
export interface BatchSourceStamp {
  bytes: number;
  mtimeMs: number;
}

/** The error type of a line that was never started: not JSON, not a valid input, too long. */
export const INVALID_LINE = 'InvalidLine';

export interface BatchError {
  /** INVALID_LINE (nothing was started), a failure type such as `ViduTaskFailed`, `Cancelled`… */
  type: string;
  message: string;
}

export interface ValidBatchLine {
  line: number;
  offset: number;
  kind: GenerationKind;
  /** The child's input: the line's request and options, merged over the batch options. */
  input: GenerationInput;
}

export interface InvalidBatchLine {
  line: number;
  offset: number;
  kind?: string;
  error: BatchError;
}

export type BatchLine = ValidBatchLine | InvalidBatchLine;

/** One line of the results file. */
export interface BatchLineResult {
  line: number;
  kind?: string;
  /** The child generation's workflow id; absent when the line was invalid (nothing started). */
  workflowId?: string;
  state: 'success' | 'failed';
  taskId?: string;
  /** Credits Vidu charged for the line's task (also for a failed task it did not refund). */
  credits?: number;
  /** Location of the archive manifest of a successful line. */
  archive?: string;
  error?: BatchError;
}

export interface BatchFailure {
  line: number;
  type: string;
  message: string;
}

/** Running totals, folded line by line and carried across continue-as-new. */
export interface BatchTotals {
  /** Lines finished, whatever the outcome (succeeded + failed). */
  done: number;
  succeeded: number;
  failed: number;
  /** Credits Vidu charged: successful tasks, and failed ones it did not refund. */
  credits: number;
  /** The failures with the lowest line numbers, at most SUMMARY_FAILURES. */
  failures: BatchFailure[];
}

/** What one run hands to the next when it continues as new. */
export interface BatchCarry {
  cursor: BatchCursor;
  totals: BatchTotals;
  /** Non-blank lines in the file, counted on the first read. */
  total?: number;
  source?: BatchSourceStamp;
  /** Result parts written so far (see activities/batch.ts). */
  parts: number;
  /** Runs before this one. */
  runs: number;
  /** Most generations ever in flight at once. */
  maxInFlight: number;
}

export interface BatchStatus {
  phase: 'running' | 'draining' | 'finishing' | 'done' | 'failed' | 'cancelled';
  /** Non-blank lines in the file; known after the first read. */
  total?: number;
  done: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  /** The next line to start (1-based line number in the file). */
  nextLine: number;
  credits: number;
  window: number;
  /** Most generations in flight at once so far (never above `window`). */
  maxInFlight: number;
  /** This run's number, from 1; it grows with each continue-as-new. */
  run: number;
  /**
   * Lines waiting for a budget (VIDU_FLOW_BUDGETS_FILE, options.onBudgetExceeded `wait`): the budget
   * holding the first of them, when its period ends, and how many lines wait. Absent when none does.
   */
  budgetHold?: { budget: string; periodEndsAt: string; lines: number };
  resultsFile?: string;
  error?: string;
}

export interface BatchSummary {
  workflowId: string;
  total: number;
  succeeded: number;
  failed: number;
  credits: number;
  /** JSONL, one BatchLineResult per line of the batch file, in line order. */
  resultsFile: string;
  /** The first SUMMARY_FAILURES failures by line number. */
  failures: BatchFailure[];
  /** Workflow runs it took (1 + continue-as-new count). */
  runs: number;
  maxInFlight: number;
}

export interface ReadBatchLinesInput {
  path: string;
  /** Where to start reading (the first call: `{ offset: 0, line: 1 }`). */
  offset: number;
  line: number;
  /** At most this many lines (blank lines are skipped and not counted). */
  limit: number;
  /** Stop once the returned lines hold about this many bytes (default 512 KiB). */
  maxBytes?: number;
  /** Batch-wide options merged under each line's. */
  defaults?: GenerationOptions;
  /** The stamp of the first read; a different file fails the read. */
  expect?: BatchSourceStamp;
}

export interface ReadBatchLinesResult {
  lines: BatchLine[];
  /** Where the next read starts. */
  next: BatchCursor;
  eof: boolean;
  /** Non-blank lines in the whole file; only on a read from offset 0. */
  total?: number;
  source: BatchSourceStamp;
}

/**
 * Failure type of awaitBatchChild when the workflow under a line's child id is not that line's
 * child (another parent, or another workflow type): the id was taken by someone else, and the
 * batch starts the line under a fresh id instead of counting that workflow as the line's outcome.
 */
export const BATCH_CHILD_ID_TAKEN = InternalFailureType.BatchChildIdTaken;
