import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { log } from '@temporalio/workflow';
import { derivedWorkflowId } from '../../contract/workflow-id';

// Children vidu-flow starts under ids it derives from the parent's (`<parent>~<suffix>`,
// contract/workflow-id.ts). No caller can start such an id through vidu-flow, but anyone with
// Temporal access can; a replay never starts a child twice, so an id found taken is someone
// else's workflow. The child then starts under `<parent>~<suffix>-2`, `-3`…, with a warning naming
// the id, never dropped (issue 16 item 2). Deterministic: workflow code only.

/** How many ids (`<parent>~<suffix>`, `-2`… `-5`) a child tries before its parent gives up on it. */
export const CHILD_ID_ATTEMPTS = 5;

/**
 * Starts a child with `start(workflowId)` under the first derived id not taken; `what` names it
 * in the warning. Returns the child and its id, or every id found taken.
 */
export async function startDerivedChild<H>(
  parentId: string,
  suffix: string,
  what: string,
  start: (workflowId: string) => Promise<H>,
): Promise<{ id: string; child: H } | { taken: string[] }> {
  const taken: string[] = [];
  for (let attempt = 1; attempt <= CHILD_ID_ATTEMPTS; attempt += 1) {
    const id = derivedWorkflowId(parentId, suffix, attempt);
    try {
      return { id, child: await start(id) };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      taken.push(id);
      log.warn(`${what} child id taken by a workflow its parent did not start; trying a fresh id`, {
        workflowId: id,
        next: derivedWorkflowId(parentId, suffix, attempt + 1),
      });
    }
  }
  return { taken };
}
