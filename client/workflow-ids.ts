import { createHash, randomUUID } from 'node:crypto';
import type { GenerationKind } from '../core/generation-types';

/**
 * The workflow id for a start. An idempotency key maps to the same id every time, so a second
 * start with the same key finds the first workflow instead of creating a second Vidu task.
 */
export function workflowIdFor(
  kind: GenerationKind | 'adFilm' | 'musicVideo' | 'batch',
  idempotencyKey?: string,
): string {
  if (!idempotencyKey) return `${kind}-${randomUUID()}`;
  // Keep readable keys readable; hash anything that would make an awkward id.
  // A key that itself looks like one of our 40-hex digests is hashed too, so that no readable key
  // can land on the id of a hashed one.
  if (/^[\w.:-]{1,120}$/.test(idempotencyKey) && !/^[0-9a-f]{40}$/.test(idempotencyKey))
    return `${kind}-key-${idempotencyKey}`;
  return `${kind}-key-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;
}

// The rule every workflow id must meet (path-safe: ids become archive folders); see contract/workflow-id.ts.
export {
  callerWorkflowIdProblem,
  WORKFLOW_ID_MAX,
  WORKFLOW_ID_RULE,
  workflowIdIssues,
  workflowIdProblem,
} from '../contract/workflow-id';
