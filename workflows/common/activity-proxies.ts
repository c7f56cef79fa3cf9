import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { GenerationActivities } from '../../activities';
import { NON_RETRYABLE_FAILURES } from '../../core/failure-types';
import { WEBHOOK_REFUSED } from '../../core/webhook-types';
import type { PollSchedule } from '../../core/poll-schedule';

// The activity proxies every vidu-flow workflow uses, by the kind of work they do: every activity
// option (timeouts, retries, cancellation) of the workflows is declared here and nowhere else.

export const retryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
};

/**
 * How soon a dead worker is noticed in a quick call or a poll: they beat on a timer while they run
 * (activities/heartbeats.ts), also while one call waits, so this need not cover the client's 30 s
 * request timeout. A SIGKILLed worker's calls were retried 45 s later before (their start-to-close
 * timeout), now about 10 s.
 */
export const KEEP_ALIVE_HEARTBEAT_TIMEOUT = '10s';

/**
 * The same for a paid submission, with a wider margin: a submission wrongly thought dead while its
 * POST is in flight is retried, and the retry could send again before Vidu lists the first
 * (activities/submit.ts looks first). 15 s of margin over the timer's 5 s beats, as the old 40 s
 * timeout left 10 s over the POST's 30 s. Retried about 20 s after a crash, not 40 s.
 */
export const PAID_HEARTBEAT_TIMEOUT = '20s';

// A worker that dies mid-activity is noticed only when the activity's timeout passes, so short
// calls get short timeouts: a crash costs at most that long before another worker retries. They
// also beat while they run, so a crash is noticed within the heartbeat timeout even in a call
// that waits (requestSlot waits for the slot manager's workflow task: an AD film's edit children
// waited out the 45 s after a SIGKILL before it, test/e2e/ad-film.test.ts).
export const quick = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '45s',
  heartbeatTimeout: KEEP_ALIVE_HEARTBEAT_TIMEOUT,
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
  heartbeatTimeout: PAID_HEARTBEAT_TIMEOUT,
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

/** The slot manager's look at which slot holders have closed (workflows/admission/admission.ts). */
export const slotManagerActivities = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '1m',
  retry: { maximumInterval: '1m' },
});

// Local activities: short calls whose outcome is recorded as one marker event inside the workflow
// task that asked for them, instead of three activity events plus a workflow task of their own
// (bench/README "Cost and performance"). They run on the worker that runs the workflow task.

/**
 * Checking and staging inputs. The client stages the caller's files itself (client/input-staging.ts),
 * so what is left is usually checks and small fetches; a slow download (a URL input) keeps the
 * workflow task alive with heartbeats, which only then costs extra workflow tasks.
 */
export const stagingLocal = proxyLocalActivities<GenerationActivities>({
  startToCloseTimeout: '10m',
  localRetryThreshold: '10s',
  retry: { ...retryPolicy, maximumAttempts: 10 },
});

/** One Get Generation (confirming a terminal callback) or a slot release: milliseconds each. */
export const quickLocal = proxyLocalActivities<GenerationActivities>({
  startToCloseTimeout: '45s',
  localRetryThreshold: '10s',
  retry: { ...retryPolicy, maximumAttempts: 10 },
});

/**
 * The waiting poll: ONE activity whose retries are the polls (core/poll-schedule.ts is the
 * schedule, activities/poll.ts the execution), so waiting adds no history per poll. Its
 * schedule-to-close timeout is the wait's deadline, so no timer is needed for it. Cancelling it
 * abandons it: the workflow no longer needs its answer, and a cancel request would cost two
 * history events and a workflow task; an abandoned attempt dies with the workflow (or, if the
 * workflow still runs at the next poll, returns an answer nobody reads).
 */
export function pollingActivities(
  schedule: PollSchedule,
  deadlineSeconds: number,
  cancellation: 'abandon' | 'try-cancel' = 'abandon',
) {
  return proxyActivities<GenerationActivities>({
    startToCloseTimeout: '45s',
    heartbeatTimeout: KEEP_ALIVE_HEARTBEAT_TIMEOUT,
    scheduleToCloseTimeout: `${Math.max(1, Math.ceil(deadlineSeconds))}s`,
    // try-cancel (issue 18 §5, workflows/task-tracker.ts): the server ends a poll waiting for its
    // next retry at once, so a finished run lists no pending poll; the workflow never waits for it.
    cancellationType:
      cancellation === 'try-cancel' ? ActivityCancellationType.TRY_CANCEL : ActivityCancellationType.ABANDON,
    retry: {
      initialInterval: `${schedule.initialSeconds}s`,
      backoffCoefficient: schedule.factor,
      maximumInterval: `${schedule.maxSeconds}s`,
      nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
    },
  });
}

/** Batches: reading a chunk of a JSONL file's lines, writing a part of its results (workflows/batch/). */
export const batchFiles = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '2m',
  retry: { ...retryPolicy, maximumAttempts: 20 },
});

/**
 * Batches: the outcome of a child that already existed (a batch reset or re-run). The activity
 * fails until that child has closed, so the retry policy is the poll: every 5 s at first, then
 * at most every minute, with no end but the batch's own.
 */
export const awaitingChild = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '1m',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: retryPolicy.nonRetryableErrorTypes,
  },
});

/**
 * Completion webhooks (workflows/webhooks/webhook-delivery.ts): Standard Webhooks practice, keep retrying
 * with backoff for about a day, then give up; a receiver that refuses the event for good ends it.
 */
export const delivering = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '1h',
    nonRetryableErrorTypes: [WEBHOOK_REFUSED],
  },
});

/**
 * generation.updated webhooks (workflows/webhooks/webhook-updates.ts): starting a delivery workflow is one
 * Temporal call, so a local activity (one marker event) that gives up within a minute: the next
 * update or the terminal event still tells the receiver where things are.
 */
export const webhookStartLocal = proxyLocalActivities<GenerationActivities>({
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s' },
});

/**
 * The subject library's calls (workflows/subjects/): short, and a retried create is safe (it looks
 * for the subject it may have made before creating again, activities/subjects.ts), so a few tries.
 */
export const subjectCalls = proxyActivities<GenerationActivities>({
  startToCloseTimeout: '2m',
  retry: { ...retryPolicy, maximumAttempts: 5 },
});
