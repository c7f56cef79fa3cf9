import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowFailedError,
} from '@temporalio/client';

// Why a workflow failed, from the error its result() throws: the innermost cause that says why,
// with Vidu's err_code. The CLI prints it, the HTTP API returns it; library users can call it too.

/** A failed generation (or a failed CLI operation), in the shape printed by --json. */
export interface FailureReport {
  /** ApplicationFailure type (e.g. ViduTaskFailed), or Cancelled, Terminated, TimedOut, Error. */
  type: string;
  message: string;
  details: unknown[];
  /** Vidu's err_code when the details carry one. */
  errCode?: string;
  /** The messages of the wrapping failures, outermost first (e.g. the ActivityFailure). */
  chain: string[];
}

/** Walks WorkflowFailedError → ActivityFailure → ApplicationFailure and reports the innermost cause that says why. */
export function describeFailure(err: unknown): FailureReport {
  const chain: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; depth < 10 && cur instanceof Error; depth++) {
    if (cur instanceof ApplicationFailure) {
      const details = cur.details ? [...cur.details] : [];
      const errCode = findErrCode(details);
      return {
        type: cur.type ?? 'ApplicationFailure',
        message: cur.message,
        details,
        ...(errCode ? { errCode } : {}),
        chain,
      };
    }
    if (cur instanceof CancelledFailure)
      return {
        type: 'Cancelled',
        message: cur.message || 'the workflow was cancelled',
        details: cur.details ? [...cur.details] : [],
        chain,
      };
    if (cur instanceof TerminatedFailure)
      return { type: 'Terminated', message: cur.message || 'the workflow was terminated', details: [], chain };
    if (cur instanceof TimeoutFailure)
      return { type: 'TimedOut', message: `${cur.message || 'timed out'} (${cur.timeoutType})`, details: [], chain };
    const next: unknown = (cur as { cause?: unknown }).cause;
    if (!(next instanceof Error)) break;
    if (cur instanceof ActivityFailure) chain.push(`activity ${cur.activityType ?? '?'} failed`);
    else if (!(cur instanceof WorkflowFailedError) && !(cur instanceof ChildWorkflowFailure) && cur.message)
      chain.push(cur.message);
    cur = next;
  }
  const e = cur instanceof Error ? cur : new Error(String(cur));
  return { type: e.name && e.name !== 'Error' ? e.name : 'Error', message: e.message, details: [], chain };
}

function findErrCode(details: unknown[]): string | undefined {
  for (const d of details) {
    if (typeof d !== 'object' || d === null) continue;
    const code = (d as Record<string, unknown>).errCode ?? (d as Record<string, unknown>).err_code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}
