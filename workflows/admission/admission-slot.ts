import { CancellationScope, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { slotGrantedSignal } from '../../core/admission-messages';
import type { Priority } from '../../core/generation-types';
import { quick, quickLocal } from '../common/activity-proxies';

/**
 * This workflow's side of admission control: ask the account's slot manager for a slot before
 * submitting a Vidu task, wait durably (no retries) until it is granted, give it back when the
 * task is over. A workflow holds at most one slot at a time and may ask again after releasing.
 * Without a cap for the pool on the worker (VIDU_MAX_IN_FLIGHT, or VIDU_MAX_OFF_PEAK_IN_FLIGHT for
 * off-peak tasks), the request is granted at once with no manager involved.
 *
 * The request is one `admit` update, answered at once when a slot is free. A generation sends it
 * from its submit activity (`submitWhenAdmitted`), so a free slot costs its history nothing; the AD
 * film asks with `acquire` (its own activity). Only a request that queues costs more: the
 * manager's grant signal. The release is a local activity (one marker event): it only signals.
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

  /**
   * A new request's terms, for an activity that asks the manager. Off-peak tasks ask in a pool of
   * their own (VIDU_MAX_OFF_PEAK_IN_FLIGHT, no cap by default), never in the one VIDU_MAX_IN_FLIGHT
   * caps: Vidu holds them up to 48 h before running them (docs/vidu-api.md §11).
   */
  request(offPeak: boolean): { priority: Priority; ticket: number; offPeak?: boolean } {
    this.ticket += 1;
    return { priority: this.priority, ticket: this.ticket, ...(offPeak ? { offPeak } : {}) };
  }

  /** The manager granted the current request at once (undefined: no cap, nothing to release). */
  grantedBy(managerId: string | undefined): void {
    this.manager = managerId;
    this.grantedTicket = this.ticket;
  }

  /** The manager queued the current request: waits for its grant, running `onWait` first. */
  async queuedAt(managerId: string, onWait: () => void): Promise<void> {
    this.manager = managerId;
    const ticket = this.ticket;
    if (this.grantedTicket === ticket) return;
    onWait();
    await condition(() => this.grantedTicket === ticket);
  }

  /** Asks with an activity of its own and resolves once this workflow may submit. */
  async acquire(what: string, onWait: () => void = () => undefined, opts: { offPeak?: boolean } = {}): Promise<void> {
    const terms = this.request(opts.offPeak === true);
    const slot = await quick.requestSlot.executeWithOptions(
      { summary: `ask for a${terms.offPeak ? 'n off-peak' : ''} Vidu slot for ${what} (${this.priority})` },
      [{ workflowId: workflowInfo().workflowId, ...terms }],
    );
    if (!slot) return;
    if (slot.granted) this.grantedBy(slot.managerId);
    else await this.queuedAt(slot.managerId, onWait);
  }

  /** Gives the slot back (or withdraws a request still waiting). Idempotent. */
  async release(): Promise<void> {
    const manager = this.manager;
    if (!manager) return;
    this.manager = undefined;
    await CancellationScope.nonCancellable(async () => {
      try {
        await quickLocal.releaseSlot.executeWithOptions({ summary: 'give the Vidu slot back' }, [
          { managerId: manager, workflowId: workflowInfo().workflowId },
        ]);
      } catch {
        // The manager could not be told: it frees closed workflows' slots when it reconciles.
      }
    });
  }
}
