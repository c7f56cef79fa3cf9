import type { ViduClient } from '../vidu/client';

// Vidu documents no dedupe rule for client_request_id (docs/vidu-api.md §11), so after a submission whose
// answer was lost, vidu-flow looks the task up in Vidu's task list before sending again.
//
// What is matched, in order:
//  1. a task whose client_request_id equals ours (the simulator and, per the img2video schema,
//     the real service echo it);
//  2. when the list carries no client_request_id at all, or when ours may not have been sent
//     (the endpoint refuses it, see ClientRequestIdPolicy in idempotency.ts): among the tasks
//     without a client_request_id, those created since the first attempt was scheduled (minus
//     5 min of clock skew) whose model, prompt, duration and resolution all equal the request's.
//     One such task is taken as ours; several fail the submission as SubmissionAmbiguous rather
//     than risk paying twice. A task carrying another client_request_id is never ours: vidu-flow
//     sends its own id or none.

export interface LookupRequest {
  clientRequestId: string;
  /**
   * True when the submission looked for may have gone without client_request_id. Then tasks
   * without one are matched by their fields even if Vidu's list shows other tasks' ids.
   */
  idMayBeMissing?: boolean;
  request: Record<string, unknown>;
  sinceMs: number;
}

export type LookupResult =
  | { found: true; taskId: string; state: string; credits: number; matchedBy: 'client_request_id' | 'request-fields' }
  | { found: false }
  | { found: false; ambiguous: string[] }
  /** The list was longer than we read: "not found" would not be trustworthy. */
  | { found: false; incomplete: true; scanned: number };

const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_PAGES = 10;

type ListedTask = Record<string, unknown> & { id: string };

export async function findSubmittedTask(vidu: ViduClient, lookup: LookupRequest): Promise<LookupResult> {
  const from = new Date(lookup.sinceMs - CLOCK_SKEW_MS).toISOString();
  const tasks: ListedTask[] = [];
  let pageToken: string | undefined;
  let more = false;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const res = await vidu.listTasks({
      'created_at.from': from,
      'paper.pagesz': 100,
      'paper.page': page,
      ...(pageToken ? { 'pager.page_token': pageToken } : {}),
    });
    tasks.push(...(res.tasks as ListedTask[]));
    pageToken = res.next_page_token || undefined;
    more = pageToken !== undefined && res.tasks.length > 0;
    if (!more) break;
  }

  const byKey = tasks.find((t) => t.client_request_id === lookup.clientRequestId);
  if (byKey) return found(byKey, 'client_request_id');
  if (more) return { found: false, incomplete: true, scanned: tasks.length };
  const withoutId = tasks.filter((t) => typeof t.client_request_id !== 'string' || t.client_request_id === '');
  // Our id was sent and Vidu's list carries ids: a task we created would carry ours.
  if (!lookup.idMayBeMissing && withoutId.length < tasks.length) return { found: false };

  const fields = ['model', 'prompt', 'duration', 'resolution'] as const;
  const candidates = withoutId.filter((t) =>
    fields.every((f) => lookup.request[f] === undefined || String(t[f] ?? '') === String(lookup.request[f])),
  );
  if (candidates.length === 1) return found(candidates[0] as ListedTask, 'request-fields');
  if (candidates.length > 1) return { found: false, ambiguous: candidates.map((t) => t.id) };
  return { found: false };
}

function found(t: ListedTask, matchedBy: 'client_request_id' | 'request-fields'): LookupResult {
  return {
    found: true,
    taskId: t.id,
    state: typeof t.state === 'string' ? t.state : 'created',
    credits: typeof t.credits === 'number' ? t.credits : 0,
    matchedBy,
  };
}
