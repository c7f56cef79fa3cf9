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

// A worker that dies mid-activity is noticed only when the activity's timeout passes, so short
// calls get short timeouts: a crash costs at most that long before another worker retries.
export const quick = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '45s',
  retry: { ...retryPolicy, maximumAttempts: 10 },
});

/** Staging may download inputs of up to 200 MB. */
export const staging = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '10m',
  retry: { ...retryPolicy, maximumAttempts: 10 },
});

// Submitting may pay for a task: the workflow must learn its outcome even when it is cancelled
// meanwhile, so it waits for the activity to finish instead of abandoning it.
export const paid = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '2m',
  // Above the client's 30 s request timeout: the submit heartbeats before and after its POST.
  heartbeatTimeout: '40s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: retryPolicy,
});

export const archiving = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { ...retryPolicy, maximumAttempts: 20 },
});
