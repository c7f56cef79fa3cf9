// ApplicationFailure `type` names, shared by activities (which throw them) and callers (which
// branch on them). Each one is non-retryable: a retry cannot change the outcome.
export const FailureType = {
  /** The request broke a documented Vidu limit; details: [{ issues: string[] }]. Nothing was sent to Vidu. */
  InvalidRequest: 'InvalidRequest',
  /** Vidu refused the request with a permanent error; details: [{ status, reason, message, traceId }]. */
  ViduRejected: 'ViduRejected',
  /** The Vidu task ended `failed`; details: [{ taskId, errCode, credits }]. */
  ViduTaskFailed: 'ViduTaskFailed',
  /** The task did not finish within options.timeoutSeconds; it was cancelled at Vidu when allowed. */
  ViduTimeout: 'ViduTimeout',
  /** An off-peak task was still not finished at 48 h + grace; vidu-flow cancelled it. details: [{ taskId, state, cancellation }]. */
  OffPeakExpired: 'OffPeakExpired',
  /** Vidu itself cancelled an off-peak task it could not run in its window and refunded it. details: [{ taskId, errCode, refunded: true }]. */
  OffPeakRefunded: 'OffPeakRefunded',
  /** After an interrupted submission several Vidu tasks matched; resubmitting could pay twice. */
  SubmissionAmbiguous: 'SubmissionAmbiguous',
  /** The worker is not configured for what the input asks (e.g. waitMode callback without VIDU_CALLBACK_URL). */
  WorkerMisconfigured: 'WorkerMisconfigured',
  /** An AD-film edit kept failing at Vidu; details: [{ edit, subTaskIds, errCode }] (names the storyboard). */
  AdEditFailed: 'AdEditFailed',
  /** Review mode ended without approval (options.onReviewTimeout = fail); nothing was composed. */
  ReviewTimedOut: 'ReviewTimedOut',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

export const NON_RETRYABLE_FAILURES: readonly string[] = Object.values(FailureType);
