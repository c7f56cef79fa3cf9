import type { Client } from '@temporalio/client';
import { ViduCaller } from '../../core/search-attributes';
import { OPERATOR_OWNER, ownerOfCaller } from '../../contract/staged-ref';

// Who owns a workflow, as the worker and the HTTP API see it (issue 16 item 3): its ViduCaller search attribute
// (set by the HTTP API at start, never upserted by workflow code), else its parent's owner (the
// children vidu-flow starts for a generation, an AD film or a batch line work for the same
// caller), else the operator. Read with DescribeWorkflowExecution, which answers from the
// workflow's own state (not the eventually consistent visibility store).

export interface WorkflowOwnership {
  /** `operator` or `key-<id>` (contract/staged-ref.ts). */
  owner: string;
  /**
   * Whether the request the workflow carries is the caller's own text: a workflow started from
   * outside (no parent) or a batch line. Children vidu-flow derives (upscale of a creation, AD film
   * edits) carry Vidu ids vidu-flow itself put there.
   */
  callerText: boolean;
}

/** Resolves the owner of a workflow id; `undefined` when there is no such workflow. */
export type OwnerLookup = (workflowId: string) => Promise<string | undefined>;

/** Parents are followed this far (generation → upscale, batch → line → upscale). */
const MAX_DEPTH = 4;

export async function ownershipOf(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<WorkflowOwnership | undefined> {
  let next: { workflowId: string; runId?: string } | undefined = { workflowId, ...(runId ? { runId } : {}) };
  let owner: string | undefined;
  let callerText = true;
  for (let depth = 0; next && depth < MAX_DEPTH; depth++) {
    let d;
    try {
      d = await client.workflow.getHandle(next.workflowId, next.runId).describe();
    } catch (err) {
      if (depth === 0 && (err as Error).name === 'WorkflowNotFoundError') return undefined;
      throw err;
    }
    // A child's request is the caller's own text only when its parent is a batch (one line each).
    if (depth === 1) callerText = d.type === 'batch';
    owner ??= callerOwner(d.typedSearchAttributes.get(ViduCaller));
    const parent: { workflowId?: string | null; runId?: string | null } | undefined = d.parentExecution;
    next = parent?.workflowId
      ? { workflowId: parent.workflowId, ...(parent.runId ? { runId: parent.runId } : {}) }
      : undefined;
    // Done once the owner is known and, for a child, its parent's type too.
    if (owner !== undefined && depth >= 1) break;
    if (owner !== undefined && !next) break;
  }
  return { owner: owner ?? OPERATOR_OWNER, callerText };
}

function callerOwner(caller: string | undefined): string | undefined {
  return caller ? ownerOfCaller(caller) : undefined;
}
