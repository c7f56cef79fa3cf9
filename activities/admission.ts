import { activityInfo, getClient } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { admitUpdate, releaseSlotSignal, SLOT_MANAGER_WORKFLOW_TYPE } from '../core/admission-messages';
import { type CallerTerms, SLOT_MANAGER_PRIORITY_KEY } from '../core/fair-share';
import type { Priority } from '../core/generation-types';
import { currentOwnership } from './workflow-owner';

export interface AdmissionConfig {
  /** Tasks submitted and not finished at Vidu, across every worker sharing the key; 0 = no cap. */
  maxInFlight: number;
  /** Identifies the account without revealing the key: slot managers are per key. */
  accountId: string;
  /** VIDU_SLOT_RECONCILE_SECONDS: how often slots of terminated workflows are reclaimed. */
  reconcileSeconds?: number;
  /**
   * VIDU_MAX_OFF_PEAK_IN_FLIGHT: off-peak tasks submitted and not finished; undefined or 0 = no
   * cap. Off-peak tasks never count against `maxInFlight`: Vidu queues them itself for up to 48 h
   * and runs them when it has capacity (docs/vidu-api.md §11), so holding an interactive slot for them would
   * block interactive work for days while Vidu is not even running them.
   */
  maxOffPeakInFlight?: number;
}

/** A short, non-reversible id of the account behind an API key and base URL. */
export function accountIdFor(apiKey: string, baseUrl: string): string {
  return createHash('sha256').update(`${baseUrl}\u0000${apiKey}`).digest('hex').slice(0, 16);
}

export type SlotPool = 'standard' | 'off-peak';

/**
 * One manager per account and pool. Off-peak work has a manager of its own rather than a second
 * counter inside the standard one: the slot protocol stays as it is, the manager that gates
 * interactive work does not spend its history on a night's off-peak batch, and with no off-peak
 * cap (the default) there is no off-peak manager at all.
 */
export function slotManagerId(accountId: string, pool: SlotPool = 'standard'): string {
  return pool === 'off-peak' ? `vidu-slots-${accountId}-off-peak` : `vidu-slots-${accountId}`;
}

export interface AdmissionDeps {
  admission: AdmissionConfig | undefined;
  /**
   * A caller's cap and weight (the keys file's `maxInFlight` and `weight` for `key-<id>`), read on
   * the worker so that nothing of the keys file but these two numbers enters a history.
   */
  callerTerms?: (caller: string) => CallerTerms | undefined;
  /** Whose work the current activity's workflow is (default: its owner, activities/workflow-owner.ts). */
  currentCaller?: () => Promise<string>;
}

export function makeAdmissionActivities(deps: AdmissionDeps) {
  const currentCaller = deps.currentCaller ?? (async () => (await currentOwnership()).owner);
  /**
   * Asks the account's slot manager for a slot (starting the manager if needed), in one `admit`
   * update whose answer says whether the slot is granted now. Returns the manager's id so the
   * workflow can release the slot, or undefined when there is no cap. A regular activity (or part
   * of submitWhenAdmitted), never a local one: the update waits for the manager's workflow task.
   */
  async function requestSlot(input: {
    workflowId: string;
    priority: Priority;
    ticket?: number;
    offPeak?: boolean;
  }): Promise<{ managerId: string; granted: boolean } | undefined> {
    const admission = deps.admission;
    if (!admission) return undefined;
    const pool: SlotPool = input.offPeak ? 'off-peak' : 'standard';
    const cap = pool === 'off-peak' ? (admission.maxOffPeakInFlight ?? 0) : admission.maxInFlight;
    if (cap <= 0) return undefined;
    const managerId = slotManagerId(admission.accountId, pool);
    // The caller for fair share (issue 19 §4): the workflow's ViduCaller, else its parent's (a batch
    // line), else the operator; one describe (two for a batch line) per request that meets a cap.
    const caller = await currentCaller();
    const terms = deps.callerTerms?.(caller);
    const startManager = new WithStartWorkflowOperation(SLOT_MANAGER_WORKFLOW_TYPE, {
      workflowId: managerId,
      taskQueue: activityInfo().taskQueue,
      args: [],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `vidu-flow admission: at most ${cap} ${pool === 'off-peak' ? 'off-peak ' : ''}Vidu tasks in flight for account ${admission.accountId}`,
      // Its workflow tasks go before any backlog: every generation waits on its answers.
      priority: { priorityKey: SLOT_MANAGER_PRIORITY_KEY },
    });
    const answer = await getClient().workflow.executeUpdateWithStart(admitUpdate, {
      startWorkflowOperation: startManager,
      args: [
        {
          workflowId: input.workflowId,
          priority: input.priority,
          ...(input.ticket !== undefined ? { ticket: input.ticket } : {}),
          maxInFlight: cap,
          ...(admission.reconcileSeconds ? { reconcileSeconds: admission.reconcileSeconds } : {}),
          caller,
          ...(terms?.maxInFlight !== undefined ? { callerMaxInFlight: terms.maxInFlight } : {}),
          ...(terms?.weight !== undefined ? { weight: terms.weight } : {}),
        },
      ],
    });
    return { managerId, granted: answer.granted };
  }

  /** Gives the slot back (or withdraws a waiting request). Idempotent; run as a local activity. */
  async function releaseSlot(input: { managerId: string; workflowId: string }): Promise<void> {
    try {
      await getClient().workflow.getHandle(input.managerId).signal(releaseSlotSignal, { workflowId: input.workflowId });
    } catch (err) {
      // No manager to tell (terminated): it frees closed workflows' slots when it returns.
      if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
    }
  }

  /** Which of these workflows are no longer running (their slots can be reused). */
  async function closedWorkflows(workflowIds: string[]): Promise<string[]> {
    const client = getClient();
    const closed: string[] = [];
    for (const id of workflowIds) {
      try {
        const d = await client.workflow.getHandle(id).describe();
        if (d.status.name !== 'RUNNING') closed.push(id);
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') closed.push(id);
        else throw err;
      }
    }
    return closed;
  }

  return { requestSlot, releaseSlot, closedWorkflows };
}
