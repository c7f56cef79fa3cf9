import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { workflowIdProblem, type WorkflowIdRule } from '../contract/workflow-id';
import { FailureType } from '../core/failure-types';

// A paid workflow refuses an id it cannot keep, in its first step, before admission and submission
// (issue 22 item 1): the archive, the receiver and the API refuse such ids later, when the task has
// been paid for. Whatever started it — the client, the API, or any Temporal SDK by name.
//
// The rule depends on who started it (contract/workflow-id.ts): one of our own children (a parent
// is set) may carry a derived id with `~`; a run started by a Schedule carries Temporal's
// `<scheduleId>-<time>` (the derived rule's length); anything else was named by a caller, so the
// caller rule applies: no `~`, so a raw SDK start cannot make a workflow of ours run under the id
// of another workflow's child (it fails here, before any Vidu request, and the id is free again).

/** Set by Temporal on every run a Schedule starts. */
const TemporalScheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/** Which id rule this execution's own id must meet. */
export function ownIdRule(): WorkflowIdRule {
  const info = workflowInfo();
  if (info.parent) return 'derived';
  return info.typedSearchAttributes.get(TemporalScheduledById) ? 'derived' : 'caller';
}

/** Throws a non-retryable InvalidRequest when this execution's id breaks its rule; nothing has run yet. */
export function refuseUnkeepableId(): void {
  const { workflowId } = workflowInfo();
  const problem = workflowIdProblem(workflowId, ownIdRule());
  if (!problem) return;
  const issue = `workflowId: ${problem}`;
  throw ApplicationFailure.create({
    type: FailureType.InvalidRequest,
    message: `${issue}; refused before anything was sent to Vidu (its result could not be archived or reported)`,
    nonRetryable: true,
    details: [{ issues: [issue] }],
  });
}
