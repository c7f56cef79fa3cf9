import { activityInfo, getClient } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { acquireSlotSignal, viduSlots } from '../workflows/admission';
import type { Priority } from '../workflows/types';

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
   * and runs them when it has capacity (FACTS §11), so holding an interactive slot for them would
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

export function makeAdmissionActivities(deps: { admission: AdmissionConfig | undefined }) {
  /**
   * Asks the account's slot manager for a slot (starting the manager if needed). Returns the
   * manager's id so the workflow can release the slot itself, or undefined when there is no cap.
   */
  async function requestSlot(input: { workflowId: string; priority: Priority; ticket?: number; offPeak?: boolean }): Promise<{ managerId: string } | undefined> {
    const admission = deps.admission;
    if (!admission) return undefined;
    const pool: SlotPool = input.offPeak ? 'off-peak' : 'standard';
    const cap = pool === 'off-peak' ? (admission.maxOffPeakInFlight ?? 0) : admission.maxInFlight;
    if (cap <= 0) return undefined;
    const managerId = slotManagerId(admission.accountId, pool);
    await getClient().workflow.signalWithStart(viduSlots, {
      workflowId: managerId,
      taskQueue: activityInfo().taskQueue,
      args: [],
      signal: acquireSlotSignal,
      signalArgs: [
        {
          workflowId: input.workflowId,
          priority: input.priority,
          ...(input.ticket !== undefined ? { ticket: input.ticket } : {}),
          maxInFlight: cap,
          ...(admission.reconcileSeconds ? { reconcileSeconds: admission.reconcileSeconds } : {}),
        },
      ],
      staticSummary: `vidu-flow admission: at most ${cap} ${pool === 'off-peak' ? 'off-peak ' : ''}Vidu tasks in flight for account ${admission.accountId}`,
    });
    return { managerId };
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

  return { requestSlot, closedWorkflows };
}
