import { Context } from '@temporalio/activity';

// Heartbeats that keep an activity alive while it runs, so a worker that dies mid-activity is
// noticed within the activity's heartbeat timeout (10 s for paid submissions and polls:
// workflows/common/activity-proxies.ts) instead of its start-to-close timeout (45 s to 2 min).
//
// An activity with a heartbeat timeout must beat more often than that timeout, also while it waits
// on one slow call (a POST that may take the client's whole 30 s). `keepBeating` beats on a timer,
// a quarter of the timeout apart; the SDK forwards at most one beat per 0.8 × the timeout to the
// server (the latest one), so the timer costs no extra calls to Temporal.
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
