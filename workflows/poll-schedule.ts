import type { PollScheduleOptions } from './types';

// The fallback poll runs as one activity whose retries are the polls (no history events per
// poll). Attempt n waits pollDelaySeconds(n) before attempt n+1.

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
 * Off-peak tasks may take up to 48 h (FACTS §11). Callbacks expected: 30 min, ×1.5, at most 4 h
 * apart — 14 polls over 48 h. Poll only: 10 min, ×1.5, at most 2 h — 28 polls over 48 h.
 */
export const OFF_PEAK_CALLBACK_FALLBACK_SCHEDULE: PollSchedule = { initialSeconds: 1800, factor: 1.5, maxSeconds: 4 * 3600 };
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

/** How many polls happen within `seconds` (used in docs and tests to bound the cost). */
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
