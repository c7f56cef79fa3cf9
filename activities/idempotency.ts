import { createHash } from 'node:crypto';

/**
 * The `client_request_id` sent with a submission. Derived from the workflow id (not the run id),
 * so it survives activity retries, worker crashes and continue-as-new; `step` tells apart the
 * several paid calls one workflow makes (AD-film edits, compose).
 */
export function clientRequestIdFor(workflowId: string, step = 'submit'): string {
  const digest = createHash('sha256').update(`${workflowId}\u0000${step}`).digest('hex');
  return `vf-${digest.slice(0, 40)}`;
}

/** The callback URL for one workflow: routing travels in the query string, which Vidu signs. */
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
