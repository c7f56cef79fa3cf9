import { context } from '@opentelemetry/api';
import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_FAILURES } from '../core/failure-types';
import type { CreditsHeld } from '../core/balance';
import type { Priority, SubmitResult } from '../core/generation-types';
import type { makeAdmissionActivities } from './admission';
import type { SubmitInput } from './submit';

type AdmissionActivities = ReturnType<typeof makeAdmissionActivities>;

export interface AdmittedSubmitInput extends SubmitInput {
  admission: { priority: Priority; ticket: number; offPeak?: boolean };
}

/** Queued at the slot manager: nothing was sent to Vidu; a `slotGranted` signal follows. */
export interface SubmitQueued {
  queued: true;
  managerId: string;
}

export type AdmittedSubmitResult = (SubmitResult & { slotManagerId?: string }) | SubmitQueued | CreditsHeld;

/**
 * Admission and submission in one activity: ask the slot manager (one `admit` update), and when
 * the slot is granted at once (the usual case) submit in the same attempt. The generation thus
 * pays no history for admission when a slot is free. A regular activity, not a local one: the
 * update waits for the manager's workflow task, which a worker busy holding workflow tasks open
 * for local activities could never run (a deadlock the batch tests found). A retry asks again:
 * the manager answers `granted` to a workflow that already holds the slot, and the submission's
 * own recovery (activities/submit.ts) makes sure nothing is paid twice.
 */
export function makeAdmittedSubmit(
  submitTask: (input: SubmitInput) => Promise<SubmitResult>,
  requestSlot: AdmissionActivities['requestSlot'],
  releaseSlot: AdmissionActivities['releaseSlot'],
  creditsHold?: (priority: Priority) => Promise<CreditsHeld | undefined>,
) {
  return async function submitWhenAdmitted(input: AdmittedSubmitInput): Promise<AdmittedSubmitResult> {
    const { admission, ...submit } = input;
    // The credits floor (activities/balance.ts), before a slot is asked for: a held generation
    // takes no slot and sends nothing; it asks again later (workflows/generation/phases.ts).
    const held = await creditsHold?.(admission.priority);
    if (held) return held;
    // In a context of its own: the client's tracing of the update must not become the parent of
    // the submission's spans (test/e2e/metrics.test.ts, "trace one generation").
    const slot = await context.with(context.active(), () =>
      requestSlot({ workflowId: input.workflowId, ...admission }),
    );
    if (slot && !slot.granted) return { queued: true, managerId: slot.managerId };
    let result: SubmitResult;
    try {
      result = await submitTask(submit);
    } catch (err) {
      // A failure no retry will change (e.g. ViduRejected) ends the generation without a task:
      // the workflow never learns of the slot, so it is given back here rather than held until
      // the manager's next reconcile. A retryable one keeps it for the retry.
      if (slot && finalFailure(err))
        await releaseSlot({ managerId: slot.managerId, workflowId: input.workflowId }).catch(() => undefined);
      throw err;
    }
    return { ...result, ...(slot ? { slotManagerId: slot.managerId } : {}) };
  };
}

function finalFailure(err: unknown): boolean {
  return err instanceof ApplicationFailure && (err.nonRetryable || NON_RETRYABLE_FAILURES.includes(err.type ?? ''));
}
