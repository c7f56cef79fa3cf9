import { CancellationScope, condition, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { quick } from './activity-proxies';
import { releaseSlotSignal, slotGrantedSignal } from './admission';
import type { Priority } from './types';

/**
 * This workflow's side of admission control: ask the account's slot manager for a slot before
 * submitting a Vidu task, wait durably (no retries) until it is granted, give it back when the
 * task is over. A workflow holds at most one slot at a time and may ask again after releasing.
 * Without a cap for the pool on the worker (VIDU_MAX_IN_FLIGHT, or VIDU_MAX_OFF_PEAK_IN_FLIGHT for
 * off-peak tasks), `acquire` returns at once.
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

  /**
   * Resolves once this workflow may submit; `onWait` runs first when it has to queue. Off-peak
   * tasks ask in a pool of their own (VIDU_MAX_OFF_PEAK_IN_FLIGHT, no cap by default), never in
   * the one VIDU_MAX_IN_FLIGHT caps: Vidu holds them up to 48 h before running them (FACTS §11).
   */
  async acquire(what: string, onWait: () => void = () => undefined, opts: { offPeak?: boolean } = {}): Promise<void> {
    this.ticket += 1;
    const ticket = this.ticket;
    const offPeak = opts.offPeak === true;
    const slot = await quick.requestSlot.executeWithOptions({ summary: `ask for a${offPeak ? 'n off-peak' : ''} Vidu slot for ${what} (${this.priority})` }, [
      { workflowId: workflowInfo().workflowId, priority: this.priority, ticket, ...(offPeak ? { offPeak } : {}) },
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
