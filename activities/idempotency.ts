import { createHash } from 'node:crypto';
import { ViduApiError } from '../vidu/errors';

/**
 * The `client_request_id` sent with a submission. Derived from the workflow id (not the run id),
 * so it survives activity retries, worker crashes and continue-as-new; `step` tells apart the
 * several paid calls one workflow makes (AD-film edits, compose).
 */
export function clientRequestIdFor(workflowId: string, step = 'submit'): string {
  const digest = createHash('sha256').update(`${workflowId}\u0000${step}`).digest('hex');
  return `vf-${digest.slice(0, 40)}`;
}

/**
 * The callback URL for one workflow: routing travels in the query string, which Vidu signs. A
 * contract between versions (issue 18, README "Upgrading"): Vidu calls back a URL an older
 * version registered days ago, and today's receiver must route and verify it; change it only by
 * addition.
 */
export function callbackUrlFor(base: string, workflowId: string): string {
  const url = new URL(base);
  // The base's own query is kept byte for byte (URLSearchParams would re-serialize it: `a%20b`
  // becomes `a+b`, `x/y` becomes `x%2Fy`, `flag` becomes `flag=`); only an old workflowId goes.
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && paramName(pair) !== 'workflowId');
  kept.push(`workflowId=${encodeURIComponent(workflowId)}`);
  url.search = `?${kept.join('&')}`;
  return url.toString();
}

function paramName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * Where `client_request_id` is sent.
 *
 * Vidu documents the field only for img2video (seed img2video.zh.txt sends it and the task object
 * echoes it; docs/vidu-api.md §1, §11, §12 item 7) and documents no dedupe rule for it anywhere. Its endpoints
 * refuse unknown fields with 400 FieldUnwanted (docs/vidu-api.md §9), and a 400 creates no task. So:
 *  - img2video: always sent (documented).
 *  - any other endpoint: the first submission this worker makes there carries it (a trial); if
 *    Vidu takes it, the endpoint is recorded as accepting it and every later submission carries it;
 *    if Vidu answers FieldUnwanted naming it, that submission is sent once more without it and the
 *    endpoint is recorded as refusing it, so later submissions there go without it at once.
 *  - a FieldUnwanted naming it on img2video is believed as well (Vidu's answer wins over the doc).
 * This is how "sent only where documented, or after Vidu accepted it once" is read: the trial is
 * the one request that can learn the answer, and it costs nothing when refused.
 *
 * The record is per worker process and kept in memory (a restart trials each endpoint once more).
 * Without the id, the task-list lookup that guards against paying twice matches a task by its
 * request fields instead (see task-lookup.ts).
 */
export type ClientRequestIdMode = 'with' | 'trial' | 'without';

/** Endpoints whose documentation shows client_request_id. */
const DOCUMENTED = new Set(['img2video']);

export class ClientRequestIdPolicy {
  private readonly known = new Map<string, 'accepted' | 'refused'>();

  /** How the next submission to `endpoint` treats client_request_id. */
  modeFor(endpoint: string): ClientRequestIdMode {
    const known = this.known.get(endpoint);
    if (known === 'refused') return 'without';
    if (known === 'accepted' || DOCUMENTED.has(endpoint)) return 'with';
    return 'trial';
  }

  accepted(endpoint: string): void {
    if (this.known.get(endpoint) !== 'refused') this.known.set(endpoint, 'accepted');
  }

  refused(endpoint: string): void {
    this.known.set(endpoint, 'refused');
  }
}

/** True for Vidu's 400 FieldUnwanted whose message names client_request_id. */
export function refusesClientRequestId(err: unknown): boolean {
  return err instanceof ViduApiError && err.reason === 'FieldUnwanted' && err.viduMessage.includes('client_request_id');
}
