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
}

/** A short, non-reversible id of the account behind an API key and base URL. */
export function accountIdFor(apiKey: string, baseUrl: string): string {
  return createHash('sha256').update(`${baseUrl}\u0000${apiKey}`).digest('hex').slice(0, 16);
}

export function slotManagerId(accountId: string): string {
  return `vidu-slots-${accountId}`;
}

export function makeAdmissionActivities(deps: { admission: AdmissionConfig | undefined }) {
  /**
   * Asks the account's slot manager for a slot (starting the manager if needed). Returns the
   * manager's id so the workflow can release the slot itself, or undefined when there is no cap.
   */
  async function requestSlot(input: { workflowId: string; priority: Priority; ticket?: number }): Promise<{ managerId: string } | undefined> {
    const admission = deps.admission;
    if (!admission || admission.maxInFlight <= 0) return undefined;
    const managerId = slotManagerId(admission.accountId);
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
          maxInFlight: admission.maxInFlight,
          ...(admission.reconcileSeconds ? { reconcileSeconds: admission.reconcileSeconds } : {}),
        },
      ],
      staticSummary: `vidu-flow admission: at most ${admission.maxInFlight} Vidu tasks in flight for account ${admission.accountId}`,
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
