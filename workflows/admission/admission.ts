import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
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
import { bookGrant, forgetHolder, nextFair, noteTerms, OPERATOR_CALLER, pruneCallers } from '../../core/fair-share';
import { slotManagerActivities } from '../common/activity-proxies';

// Account-wide admission control. Vidu runs ~5 tasks at once per organisation and queues the rest
// in its own first-come order, with credits committed (docs/vidu-api.md §11); vidu-flow keeps the
// order instead. One `viduSlots` workflow per API key holds at most `maxInFlight` slots; a
// generation asks for one before it submits and gives it back when its task ends. Interactive
// requests overtake waiting batch requests; within a priority, free slots go round-robin (weighted)
// to the callers with work waiting, skipping a caller at its own cap (issue 19 §4,
// core/fair-share.ts); a caller's own requests go in the order they came.
//
// Cost: a request is one `admit` update, answered at once when a slot is free, so the asking
// generation needs no grant signal; only requests that queue get one. The reconcile timer runs
// once per period, not once per loop turn, so a busy manager does not start and cancel a timer
// for every request.

/**
 * The fair-share order (issue 19 §4) changes which grant signal is sent when, so it is behind
 * this patch (workflows/versioning.ts: viduSlots auto-upgrades): a history recorded before it
 * replays first come first served within a priority, as it ran.
 */
export const FAIR_SHARE_PATCH = 'fair-share-callers';

export async function viduSlots(state?: SlotsState): Promise<void> {
  const s: SlotsState = state ?? { maxInFlight: 5, holders: [], waiting: [], granted: 0, tickets: {} };
  let dirty = true;
  let reconcileDue = false;
  let reconcileArmed = false;

  /** Records the request; true when the asker holds a slot now (or already did). */
  const register = (req: SlotRequest): boolean => {
    s.maxInFlight = Math.max(1, Math.floor(req.maxInFlight));
    if (req.reconcileSeconds) s.reconcileSeconds = req.reconcileSeconds;
    const caller = req.caller ?? OPERATOR_CALLER;
    if (
      req.caller !== undefined ||
      req.callerMaxInFlight !== undefined ||
      req.weight !== undefined ||
      s.callers?.[caller]
    ) {
      noteTerms(s, caller, {
        ...(req.callerMaxInFlight !== undefined ? { maxInFlight: req.callerMaxInFlight } : {}),
        ...(req.weight !== undefined ? { weight: req.weight } : {}),
      });
    }
    // A repeated request (an activity retry) must not take a second slot or a second place.
    if (s.holders.includes(req.workflowId)) return true;
    if (!s.waiting.some((w) => w.workflowId === req.workflowId)) {
      s.waiting.push({
        workflowId: req.workflowId,
        priority: req.priority,
        ...(req.ticket !== undefined ? { ticket: req.ticket } : {}),
        ...(req.caller !== undefined ? { caller: req.caller } : {}),
      });
    }
    dirty = true;
    return false;
  };

  // Declared before the handlers: an `admit` update delivered with the manager's start (update-
  // with-start, activities/admission.ts) runs its handler in the first activation, before the
  // code below the handlers has run; a `const` arrow function declared further down was still in
  // its temporal dead zone then (issue 16 item 7: ReferenceError, the update rejected, the first
  // submission delayed by the activity's 20 s retry).
  // Undefined: nothing waits, or everything waiting belongs to callers at their own cap.
  function next(): SlotsState['waiting'][number] | undefined {
    if (patched(FAIR_SHARE_PATCH)) {
      const fair = nextFair(s);
      return fair === undefined ? undefined : s.waiting.splice(fair, 1)[0];
    }
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
    forgetHolder(s, workflowId);
    dirty = true;
  });

  async function signalGrant(workflowId: string): Promise<void> {
    try {
      await getExternalWorkflowHandle(workflowId).signal(slotGrantedSignal, s.tickets?.[workflowId]);
    } catch {
      // The asker is gone (terminated, or finished): its slot is free again.
      s.holders = s.holders.filter((h) => h !== workflowId);
      forgetHolder(s, workflowId);
      dirty = true;
    }
  }

  /** Grants free slots in order; signals every grantee but `answered`. True when `answered` got one. */
  function grantFree(answered?: string): boolean {
    let grantedAnswered = false;
    while (s.holders.length < s.maxInFlight && s.waiting.length > 0) {
      const w = next();
      if (!w) break;
      s.holders.push(w.workflowId);
      if (w.ticket !== undefined) s.tickets = { ...s.tickets, [w.workflowId]: w.ticket };
      s.granted += 1;
      bookGrant(s, w);
      if (w.workflowId === answered) grantedAnswered = true;
      else void signalGrant(w.workflowId);
    }
    pruneCallers(s);
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
        const closed = await slotManagerActivities.closedWorkflows([
          ...s.holders,
          ...s.waiting.map((w) => w.workflowId),
        ]);
        s.holders = s.holders.filter((h) => !closed.includes(h));
        s.waiting = s.waiting.filter((w) => !closed.includes(w.workflowId));
        for (const id of closed) forgetHolder(s, id);
      }
    }
    grantFree();
    armReconcile();
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof viduSlots>(s);
}
