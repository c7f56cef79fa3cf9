import type { CreationRef, TaskSnapshot, TaskStateName } from './generation-types';

// Callbacks can arrive late, twice or out of order, and polls race them. Every update goes
// through `mergeSnapshot`, which only ever moves a task forward, so the order of arrival
// cannot matter. Snapshots with a terminal state, credits or creations come only from Vidu's own
// answers (submit, Get Generation, the poll); callbacks are wake-ups (see task-update.ts).

const STATE_RANK: Record<TaskStateName, number> = {
  created: 0,
  queueing: 1,
  scheduled: 2,
  processing: 3,
  success: 4,
  failed: 4,
};

export function isTerminal(state: TaskStateName | undefined): state is 'success' | 'failed' {
  return state === 'success' || state === 'failed';
}

export function isStateName(value: unknown): value is TaskStateName {
  // Own keys only: `in` would also accept inherited names such as 'toString' or 'constructor'.
  return typeof value === 'string' && Object.hasOwn(STATE_RANK, value);
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function asNumber(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

function creationsOf(value: unknown): CreationRef[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c): CreationRef[] => {
    if (typeof c !== 'object' || c === null) return [];
    const r = c as Record<string, unknown>;
    const id = asString(r.id);
    const url = asString(r.url);
    if (!id || !url) return [];
    // Vidu sends watermarked_url empty when no watermark was asked for: then the field is left out.
    const watermarkedUrl = asString(r.watermarkedUrl ?? r.watermarked_url);
    return [{ id, url, coverUrl: asString(r.coverUrl ?? r.cover_url), ...(watermarkedUrl ? { watermarkedUrl } : {}) }];
  });
}

/**
 * Reads either a TaskSnapshot or Vidu's own Get Generation / callback body (which services in other
 * languages may signal directly). Returns undefined for anything without a known state.
 */
export function toSnapshot(
  body: unknown,
  source: TaskSnapshot['source'],
  fallbackTaskId?: string,
): TaskSnapshot | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  // docs/vidu-api.md §12.11: the docs call the callback field "status" while the body shape uses "state".
  const state = b.state ?? b.status;
  if (!isStateName(state)) return undefined;
  const taskId = asString(b.taskId ?? b.id ?? b.task_id) || fallbackTaskId || '';
  return {
    taskId,
    state,
    progress: Math.max(0, Math.min(100, asNumber(b.progress, state === 'success' ? 100 : 0))),
    errCode: asString(b.errCode ?? b.err_code),
    credits: asNumber(b.credits, 0),
    creations: creationsOf(b.creations),
    source,
  };
}

/** Vidu answered a state this contract does not know: read as not finished, counted, shown in status. */
export interface UnknownStateReading {
  taskId: string;
  unknownState: string;
  source: TaskSnapshot['source'];
}

/** What one answer of Vidu says about a task: a snapshot, or a state nobody told us about. */
export type TaskReading = TaskSnapshot | UnknownStateReading;

export function isUnknownStateReading(r: TaskReading): r is UnknownStateReading {
  return 'unknownState' in r;
}

/**
 * Like `toSnapshot`, but a state string this contract does not know is reported rather than
 * dropped, so a new state on Vidu's side means "keep waiting" and never a failure. Undefined only
 * for a body without any state string.
 */
export function readTask(
  body: unknown,
  source: TaskSnapshot['source'],
  fallbackTaskId?: string,
): TaskReading | undefined {
  const snapshot = toSnapshot(body, source, fallbackTaskId);
  if (snapshot) return snapshot;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const state = b.state ?? b.status;
  if (typeof state !== 'string' || state === '') return undefined;
  // Cut short and tamed: it ends up in the status query and in signals (STATE_PATTERN).
  const unknownState = state.slice(0, 32).replace(/[^A-Za-z0-9_-]/g, '_');
  return { taskId: asString(b.taskId ?? b.id ?? b.task_id) || fallbackTaskId || '', unknownState, source };
}

/**
 * Returns the snapshot to keep: `next` when it moves the task forward (a later state, or more
 * progress in the same state), else `current`. A terminal state is final. Updates for another
 * task id are ignored.
 */
export function mergeSnapshot(current: TaskSnapshot | undefined, next: TaskSnapshot): TaskSnapshot {
  if (!current) return next;
  if (next.taskId && current.taskId && next.taskId !== current.taskId) return current;
  if (isTerminal(current.state)) {
    // A terminal snapshot without creations (e.g. a thin callback) may be completed by a later one.
    if (current.state === next.state && current.creations.length === 0 && next.creations.length > 0) {
      return { ...next, taskId: current.taskId || next.taskId };
    }
    return current;
  }
  const rankDelta = STATE_RANK[next.state] - STATE_RANK[current.state];
  if (rankDelta > 0 || (rankDelta === 0 && next.progress > current.progress)) {
    return { ...next, taskId: next.taskId || current.taskId };
  }
  return current;
}

/**
 * What a task cost, in one documented meaning used by status, result, failure details, the
 * ViduCredits search attribute and the credits metric: `charged` = credits charged net of refunds;
 * `refunded` = credits Vidu gave back (0 when none).
 *
 * `seenMax` is the most Vidu ever reported for the task (the submit answer carries the price).
 * Vidu refunds off-peak tasks it cancels itself (docs/vidu-api.md §11); when and how it shows a
 * refund is undocumented (§13). So: a finished task whose credits dropped below what Vidu reported
 * before was refunded the difference (the simulator reports 0 after a refund); until then the
 * most reported counts (the price the submit answer quoted); a failed task that
 * `refundedByRule` says was refunded (an off-peak expiry) was refunded in full, whatever its last
 * answer still says.
 */
export function taskCredits(
  last: Pick<TaskSnapshot, 'state' | 'credits'> | undefined,
  seenMax: number,
  refundedByRule = false,
): { charged: number; refunded: number } {
  const reported = Math.max(0, last?.credits ?? 0);
  const before = Math.max(seenMax, reported);
  if (last?.state === 'failed' && refundedByRule) return { charged: 0, refunded: before };
  if (!isTerminal(last?.state)) return { charged: before, refunded: 0 };
  return { charged: reported, refunded: before - reported };
}
