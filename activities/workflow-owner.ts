import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ownershipOf, type OwnerLookup, type WorkflowOwnership } from '../platform/temporal/workflow-owner';

// The owner of the workflow an activity runs for, through the activity's own client; the rule
// itself (search attribute, else parent, else operator) is platform/temporal/workflow-owner.ts.

export { ownershipOf, type OwnerLookup, type WorkflowOwnership };

/** The ownership of the workflow that runs the current activity (local activities included). */
export async function currentOwnership(): Promise<WorkflowOwnership> {
  const ctx = Context.current();
  const exec = ctx.info.workflowExecution;
  if (!exec) throw new Error('the owner of an activity is its workflow; this activity has none');
  const found = await ownershipOf(ctx.client, exec.workflowId, exec.runId);
  if (!found) throw new Error(`cannot describe the running workflow ${exec.workflowId}`);
  return found;
}

/** An OwnerLookup through the current activity's client. */
export function ownerLookup(client?: Client): OwnerLookup {
  return async (workflowId) => (await ownershipOf(client ?? Context.current().client, workflowId))?.owner;
}
