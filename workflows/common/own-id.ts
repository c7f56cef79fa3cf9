import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { workflowIdProblem, type WorkflowIdRule } from '../../contract/workflow-id';
import { FailureType } from '../../core/failure-types';
import { issueDetails } from '../../core/issues';

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

/**
 * Throws a non-retryable InvalidRequest, before anything has run, when this execution could be
 * paid for and then lost whoever started it (issue 22 item 1):
 * - its id breaks its rule (the archive and the receiver would refuse it after Vidu charged);
 * - a Temporal workflow execution or run timeout is set: the server ends the workflow when it
 *   passes, with no chance to cancel the task at Vidu or archive what Vidu charged for (an
 *   off-peak task may take 48 h). `options.timeoutSeconds` is the budget the workflow honours;
 * - `input` has a top-level field other than `fields` (given by the workflow types whose input is
 *   a published schema): the schema refuses it, so a start that carries one was meant for
 *   something else, and would otherwise be paid for with the field silently ignored.
 */
export function refuseUnkeepableStart(input?: { value: unknown; fields: readonly string[] }): void {
  const { workflowId, executionTimeoutMs, runTimeoutMs } = workflowInfo();
  const issues: string[] = [];
  const idProblem = workflowIdProblem(workflowId, ownIdRule());
  if (idProblem) issues.push(`workflowId: ${idProblem}`);
  if (executionTimeoutMs)
    issues.push(
      `workflowExecutionTimeout: must be unset (it ends the workflow while Vidu may still hold a paid task, which then is neither cancelled nor archived); give options.timeoutSeconds instead`,
    );
  if (runTimeoutMs)
    issues.push(
      `workflowRunTimeout: must be unset (it ends the workflow while Vidu may still hold a paid task, which then is neither cancelled nor archived); give options.timeoutSeconds instead`,
    );
  if (input) {
    const v = input.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      issues.push(`input: must be an object with ${input.fields.join(', ')}`);
    else
      for (const key of Object.keys(v))
        if (!input.fields.includes(key))
          issues.push(`${key}: unknown field; the input has only ${input.fields.join(', ')}`);
  }
  if (issues.length === 0) return;
  throw ApplicationFailure.create({
    type: FailureType.InvalidRequest,
    message: `${issues.join('; ')}; refused before anything was sent to Vidu (its result could not be kept)`,
    nonRetryable: true,
    details: [issueDetails(issues, 'input')],
  });
}
