import { CancellationScope, condition, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { quick } from './activity-proxies';
import { releaseSlotSignal, slotGrantedSignal } from './admission';
import type { Priority } from './types';

/**
 * This workflow's side of admission control: ask the account's slot manager for a slot before
 * submitting a Vidu task, wait durably (no retries) until it is granted, give it back when the
 * task is over. A workflow holds at most one slot at a time and may ask again after releasing.
 * Without VIDU_MAX_IN_FLIGHT on the worker, `acquire` returns at once.
 */
export class AdmissionSlot {
  private manager: string | undefined;
  private ticket = 0;
  private grantedTicket = -1;

  constructor(private readonly priority: Priority) {
    setHandler(slotGrantedSignal, (ticket) => {
      // A late grant for an earlier request must not open the gate for the current one.
      this.grantedTicket = ticket ?? this.ticket;
    });
  }

  get held(): boolean {
    return this.manager !== undefined;
  }

  /** Resolves once this workflow may submit; `onWait` runs first when it has to queue. */
  async acquire(what: string, onWait: () => void = () => undefined): Promise<void> {
    this.ticket += 1;
    const ticket = this.ticket;
    const slot = await quick.requestSlot.executeWithOptions({ summary: `ask for a Vidu slot for ${what} (${this.priority})` }, [
      { workflowId: workflowInfo().workflowId, priority: this.priority, ticket },
    ]);
    if (!slot) return;
    this.manager = slot.managerId;
    if (this.grantedTicket !== ticket) {
      onWait();
      await condition(() => this.grantedTicket === ticket);
    }
  }

  /** Gives the slot back (or withdraws a request still waiting). Idempotent. */
  async release(): Promise<void> {
    const manager = this.manager;
    if (!manager) return;
    this.manager = undefined;
    await CancellationScope.nonCancellable(async () => {
      try {
        await getExternalWorkflowHandle(manager).signal(releaseSlotSignal, { workflowId: workflowInfo().workflowId });
      } catch {
        // No manager to tell (it was terminated): it frees closed workflows' slots when it returns.
      }
    });
  }
}
