import type { PollScheduleOptions } from './generation-types';

// How vidu-flow polls Vidu while it waits for a task, in one place.
//
// Which schedule: a task whose submission registered a callback_url ("callbacks expected") is
// polled only as a guard against lost callbacks, sparsely; a task without one ("poll only") is
// learnt about by polling alone, briskly; off-peak tasks (up to 48 h at Vidu) get slow variants of
// both. `baseSchedule` picks one of the four below, `resolveSchedule` applies the request's
// `options.poll` override. Delay after attempt n = min(initial × factor^(n-1), max):
//
//   callbacks expected   60 s, ×2, ≤ 600 s     8 Get Generation calls in the first hour
//   poll only             5 s, ×2, ≤ 60 s      63 in the first hour
//   off-peak, callbacks  30 min, ×1.5, ≤ 4 h   15 in 48 h
//   off-peak, poll only  10 min, ×1.5, ≤ 2 h   29 in 48 h
//
// How it runs: the whole wait is ONE activity, `pollTask` (activities/poll.ts), scheduled by
// TaskTracker.waitForTerminal with the options of `pollingActivities(schedule, deadline)`
// (workflows/common/activity-proxies.ts). Each attempt is one poll; an attempt that finds the task not
// finished fails benignly with nextRetryDelay = pollDelaySeconds(schedule, attempt), so Temporal's
// retries ARE the polls and add no history events. The activity's retry policy carries the same
// three numbers (so an attempt that times out is retried on the same schedule) and its
// schedule-to-close timeout is the wait's deadline. With callbacks expected, attempt 1 asks Vidu
// nothing (`skipFirstPoll`): the first real poll is one `initial` after submission. In poll-only
// mode the attempts also signal state changes to the workflow, so its `status` query moves.
// A terminal callback is confirmed by one Get Generation of its own, outside this schedule.

export interface PollSchedule {
  initialSeconds: number;
  factor: number;
  maxSeconds: number;
}

/** Poll-only mode: the poll is the only way to learn the outcome, so start brisk. */
export const POLL_ONLY_SCHEDULE: PollSchedule = { initialSeconds: 5, factor: 2, maxSeconds: 60 };

/** Callback mode: polling only guards against lost callbacks, so it can be sparse. */
export const CALLBACK_FALLBACK_SCHEDULE: PollSchedule = { initialSeconds: 60, factor: 2, maxSeconds: 600 };

/**
 * Off-peak tasks may take up to 48 h (docs/vidu-api.md §11). Callbacks expected: 30 min, ×1.5, at most 4 h
 * apart — 15 polls over 48 h. Poll only: 10 min, ×1.5, at most 2 h — 29 polls over 48 h.
 */
export const OFF_PEAK_CALLBACK_FALLBACK_SCHEDULE: PollSchedule = {
  initialSeconds: 1800,
  factor: 1.5,
  maxSeconds: 4 * 3600,
};
export const OFF_PEAK_POLL_ONLY_SCHEDULE: PollSchedule = { initialSeconds: 600, factor: 1.5, maxSeconds: 2 * 3600 };

/** The default schedule for a task, before any `options.poll` override. */
export function baseSchedule(callbacks: boolean, offPeak: boolean): PollSchedule {
  if (offPeak) return callbacks ? OFF_PEAK_CALLBACK_FALLBACK_SCHEDULE : OFF_PEAK_POLL_ONLY_SCHEDULE;
  return callbacks ? CALLBACK_FALLBACK_SCHEDULE : POLL_ONLY_SCHEDULE;
}

export function resolveSchedule(base: PollSchedule, override: PollScheduleOptions | undefined): PollSchedule {
  const s = { ...base, ...stripUndefined(override ?? {}) };
  const initialSeconds = Math.max(0.1, s.initialSeconds);
  return { initialSeconds, factor: Math.max(1, s.factor), maxSeconds: Math.max(initialSeconds, s.maxSeconds) };
}

/** Delay after poll attempt `attempt` (1-based) before the next one. */
export function pollDelaySeconds(schedule: PollSchedule, attempt: number): number {
  const n = Math.max(1, Math.floor(attempt));
  const delay = schedule.initialSeconds * Math.pow(schedule.factor, n - 1);
  return Math.min(schedule.maxSeconds, delay);
}

/**
 * How many poll attempts start within `seconds`, attempt 1 at 0 (used in docs and tests to bound
 * the cost). With callbacks expected attempt 1 asks Vidu nothing, so Vidu sees one fewer.
 */
export function pollsWithin(schedule: PollSchedule, seconds: number): number {
  let elapsed = 0;
  let polls = 1;
  while (true) {
    elapsed += pollDelaySeconds(schedule, polls);
    if (elapsed > seconds) return polls;
    polls += 1;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
