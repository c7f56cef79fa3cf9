import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { GenerationActivities } from '../activities';
import type { Priority } from './types';

// Account-wide admission control. Vidu runs ~5 tasks at once per organisation and queues the rest
// in its own first-come order, with credits committed (FACTS §11); vidu-flow keeps the order
// instead. One `viduSlots` workflow per API key holds at most `maxInFlight` slots; a generation
// asks for one before it submits and gives it back when its task ends. Interactive requests
// overtake waiting batch requests; within a priority, first come first served.

export interface SlotRequest {
  workflowId: string;
  priority: Priority;
  /** Which request of this workflow this is (a workflow may take a slot, give it back, and ask again). */
  ticket?: number;
  /** The cap the asking worker is configured with (VIDU_MAX_IN_FLIGHT); the latest one wins. */
  maxInFlight: number;
  /** How often slots of closed (e.g. terminated) workflows are looked for; the latest one wins. */
  reconcileSeconds?: number;
}

export interface SlotsState {
  maxInFlight: number;
  reconcileSeconds?: number;
  holders: string[];
  waiting: Array<{ workflowId: string; priority: Priority; ticket?: number }>;
  /** The ticket each holder was granted under, echoed in its grant. */
  tickets?: Record<string, number>;
  granted: number;
}

export const acquireSlotSignal = defineSignal<[SlotRequest]>('acquireSlot');
/** Gives a slot back, or withdraws a request still waiting. Idempotent. */
export const releaseSlotSignal = defineSignal<[{ workflowId: string }]>('releaseSlot');
/** Sent by the manager to the workflow that may now submit; carries the request's ticket. */
export const slotGrantedSignal = defineSignal<[number?]>('slotGranted');
export const slotsQuery = defineQuery<SlotsState>('slots');

/** Holders whose workflow has closed (e.g. terminated) are found and freed this often, by default. */
export const DEFAULT_RECONCILE_SECONDS = 60;

const { closedWorkflows } = proxyActivities<GenerationActivities>({ startToCloseTimeout: '1m', retry: { maximumInterval: '1m' } });

export async function viduSlots(state?: SlotsState): Promise<void> {
  const s: SlotsState = state ?? { maxInFlight: 5, holders: [], waiting: [], granted: 0, tickets: {} };
  let dirty = true;

  setHandler(slotsQuery, () => s);
  setHandler(acquireSlotSignal, (req) => {
    s.maxInFlight = Math.max(1, Math.floor(req.maxInFlight));
    if (req.reconcileSeconds) s.reconcileSeconds = req.reconcileSeconds;
    // A repeated request (an activity retry) must not take a second slot or a second place.
    if (s.holders.includes(req.workflowId)) {
      void grant(req.workflowId);
      return;
    }
    if (!s.waiting.some((w) => w.workflowId === req.workflowId)) {
      s.waiting.push({ workflowId: req.workflowId, priority: req.priority, ...(req.ticket !== undefined ? { ticket: req.ticket } : {}) });
    }
    dirty = true;
  });
  setHandler(releaseSlotSignal, ({ workflowId }) => {
    s.holders = s.holders.filter((h) => h !== workflowId);
    s.waiting = s.waiting.filter((w) => w.workflowId !== workflowId);
    if (s.tickets) delete s.tickets[workflowId];
    dirty = true;
  });

  async function grant(workflowId: string): Promise<void> {
    try {
      await getExternalWorkflowHandle(workflowId).signal(slotGrantedSignal, s.tickets?.[workflowId]);
    } catch {
      // The asker is gone (terminated, or finished): its slot is free again.
      s.holders = s.holders.filter((h) => h !== workflowId);
      dirty = true;
    }
  }

  const next = (): SlotsState['waiting'][number] | undefined => {
    const i = s.waiting.findIndex((w) => w.priority === 'interactive');
    const at = i >= 0 ? i : 0;
    return s.waiting.splice(at, 1)[0];
  };

  let lastReconcile = Date.now();
  while (!workflowInfo().continueAsNewSuggested && workflowInfo().historyLength < 4000) {
    const every = s.reconcileSeconds ?? DEFAULT_RECONCILE_SECONDS;
    await condition(() => dirty, `${every}s`);
    dirty = false;
    // Workflow time: deterministic. A busy manager still reconciles on schedule.
    if (Date.now() - lastReconcile >= every * 1000 && s.holders.length + s.waiting.length > 0) {
      lastReconcile = Date.now();
      const closed = await closedWorkflows([...s.holders, ...s.waiting.map((w) => w.workflowId)]);
      s.holders = s.holders.filter((h) => !closed.includes(h));
      s.waiting = s.waiting.filter((w) => !closed.includes(w.workflowId));
    }
    while (s.holders.length < s.maxInFlight && s.waiting.length > 0) {
      const w = next()!;
      s.holders.push(w.workflowId);
      if (w.ticket !== undefined) s.tickets = { ...s.tickets, [w.workflowId]: w.ticket };
      s.granted += 1;
      void grant(w.workflowId);
    }
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof viduSlots>(s);
}
