// Pure, deterministic pieces of the `batch` workflow: folding line results into running totals and
// naming a failure. Used inside the workflow sandbox and by the batch activities; unit-tested.
import {
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import {
  type BatchError,
  type BatchFailure,
  type BatchLineResult,
  type BatchTotals,
  SUMMARY_FAILURES,
} from './batch-types';

/** Longest error message kept per line (results file and summary). */
export const MAX_ERROR_MESSAGE = 2000;

export function emptyTotals(): BatchTotals {
  return { done: 0, succeeded: 0, failed: 0, credits: 0, failures: [] };
}

/**
 * Adds one line's result to the totals (mutates and returns them). The failure list keeps the
 * SUMMARY_FAILURES lowest line numbers, so it does not depend on the order children finish in.
 */
export function foldResult(totals: BatchTotals, result: BatchLineResult, keep = SUMMARY_FAILURES): BatchTotals {
  totals.done += 1;
  totals.credits += result.credits ?? 0;
  if (result.state === 'success') {
    totals.succeeded += 1;
    return totals;
  }
  totals.failed += 1;
  const failure: BatchFailure = {
    line: result.line,
    type: result.error?.type ?? 'Error',
    message: result.error?.message ?? 'failed',
  };
  const list = totals.failures;
  const last = list[list.length - 1];
  if (list.length >= keep && last !== undefined && last.line <= failure.line) return totals;
  let at = list.length;
  while (at > 0 && (list[at - 1] as BatchFailure).line > failure.line) at -= 1;
  list.splice(at, 0, failure);
  if (list.length > keep) list.length = keep;
  return totals;
}

function clip(message: string): string {
  return message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message;
}

/**
 * Credits a failed generation still cost: the ViduTaskFailed / ViduTimeout details carry the
 * task's credits as Vidu last reported them (0 once Vidu refunded them). Undefined when the
 * failure says nothing about credits (nothing was charged, e.g. an invalid request).
 */
export function failureCredits(err: unknown): number | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 10 && cur instanceof Error; depth++) {
    if (cur instanceof ApplicationFailure) {
      const detail = cur.details?.[0] as { credits?: unknown } | undefined;
      return typeof detail?.credits === 'number' ? detail.credits : undefined;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Names a failure the way the CLI does: the innermost ApplicationFailure's type, or Cancelled,
 * Terminated, TimedOut; walking through ChildWorkflowFailure, ActivityFailure and
 * WorkflowFailedError wrappers.
 */
export function describeBatchFailure(err: unknown): BatchError {
  let cur: unknown = err;
  for (let depth = 0; depth < 10 && cur instanceof Error; depth++) {
    if (cur instanceof ApplicationFailure)
      return { type: cur.type ?? 'ApplicationFailure', message: clip(cur.message) };
    if (cur instanceof CancelledFailure) return { type: 'Cancelled', message: clip(cur.message || 'cancelled') };
    if (cur instanceof TerminatedFailure) return { type: 'Terminated', message: clip(cur.message || 'terminated') };
    if (cur instanceof TimeoutFailure)
      return { type: 'TimedOut', message: clip(`${cur.message || 'timed out'} (${cur.timeoutType})`) };
    if (cur instanceof WorkflowExecutionAlreadyStartedError)
      return { type: 'AlreadyStarted', message: clip(cur.message) };
    const next: unknown = (cur as { cause?: unknown }).cause;
    if (!(next instanceof Error)) break;
    cur = next;
  }
  const e = cur instanceof Error ? cur : new Error(String(cur));
  return { type: e.name && e.name !== 'Error' ? e.name : 'Error', message: clip(e.message) };
}
