import { Context } from '@temporalio/activity';

// Heartbeats that keep an activity alive while it runs, so a worker that dies mid-activity is
// noticed within the activity's heartbeat timeout (10 s for quick calls and polls, 20 s for paid
// submissions: workflows/common/activity-proxies.ts) instead of its start-to-close timeout (45 s
// to 2 min).
//
// An activity with a heartbeat timeout must beat more often than that timeout, also while it waits
// on one slow call (a POST that may take the client's whole 30 s). `keepBeating` beats on a timer,
// a quarter of the timeout apart. The SDK forwards at most one beat per 0.8 × the timeout unless
// the worker caps that (Worker.create's maxHeartbeatThrottleInterval), which would leave only a
// fifth of the timeout as margin against a stalled event loop or a slow server: the worker caps it
// at MAX_HEARTBEAT_THROTTLE_MS, so each timer beat reaches the server and three quarters of the
// timeout are margin. A spurious timeout of a submission whose POST is still in flight is the case
// that matters: its retry could send again before Vidu lists the first (activities/submit.ts).
//
// What a timer beat carries matters: the submit activities record in their heartbeat whether a
// request went out and what Vidu answered (activities/submit.ts, activities/ad-film.ts), and the
// next attempt reads it after a crash. A beat without details would erase that. So activities
// beat through `heartbeat` below, which remembers the attempt's latest details, and the timer
// repeats them; before an attempt beats for itself it repeats what the attempt before it left.

const latest = new WeakMap<Context, { details: unknown }>();

/** Records `details` as this attempt's heartbeat; the keep-alive timer repeats the latest. */
export function heartbeat(details?: unknown): void {
  const ctx = Context.current();
  latest.set(ctx, { details });
  ctx.heartbeat(details);
}

/** Worker.create's maxHeartbeatThrottleInterval: below every timer interval used (2.5 s and 5 s). */
export const MAX_HEARTBEAT_THROTTLE_MS = 2_000;

/** How far apart the timer beats, for a heartbeat timeout of `timeoutMs`. */
export function beatIntervalMs(timeoutMs: number): number {
  return Math.max(100, Math.floor(timeoutMs / 4));
}

/**
 * Each activity of `activities`, beating on a timer while it runs when it was scheduled with a
 * heartbeat timeout. Local activities and activities without one run as they are (the SDK says an
 * activity must not heartbeat without a heartbeat timeout).
 */
export function keepBeating<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      const ctx = Context.current();
      const timeoutMs = ctx.info.heartbeatTimeoutMs;
      if (ctx.info.isLocal || !timeoutMs) return fn(...args);
      if (!latest.has(ctx)) latest.set(ctx, { details: ctx.info.heartbeatDetails });
      const timer = setInterval(() => ctx.heartbeat(latest.get(ctx)?.details), beatIntervalMs(timeoutMs));
      try {
        return await fn(...args);
      } finally {
        clearInterval(timer);
      }
    };
  }
  return wrapped as T;
}
