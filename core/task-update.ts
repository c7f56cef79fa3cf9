// The `taskUpdate` signal's payload: a small wake-up about one Vidu task. Declared once here and
// used by the callback receiver (which builds it from a verified callback), the poll activity and
// the workflows (which check it again: anyone who may signal a workflow can send one).
//
// It is never the truth. Vidu signs a callback's headers, not its body (docs/vidu-api.md §10), so a body can
// be forged under a captured header set: an update may show progress at once, but a terminal
// state is only a hint that the workflow confirms with Get Generation, and creation URLs, credits
// and err_code never travel in it at all.

export interface TaskUpdate {
  /** Vidu's task id; absent when the callback body carried none (then it means the workflow's current task). */
  taskId?: string;
  /** Vidu's state string as sent; one this contract does not know is counted and read as not finished. */
  state: string;
  /** 0–100. */
  progress: number;
  /** The callback's signed `x-request-nonce`; absent on updates from the worker's own poll. */
  nonce?: string;
}

/** Vidu's task ids are 18-digit decimals; allow a little more, but nothing that could become a path. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** State names are short lower-case words; anything else is junk, not an unknown state. */
export const STATE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** Printable ASCII without spaces; Vidu sends a UUID. */
export const NONCE_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Returns the update when every field keeps its rule, else undefined (the caller counts it as ignored). */
export function parseTaskUpdate(raw: unknown): TaskUpdate | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.state !== 'string' || !STATE_PATTERN.test(r.state)) return undefined;
  if (typeof r.progress !== 'number' || !Number.isFinite(r.progress) || r.progress < 0 || r.progress > 100)
    return undefined;
  if (r.taskId !== undefined && (typeof r.taskId !== 'string' || !TASK_ID_PATTERN.test(r.taskId))) return undefined;
  if (r.nonce !== undefined && (typeof r.nonce !== 'string' || !NONCE_PATTERN.test(r.nonce))) return undefined;
  return {
    state: r.state,
    progress: r.progress,
    ...(r.taskId !== undefined ? { taskId: r.taskId as string } : {}),
    ...(r.nonce !== undefined ? { nonce: r.nonce as string } : {}),
  };
}
