// ApplicationFailure `type` names, shared by activities and workflows (which throw them) and callers
// (which branch on them). The shape of each one's details[0] is declared once, as a zod schema, in
// contract/failure-details.ts (schemas/failures.schema.json for other languages); a compile-time
// check there keeps the two lists equal. Each one is non-retryable as an activity or workflow
// failure: a retry cannot change the outcome.
export const FailureType = {
  /** The request broke a documented Vidu limit; details: [{ issues: string[], problems: [{ field, rule, message }] }]. Nothing was sent to Vidu. */
  InvalidRequest: 'InvalidRequest',
  /** Vidu refused the request with a permanent error; details: [{ status, reason, message, traceId }]. */
  ViduRejected: 'ViduRejected',
  /** The Vidu task ended `failed`; details: [{ taskId, errCode, credits, creditsRefunded? }] (credits = charged, net of refunds). */
  ViduTaskFailed: 'ViduTaskFailed',
  /** The task did not finish within options.timeoutSeconds; it was cancelled at Vidu when allowed. */
  ViduTimeout: 'ViduTimeout',
  /** An off-peak task was still not finished at 48 h + grace; vidu-flow cancelled it. details: [{ taskId, state, cancellation }]. */
  OffPeakExpired: 'OffPeakExpired',
  /** Vidu itself cancelled an off-peak task it could not run in its window and refunded it. details: [{ taskId, errCode, refunded: true, credits: 0, creditsRefunded }]. */
  OffPeakRefunded: 'OffPeakRefunded',
  /** After an interrupted submission several Vidu tasks matched; resubmitting could pay twice. */
  SubmissionAmbiguous: 'SubmissionAmbiguous',
  /** The worker is not configured for what the input asks (e.g. waitMode callback without VIDU_CALLBACK_URL). */
  WorkerMisconfigured: 'WorkerMisconfigured',
  /** An AD-film edit kept failing at Vidu; details: [{ edit, subTaskIds, credits, errCode }] (names the storyboard), or [{ missing }]. */
  AdEditFailed: 'AdEditFailed',
  /** Review mode ended without approval (options.onReviewTimeout = fail); nothing was composed. */
  ReviewTimedOut: 'ReviewTimedOut',
  /**
   * The `requestEdits` update was refused because of the film's state: not in review mode, not
   * generated yet (wait for phase `reviewing`; a later try can succeed) or already approved.
   * details: [{ reason: 'not-review-mode' | 'not-generated' | 'approved', issues, problems }] (rule `state`).
   */
  NotReadyForReview: 'NotReadyForReview',
  /**
   * The `requestEdits` update was refused because of the edits themselves: an unknown storyboard
   * (rule `not-found`), type or an empty or over-long text. details: [{ issues, problems }]. Nothing entered history.
   */
  InvalidEdits: 'InvalidEdits',
  /**
   * The generation's estimate does not fit a budget of VIDU_FLOW_BUDGETS_FILE (options.onBudgetExceeded
   * `fail`, the interactive default); nothing was sent to Vidu. details: [{ budget, period, periodKey,
   * limitCredits, reserved, charged, requested, periodEndsAt }].
   */
  BudgetExceeded: 'BudgetExceeded',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

export const NON_RETRYABLE_FAILURES: readonly string[] = Object.values(FailureType);

/**
 * ApplicationFailure types an activity throws for Temporal to retry: a later attempt can change the
 * outcome. They never close a workflow (the activity's retries outlast them, or the workflow turns
 * the last one into a FailureType above), so they have no details schema.
 */
export const RetryableFailureType = {
  /** poll: the task is still running; the retry is the next poll (nextRetryDelay, category BENIGN). */
  TaskNotFinished: 'TaskNotFinished',
  /** poll: Get Generation failed in a way a later poll may not. */
  PollFailed: 'PollFailed',
  /** A Vidu answer that a retry may change: 429, 5xx (activities/failures.ts). */
  ViduUnavailable: 'ViduUnavailable',
  /** No answer from Vidu at all (network, timeout). */
  ViduUnreachable: 'ViduUnreachable',
  /** submit: the create call's outcome is unknown and the task list does not show it yet; look again before any resend. */
  SubmissionUnconfirmed: 'SubmissionUnconfirmed',
  /** submit: Vidu refused the client_request_id of a resend; the next attempt looks the task up. */
  ClientRequestIdRefused: 'ClientRequestIdRefused',
  /** awaitBatchChild: the line's child still runs; checked again later. */
  BatchChildRunning: 'BatchChildRunning',
} as const;

/**
 * Non-retryable ApplicationFailure types that stay between vidu-flow's own activities and
 * workflows: the workflow that receives one acts on it, so none closes a workflow.
 */
export const InternalFailureType = {
  /** readBatchLines: the batch file changed while the batch ran (core/batch-types.ts BatchSourceStamp). */
  BatchSourceChanged: 'BatchSourceChanged',
  /** awaitBatchChild: the workflow under a line's child id is not that line's child; the batch starts the line under a fresh id. */
  BatchChildIdTaken: 'BatchChildIdTaken',
  /** A webhook delivery no retry can fix (no secret for the key, a refused URL, 410 Gone). */
  WebhookRefused: 'WebhookRefused',
  /** Every id a webhook delivery may use is taken by someone else's workflow. */
  WebhookIdTaken: 'WebhookIdTaken',
} as const;
