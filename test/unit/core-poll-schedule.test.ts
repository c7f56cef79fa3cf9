import { describe, expect, it } from 'vitest';
import {
  CALLBACK_FALLBACK_SCHEDULE,
  OFF_PEAK_CALLBACK_FALLBACK_SCHEDULE,
  OFF_PEAK_POLL_ONLY_SCHEDULE,
  POLL_ONLY_SCHEDULE,
  pollDelaySeconds,
  pollsWithin,
  resolveSchedule,
  type PollSchedule,
} from '../../core/poll-schedule';

const HOUR = 3600;

function delays(schedule: PollSchedule, count: number): number[] {
  return Array.from({ length: count }, (_, i) => pollDelaySeconds(schedule, i + 1));
}

/** Poll times (seconds after the first poll at 0) up to `seconds`, by brute force. */
function pollTimes(schedule: PollSchedule, seconds: number): number[] {
  const times = [0];
  for (let attempt = 1; ; attempt += 1) {
    const t = (times[times.length - 1] as number) + pollDelaySeconds(schedule, attempt);
    if (t > seconds) return times;
    times.push(t);
  }
}

describe('pollDelaySeconds', () => {
  it('poll-only: 5, 10, 20, 40, 60, 60, …', () => {
    expect(delays(POLL_ONLY_SCHEDULE, 8)).toEqual([5, 10, 20, 40, 60, 60, 60, 60]);
  });

  it('callback fallback: 60, 120, 240, 480, 600, 600, …', () => {
    expect(delays(CALLBACK_FALLBACK_SCHEDULE, 7)).toEqual([60, 120, 240, 480, 600, 600, 600]);
  });

  it('treats attempts below 1 as the first, and floors fractional attempts', () => {
    expect(pollDelaySeconds(POLL_ONLY_SCHEDULE, 0)).toBe(5);
    expect(pollDelaySeconds(POLL_ONLY_SCHEDULE, -3)).toBe(5);
    expect(pollDelaySeconds(POLL_ONLY_SCHEDULE, 2.9)).toBe(10);
  });

  it('stays at the cap for very late attempts (no Infinity or NaN)', () => {
    expect(pollDelaySeconds(POLL_ONLY_SCHEDULE, 10_000)).toBe(60);
    expect(pollDelaySeconds(CALLBACK_FALLBACK_SCHEDULE, Number.MAX_SAFE_INTEGER)).toBe(600);
  });

  it('is never decreasing', () => {
    for (const s of [
      POLL_ONLY_SCHEDULE,
      CALLBACK_FALLBACK_SCHEDULE,
      { initialSeconds: 3, factor: 1.5, maxSeconds: 100 },
    ]) {
      const d = delays(s, 50);
      for (let i = 1; i < d.length; i += 1) expect(d[i]).toBeGreaterThanOrEqual(d[i - 1] as number);
    }
  });

  it('matches Temporal retry backoff: min(max, initial × factor^(n−1))', () => {
    const s: PollSchedule = { initialSeconds: 2, factor: 3, maxSeconds: 500 };
    for (let n = 1; n <= 10; n += 1) expect(pollDelaySeconds(s, n)).toBe(Math.min(500, 2 * 3 ** (n - 1)));
  });

  it('a factor of 1 gives a fixed interval', () => {
    expect(delays({ initialSeconds: 30, factor: 1, maxSeconds: 30 }, 5)).toEqual([30, 30, 30, 30, 30]);
  });
});

