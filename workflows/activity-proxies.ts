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

/**
 * The archive activity heartbeats about every second while bytes arrive (and while it waits for
 * them, within its idle timeout), so a dead worker is noticed after this long, however large the
 * file. Declared once; test fixtures import it.
 */
export const ARCHIVE_HEARTBEAT_TIMEOUT = '30s';

// The start-to-close budget only bounds a pathological trickle: 2 GiB (the default size cap) at
// 1 MB/s takes about 35 minutes. Stalls are ended sooner by the activity's idle timeout.
export const archiving = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: ARCHIVE_HEARTBEAT_TIMEOUT,
  retry: { ...retryPolicy, maximumAttempts: 20 },
});
