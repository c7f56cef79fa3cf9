import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import {
  acquireSlotSignal,
  admitUpdate,
  DEFAULT_RECONCILE_SECONDS,
  releaseSlotSignal,
  slotGrantedSignal,
  slotsQuery,
  type SlotRequest,
  type SlotsState,
} from '../../core/admission-messages';
import { slotManagerActivities } from '../common/activity-proxies';

// Account-wide admission control. Vidu runs ~5 tasks at once per organisation and queues the rest
// in its own first-come order, with credits committed (docs/vidu-api.md §11); vidu-flow keeps the
// order instead. One `viduSlots` workflow per API key holds at most `maxInFlight` slots; a
// generation asks for one before it submits and gives it back when its task ends. Interactive
// requests overtake waiting batch requests; within a priority, first come first served.
//
// Cost: a request is one `admit` update, answered at once when a slot is free, so the asking
// generation needs no grant signal; only requests that queue get one. The reconcile timer runs
// once per period, not once per loop turn, so a busy manager does not start and cancel a timer
// for every request.

export async function viduSlots(state?: SlotsState): Promise<void> {
  const s: SlotsState = state ?? { maxInFlight: 5, holders: [], waiting: [], granted: 0, tickets: {} };
  let dirty = true;
  let reconcileDue = false;
  let reconcileArmed = false;

  /** Records the request; true when the asker holds a slot now (or already did). */
  const register = (req: SlotRequest): boolean => {
    s.maxInFlight = Math.max(1, Math.floor(req.maxInFlight));
    if (req.reconcileSeconds) s.reconcileSeconds = req.reconcileSeconds;
    // A repeated request (an activity retry) must not take a second slot or a second place.
    if (s.holders.includes(req.workflowId)) return true;
    if (!s.waiting.some((w) => w.workflowId === req.workflowId)) {
      s.waiting.push({ workflowId: req.workflowId, priority: req.priority, ...(req.ticket !== undefined ? { ticket: req.ticket } : {}) });
    }
    dirty = true;
    return false;
  };

  // Declared before the handlers: an `admit` update delivered with the manager's start (update-
  // with-start, activities/admission.ts) runs its handler in the first activation, before the
  // code below the handlers has run; a `const` arrow function declared further down was still in
  // its temporal dead zone then (issue 16 item 7: ReferenceError, the update rejected, the first
  // submission delayed by the activity's 20 s retry).
  function next(): SlotsState['waiting'][number] | undefined {
    const i = s.waiting.findIndex((w) => w.priority === 'interactive');
    const at = i >= 0 ? i : 0;
    return s.waiting.splice(at, 1)[0];
  }

  setHandler(slotsQuery, () => s);
  setHandler(admitUpdate, (req) => {
    if (register(req)) return { granted: true };
    // Grants in order; the asker learns its own grant from this answer, the others by signal.
    return { granted: grantFree(req.workflowId) };
  });
  setHandler(acquireSlotSignal, (req) => {
    if (register(req)) void signalGrant(req.workflowId);
  });
  setHandler(releaseSlotSignal, ({ workflowId }) => {
    s.holders = s.holders.filter((h) => h !== workflowId);
    s.waiting = s.waiting.filter((w) => w.workflowId !== workflowId);
    if (s.tickets) delete s.tickets[workflowId];
    dirty = true;
  });

  async function signalGrant(workflowId: string): Promise<void> {
    try {
      await getExternalWorkflowHandle(workflowId).signal(slotGrantedSignal, s.tickets?.[workflowId]);
    } catch {
      // The asker is gone (terminated, or finished): its slot is free again.
      s.holders = s.holders.filter((h) => h !== workflowId);
      dirty = true;
    }
  }

  /** Grants free slots in order; signals every grantee but `answered`. True when `answered` got one. */
  function grantFree(answered?: string): boolean {
    let grantedAnswered = false;
    while (s.holders.length < s.maxInFlight && s.waiting.length > 0) {
      const w = next()!;
      s.holders.push(w.workflowId);
      if (w.ticket !== undefined) s.tickets = { ...s.tickets, [w.workflowId]: w.ticket };
      s.granted += 1;
      if (w.workflowId === answered) grantedAnswered = true;
      else void signalGrant(w.workflowId);
    }
    return grantedAnswered;
  }

  // Armed only while someone holds or waits for a slot: an idle manager starts no timers.
  const armReconcile = () => {
    if (reconcileArmed || s.holders.length + s.waiting.length === 0) return;
    reconcileArmed = true;
    void sleep(`${s.reconcileSeconds ?? DEFAULT_RECONCILE_SECONDS}s`).then(() => {
      reconcileArmed = false;
      reconcileDue = true;
    });
  };
  while (!workflowInfo().continueAsNewSuggested && workflowInfo().historyLength < 4000) {
    await condition(() => dirty || reconcileDue);
    dirty = false;
    if (reconcileDue) {
      reconcileDue = false;
      if (s.holders.length + s.waiting.length > 0) {
        const closed = await slotManagerActivities.closedWorkflows([...s.holders, ...s.waiting.map((w) => w.workflowId)]);
        s.holders = s.holders.filter((h) => !closed.includes(h));
        s.waiting = s.waiting.filter((w) => !closed.includes(w.workflowId));
      }
    }
    grantFree();
    armReconcile();
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof viduSlots>(s);
}
