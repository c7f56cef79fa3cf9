import { ApplicationFailure } from '@temporalio/activity';
import { ViduApiError, ViduTransportError } from '../vidu/errors';
import { FailureType, RetryableFailureType } from '../core/failure-types';
import { issueDetails } from '../core/issues';

/**
 * Turns a Vidu client error into the ApplicationFailure Temporal should see: permanent answers
 * fail at once with Vidu's code and message; transient ones are retried, after Retry-After
 * when Vidu gave one.
 */
export function toApplicationFailure(err: unknown, doing: string): unknown {
  if (err instanceof ViduApiError) {
    const details = [{ status: err.status, reason: err.reason, message: err.viduMessage, traceId: err.traceId }];
    if (!err.retryable) {
      return ApplicationFailure.create({
        type: FailureType.ViduRejected,
        message: `${doing}: Vidu answered ${err.status} ${err.reason}: ${err.viduMessage}`,
        nonRetryable: true,
        details,
      });
    }
    return ApplicationFailure.create({
      type: RetryableFailureType.ViduUnavailable,
      message: `${doing}: Vidu answered ${err.status} ${err.reason}: ${err.viduMessage} (will retry)`,
      details,
      ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
    });
  }
  if (err instanceof ViduTransportError) {
    return ApplicationFailure.create({
      type: RetryableFailureType.ViduUnreachable,
      message: `${doing}: ${err.message} (will retry)`,
      details: [{ kind: err.kind, code: err.code, ambiguous: err.ambiguous }],
    });
  }
  return err;
}

/** details[0] = { issues: the lines, problems: the same structured } (core/issues.ts). */
export function invalidRequest(issues: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidRequest,
    message: `invalid request, nothing was sent to Vidu:\n  - ${issues.join('\n  - ')}`,
    nonRetryable: true,
    details: [issueDetails(issues)],
  });
}
