import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { GenerationActivities } from '../activities';
import { NON_RETRYABLE_FAILURES } from './failures';

// The activity proxies every vidu-flow workflow uses, by the kind of work they do.

export const retryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
};

export const quick = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '2m',
  retry: { ...retryPolicy, maximumAttempts: 10 },
});

// Submitting may pay for a task: the workflow must learn its outcome even when it is cancelled
// meanwhile, so it waits for the activity to finish instead of abandoning it.
export const paid = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '1m',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: retryPolicy,
});

export const archiving = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { ...retryPolicy, maximumAttempts: 20 },
});