describe('pollsWithin', () => {
  it('counts the first, immediate poll', () => {
    expect(pollsWithin(POLL_ONLY_SCHEDULE, 0)).toBe(1);
    expect(pollsWithin(POLL_ONLY_SCHEDULE, 4.9)).toBe(1);
    expect(pollsWithin(POLL_ONLY_SCHEDULE, 5)).toBe(2);
  });

  it('agrees with a brute-force count of poll times', () => {
    for (const s of [
      POLL_ONLY_SCHEDULE,
      CALLBACK_FALLBACK_SCHEDULE,
      { initialSeconds: 7, factor: 1.3, maxSeconds: 90 },
    ]) {
      for (const seconds of [0, 1, 59, 60, 61, 600, HOUR, 6 * HOUR, 48 * HOUR]) {
        expect(pollsWithin(s, seconds)).toBe(pollTimes(s, seconds).length);
      }
    }
  });

  it('callback fallback polls at most 10 times in an hour (0, 60, 180, 420, 900, 1500, 2100, 2700, 3300 s)', () => {
    expect(pollTimes(CALLBACK_FALLBACK_SCHEDULE, HOUR)).toEqual([0, 60, 180, 420, 900, 1500, 2100, 2700, 3300]);
    expect(pollsWithin(CALLBACK_FALLBACK_SCHEDULE, HOUR)).toBe(9);
    expect(pollsWithin(CALLBACK_FALLBACK_SCHEDULE, HOUR)).toBeLessThanOrEqual(10);
  });

  it('callback fallback stays sparse over an off-peak task’s 48 h (≤ 300 polls)', () => {
    // 0, 60, 180, 420, 900, then every 600 s.
    const polls = pollsWithin(CALLBACK_FALLBACK_SCHEDULE, 48 * HOUR);
    expect(polls).toBe(5 + Math.floor((48 * HOUR - 900) / 600));
    expect(polls).toBeLessThanOrEqual(300);
  });

  it('poll-only: 4 polls in the first minute, 63 in the first hour', () => {
    expect(pollTimes(POLL_ONLY_SCHEDULE, 60)).toEqual([0, 5, 15, 35]);
    expect(pollsWithin(POLL_ONLY_SCHEDULE, 60)).toBe(4);
    // 0, 5, 15, 35, 75, then every 60 s up to 3555.
    expect(pollsWithin(POLL_ONLY_SCHEDULE, HOUR)).toBe(63);
  });

  // The figures in core/poll-schedule.ts's header and the README (Waiting, Off-peak jobs, Cost).
  // With callbacks expected, attempt 1 (at 0) asks Vidu nothing: Vidu sees one poll fewer.
  it('Vidu polls as documented: 8 and 63 in the first hour, 15 and 29 over an off-peak 48 h', () => {
    expect(pollsWithin(CALLBACK_FALLBACK_SCHEDULE, HOUR) - 1).toBe(8);
    expect(pollsWithin(POLL_ONLY_SCHEDULE, HOUR)).toBe(63);
    expect(pollTimes(OFF_PEAK_CALLBACK_FALLBACK_SCHEDULE, 48 * HOUR).slice(1, 5)).toEqual([1800, 4500, 8550, 14625]);
    expect(pollsWithin(OFF_PEAK_CALLBACK_FALLBACK_SCHEDULE, 48 * HOUR) - 1).toBe(15);
    expect(pollsWithin(OFF_PEAK_POLL_ONLY_SCHEDULE, 48 * HOUR)).toBe(29);
  });

  it('polls far less with callbacks than without', () => {
    expect(pollsWithin(CALLBACK_FALLBACK_SCHEDULE, HOUR) * 5).toBeLessThan(pollsWithin(POLL_ONLY_SCHEDULE, HOUR));
  });
});

describe('resolveSchedule', () => {
  it('returns the base without an override', () => {
    expect(resolveSchedule(POLL_ONLY_SCHEDULE, undefined)).toEqual(POLL_ONLY_SCHEDULE);
    expect(resolveSchedule(CALLBACK_FALLBACK_SCHEDULE, {})).toEqual(CALLBACK_FALLBACK_SCHEDULE);
  });

  it('does not modify the base schedule', () => {
    const before = { ...POLL_ONLY_SCHEDULE };
    resolveSchedule(POLL_ONLY_SCHEDULE, { initialSeconds: 1, factor: 5, maxSeconds: 7 });
    expect(POLL_ONLY_SCHEDULE).toEqual(before);
  });

  it('overrides field by field; undefined fields keep the base', () => {
    expect(resolveSchedule(POLL_ONLY_SCHEDULE, { initialSeconds: 2 })).toEqual({
      initialSeconds: 2,
      factor: 2,
      maxSeconds: 60,
    });
    expect(resolveSchedule(POLL_ONLY_SCHEDULE, { factor: 3, maxSeconds: 120 })).toEqual({
      initialSeconds: 5,
      factor: 3,
      maxSeconds: 120,
    });
    expect(
      resolveSchedule(POLL_ONLY_SCHEDULE, { initialSeconds: undefined, factor: undefined, maxSeconds: 30 }),
    ).toEqual({
      initialSeconds: 5,
      factor: 2,
      maxSeconds: 30,
    });
  });

  it('keeps schedules sane: initial ≥ 0.1 s, factor ≥ 1, max ≥ initial', () => {
    expect(resolveSchedule(POLL_ONLY_SCHEDULE, { initialSeconds: 0 }).initialSeconds).toBe(0.1);
    expect(resolveSchedule(POLL_ONLY_SCHEDULE, { initialSeconds: -4 }).initialSeconds).toBe(0.1);
    expect(resolveSchedule(POLL_ONLY_SCHEDULE, { factor: 0.5 }).factor).toBe(1);
    expect(resolveSchedule(POLL_ONLY_SCHEDULE, { initialSeconds: 90 })).toEqual({
      initialSeconds: 90,
      factor: 2,
      maxSeconds: 90,
    });
    expect(resolveSchedule(POLL_ONLY_SCHEDULE, { maxSeconds: 1 }).maxSeconds).toBe(5);
  });

  it('an overridden schedule still terminates pollsWithin', () => {
    const s = resolveSchedule(POLL_ONLY_SCHEDULE, { initialSeconds: 0, factor: 0 });
    const polls = pollsWithin(s, 10);
    expect(polls).toBeGreaterThanOrEqual(100); // every 0.1 s (float sums decide 100 or 101)
    expect(polls).toBeLessThanOrEqual(101);
  });
});
