// Times and durations as people type them, for deferred starts (`--not-before`) and schedules
// (`--every`, `--daily-at`). Pure functions: `now` is always passed in, so they are tested
// without a clock.

/** A time or duration the caller wrote that cannot be read; `message` says what was expected. */
export class InvalidTimeSpec extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTimeSpec';
  }
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * `90s`, `10m`, `2h`, `1d`, `1h30m`, `500ms` → milliseconds. A unit is required (a bare `10` is
 * refused rather than guessed). Throws InvalidTimeSpec.
 */
export function parseDuration(text: string): number {
  const compact = text.trim().toLowerCase();
  if (!DURATION.test(compact)) {
    throw new InvalidTimeSpec(`${JSON.stringify(text)} is not a duration; write e.g. 90s, 10m, 2h, 1d or 1h30m`);
  }
  let ms = 0;
  for (const [, amount, unit] of compact.matchAll(DURATION_PART)) ms += Number(amount) * UNIT_MS[unit as Unit];
  return Math.round(ms);
}

/** Milliseconds → the shortest `1d2h3m4s` form (whole seconds; `0s` for nothing). */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  if (rest <= 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

// 2026-01-02T01:00, 2026-01-02 01:00:30, 2026-01-02T01:00:00.000Z, 2026-01-02T01:00+01:00
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The `--not-before` value: an ISO 8601 date and time (`2026-01-02T01:00:00Z`, `…+01:00`; without
 * an offset it is this machine's local time), or `+<duration>` from `now` (`+10m`, `+2h`,
 * `+1h30m`). A date alone is refused (midnight in which zone?). Throws InvalidTimeSpec.
 */
export function parseNotBefore(text: string, now: Date): Date {
  const value = text.trim();
  if (value.startsWith('+')) {
    try {
      return new Date(now.getTime() + parseDuration(value.slice(1)));
    } catch {
      throw new InvalidTimeSpec(
        `${JSON.stringify(text)} is not a time; after "+" write a duration such as +10m, +2h or +1h30m`,
      );
    }
  }
  if (!ISO_DATE_TIME.test(value)) {
    throw new InvalidTimeSpec(
      `${JSON.stringify(text)} is not a time; write an ISO date and time (2026-01-02T01:00:00Z, 2026-01-02T01:00+01:00) or +<duration> (+10m, +2h)`,
    );
  }
  // Date.parse reads `YYYY-MM-DDTHH:MM` without an offset as local time, as documented above;
  // the space form and a `+0100` offset are normalised first.
  const normalised = value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  // Date.parse rolls 2026-02-30 over into March; a day the month does not have is refused instead.
  const [y, mo, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (Number.isNaN(ms) || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d)
    throw new InvalidTimeSpec(`${JSON.stringify(text)} is not a valid date and time`);
  return new Date(ms);
}

/**
 * The Temporal `startDelay` for a start not before `notBefore`, in whole milliseconds; undefined
 * (start now) when there is no such time or it has already passed.
 */
export function startDelayMs(notBefore: Date | undefined, now: Date): number | undefined {
  if (notBefore === undefined) return undefined;
  const ms = notBefore.getTime() - now.getTime();
  if (Number.isNaN(ms)) throw new InvalidTimeSpec('notBefore is an invalid Date');
  return ms > 0 ? Math.ceil(ms) : undefined;
}

/** `HH:MM` (24-hour clock) → hour and minute. Throws InvalidTimeSpec. */
export function parseClockTime(text: string): { hour: number; minute: number } {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || hour > 23 || minute > 59)
    throw new InvalidTimeSpec(
      `${JSON.stringify(text)} is not a time of day; write HH:MM on a 24-hour clock, e.g. 01:00 or 23:30`,
    );
  return { hour, minute };
}

/** Whether the runtime knows this IANA time zone (the Temporal server must know it too). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The `startDelay` start option for StartOptions.notBefore (nothing when it is unset or past). */
export function deferredStart(notBefore: Date | undefined, now: Date = new Date()): { startDelay?: number } {
  const ms = startDelayMs(notBefore, now);
  return ms === undefined ? {} : { startDelay: ms };
}
