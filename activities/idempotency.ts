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
  url.searchParams.set('workflowId', workflowId);
  return url.toString();
}
