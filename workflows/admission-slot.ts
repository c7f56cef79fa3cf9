import { CancellationScope, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { slotGrantedSignal } from '../core/admission-messages';
import type { Priority } from '../core/generation-types';
import { quickLocal } from './activity-proxies';

/**
 * This workflow's side of admission control: ask the account's slot manager for a slot before
 * submitting a Vidu task, wait durably (no retries) until it is granted, give it back when the
 * task is over. A workflow holds at most one slot at a time and may ask again after releasing.
 * Without a cap for the pool on the worker (VIDU_MAX_IN_FLIGHT, or VIDU_MAX_OFF_PEAK_IN_FLIGHT for
 * off-peak tasks), `acquire` returns at once.
 *
 * Both the request (an `admit` update, answered at once when a slot is free) and the release are
 * local activities: one marker event each in this history, inside a workflow task the generation
 * runs anyway. Only a request that has to queue costs more: the manager's grant signal.
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
   * the one VIDU_MAX_IN_FLIGHT caps: Vidu holds them up to 48 h before running them (docs/vidu-api.md §11).
   */
  async acquire(what: string, onWait: () => void = () => undefined, opts: { offPeak?: boolean } = {}): Promise<void> {
    this.ticket += 1;
    const ticket = this.ticket;
    const offPeak = opts.offPeak === true;
    const slot = await quickLocal.requestSlot.executeWithOptions(
      { summary: `ask for a${offPeak ? 'n off-peak' : ''} Vidu slot for ${what} (${this.priority})` },
      [{ workflowId: workflowInfo().workflowId, priority: this.priority, ticket, ...(offPeak ? { offPeak } : {}) }],
    );
    if (!slot) return;
    this.manager = slot.managerId;
    if (slot.granted) this.grantedTicket = ticket;
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
        await quickLocal.releaseSlot.executeWithOptions({ summary: 'give the Vidu slot back' }, [{ managerId: manager, workflowId: workflowInfo().workflowId }]);
      } catch {
        // The manager could not be told: it frees closed workflows' slots when it reconciles.
      }
    });
  }
}
