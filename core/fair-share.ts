import type { Priority as TaskQueuePriority } from '@temporalio/common';
import type { SlotsState } from './admission-messages';
import type { Priority } from './generation-types';

// Fair share across callers (issue 19 §4). Two mechanisms, one order:
// - Vidu slots (workflows/admission/admission.ts): within a priority class, a free slot goes to the
//   caller with work waiting that is furthest behind its weighted share (stride scheduling: each
//   grant moves the caller's pass on by 1/weight; the lowest pass goes next), never to a caller at
//   its own cap. A caller that was idle starts at the current clock, so it neither owes nor is owed
//   for the time it asked nothing.
// - Temporal's task-queue Priority and Fairness (`priorityKey`, `fairnessKey`, `fairnessWeight` on
//   every start, taskQueuePriority below): the order in which a worker's backlog of workflow and
//   activity tasks is dispatched, so a caller's 10,000-line batch does not delay another caller's
//   workflow tasks either.
// The caller is an owner (contract/staged-ref.ts): `key-<API key id>` for work an API key started
// (its ViduCaller search attribute, or its parent's), `operator` for everything else. The owner
// form rather than the bare id: a key may be named `operator`, its owner never is.
// Plain TypeScript, no Node APIs: the slot manager (workflow code) runs it.

/** The caller of work without one (client library, CLI, other SDKs, requests from before callers). */
export const OPERATOR_CALLER = 'operator';

/** Temporal's priorityKey per class: smaller runs sooner (the server's default range is 1–5, default 3). */
export const PRIORITY_KEYS: Readonly<Record<Priority, number>> = { interactive: 1, batch: 3 };
/**
 * The slot manager's own workflow tasks: before any backlog, since every generation waits on its
 * answers (an admit update queued behind a batch's backlog would hold the slot it frees idle).
 */
export const SLOT_MANAGER_PRIORITY_KEY = 1;

/** Temporal clamps weights to this range (@temporalio/common Priority.fairnessWeight); so does the slot manager. */
export const MIN_WEIGHT = 0.001;
export const MAX_WEIGHT = 1000;

/** A caller's terms: its own cap on slots held at once and its weight in the round robin (default 1). */
export interface CallerTerms {
  maxInFlight?: number;
  weight?: number;
}

/** The task-queue priority of a start (or child start) of `priority` class work for `caller`. */
export function taskQueuePriority(
  priority: Priority,
  caller: string = OPERATOR_CALLER,
  weight?: number,
): TaskQueuePriority {
  return {
    priorityKey: PRIORITY_KEYS[priority],
    fairnessKey: caller,
    ...(weight !== undefined && weight !== 1 ? { fairnessWeight: clampWeight(weight) } : {}),
  };
}

export function clampWeight(weight: number | undefined): number {
  if (weight === undefined || !Number.isFinite(weight)) return 1;
  return Math.min(MAX_WEIGHT, Math.max(MIN_WEIGHT, weight));
}

type Waiting = SlotsState['waiting'][number];

const callerOf = (w: { caller?: string }): string => w.caller ?? OPERATOR_CALLER;

/** Slots `caller` holds now (a holder recorded without a caller is the operator's: granted before callers). */
export function heldBy(s: SlotsState, caller: string): number {
  let n = 0;
  for (const h of s.holders) if ((s.holderCallers?.[h] ?? OPERATOR_CALLER) === caller) n += 1;
  return n;
}

/** Records a caller's latest terms (the latest request wins, like the manager's own cap). */
export function noteTerms(s: SlotsState, caller: string, terms: CallerTerms): void {
  const callers = (s.callers ??= {});
  const known = callers[caller] ?? { pass: 0 };
  const next = {
    pass: known.pass,
    ...(terms.maxInFlight !== undefined ? { maxInFlight: Math.max(1, Math.floor(terms.maxInFlight)) } : {}),
  };
  callers[caller] =
    terms.weight !== undefined && terms.weight !== 1 ? { ...next, weight: clampWeight(terms.weight) } : next;
}

/**
 * Index in `s.waiting` of the request the next free slot goes to, or undefined when every waiting
 * request's caller is at its cap. Interactive before batch; within a class the caller with the
 * lowest start tag (its pass, or the clock when it was idle), ties to the one that asked first;
 * within a caller, its requests in the order they came.
 */
export function nextFair(s: SlotsState): number | undefined {
  const clock = s.fairClock ?? 0;
  for (const cls of ['interactive', 'batch'] as const) {
    let best: { index: number; start: number } | undefined;
    const seen = new Set<string>();
    for (let i = 0; i < s.waiting.length; i += 1) {
      const w: Waiting = s.waiting[i]!;
      if (w.priority !== cls) continue;
      const caller = callerOf(w);
      if (seen.has(caller)) continue;
      seen.add(caller);
      const share = s.callers?.[caller];
      if (share?.maxInFlight !== undefined && heldBy(s, caller) >= share.maxInFlight) continue;
      const start = Math.max(share?.pass ?? 0, clock);
      if (!best || start < best.start) best = { index: i, start };
    }
    if (best) return best.index;
  }
  return undefined;
}

/** Books a grant to `w` (already moved from waiting to holders): the caller's pass and the clock move on. */
export function bookGrant(s: SlotsState, w: Waiting): void {
  const caller = callerOf(w);
  const callers = (s.callers ??= {});
  const share = callers[caller] ?? { pass: 0 };
  const start = Math.max(share.pass, s.fairClock ?? 0);
  s.fairClock = start;
  callers[caller] = { ...share, pass: start + 1 / clampWeight(share.weight) };
  if (caller !== OPERATOR_CALLER) s.holderCallers = { ...s.holderCallers, [w.workflowId]: caller };
}

/** Forgets what a released or reclaimed holder counted against. */
export function forgetHolder(s: SlotsState, workflowId: string): void {
  if (s.holderCallers && workflowId in s.holderCallers) {
    const { [workflowId]: _gone, ...rest } = s.holderCallers;
    s.holderCallers = rest;
  }
}

/**
 * Drops callers with nothing held or waiting whose pass the clock has reached (they would start at
 * the clock anyway), and every caller once nothing is held or waiting, so the state (carried across continue-as-new) does not grow with every key
 * that ever asked. Their terms come again with their next request.
 */
export function pruneCallers(s: SlotsState): void {
  if (!s.callers) return;
  const clock = s.fairClock ?? 0;
  const active = new Set<string>([
    ...s.waiting.map(callerOf),
    ...s.holders.map((h) => s.holderCallers?.[h] ?? OPERATOR_CALLER),
  ]);
  // Nothing held or waiting: no one is owed anything, so no one's pass matters.
  if (active.size === 0) {
    delete s.callers;
    return;
  }
  for (const [caller, share] of Object.entries(s.callers)) {
    if (!active.has(caller) && share.pass <= clock) delete s.callers[caller];
  }
}
