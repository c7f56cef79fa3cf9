/**
 * Simulated time: simNow = start + realElapsed × scale + manual advances.
 * Everything that has a due time in the sim (queueing, processing, off-peak
 * windows, URL expiry, created_at) reads this clock, so a test can compress
 * hours into seconds or jump ahead without sleeping.
 */
export class SimClock {
  private simStart = 0;
  private realStart = 0;
  private advancedMs = 0;

  constructor(
    readonly scale: number,
    private readonly wallNow: () => number = Date.now,
    private readonly monoNow: () => number = () => performance.now(),
  ) {
    this.reset();
  }

  /** Simulated epoch milliseconds (fractional). */
  now(): number {
    return this.simStart + (this.monoNow() - this.realStart) * this.scale + this.advancedMs;
  }

  /** Simulated time at start-up (or the last reset). */
  startedAt(): number {
    return this.simStart;
  }

  advance(seconds: number): void {
    this.advancedMs += seconds * 1000;
  }

  reset(): void {
    this.simStart = this.wallNow();
    // Monotonic real time: a wall-clock step (NTP) must not move simulated time backwards.
    this.realStart = this.monoNow();
    this.advancedMs = 0;
  }

  describe(): { now: string; nowMs: number; scale: number; advancedSeconds: number; startedAt: string } {
    const now = this.now();
    return {
      now: new Date(now).toISOString(),
      nowMs: Math.floor(now),
      scale: this.scale,
      advancedSeconds: this.advancedMs / 1000,
      startedAt: new Date(this.simStart).toISOString(),
    };
  }
}

/**
 * RFC 3339 with nine fractional digits, like Vidu's examples
 * ("2025-11-10T15:03:01.749836088Z"), so clients must cope with more than
 * millisecond precision. The sub-millisecond digits come from the fractional
 * simulated milliseconds.
 */
export function rfc3339Nano(simMs: number): string {
  const whole = Math.floor(simMs);
  const subMs = Math.floor((simMs - whole) * 1e6);
  const iso = new Date(whole).toISOString(); // 2025-11-10T15:03:01.749Z
  return `${iso.slice(0, -1)}${String(subMs).padStart(6, '0')}Z`;
}
