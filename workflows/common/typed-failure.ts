import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES } from '../../core/failure-types';

/**
 * An activity's typed, non-retryable failure (InvalidRequest, ViduRejected…) reaches the workflow
 * wrapped in an ActivityFailure; callers should see the typed failure itself.
 */
export function unwrapTyped(err: unknown): unknown {
  if (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    NON_RETRYABLE_FAILURES.includes(err.cause.type ?? '')
  ) {
    return err.cause;
  }
  return err;
}
