/**
 * The receiver's memory of callback nonces it has accepted: a cheap first filter against
 * replays. It only has to cover the signature's Date window (an older header set fails the
 * skew check anyway), and it is bounded so a flood cannot grow it without limit. It is per
 * process: behind a load balancer another receiver may accept the same replay, so each
 * workflow also remembers the recent nonces of its tasks (TaskTracker), which is the real guard.
 */
export class NonceCache {
  /** nonce → expiry (ms). A Map iterates in insertion order, which is oldest-first here. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** Remembers `nonce`; false when it was already seen within the window (a replay). */
  add(nonce: string, nowMs: number): boolean {
    this.evictExpired(nowMs);
    const expires = this.seen.get(nonce);
    if (expires !== undefined && expires > nowMs) return false;
    this.seen.delete(nonce);
    this.seen.set(nonce, nowMs + this.ttlMs);
    // Full: drop the oldest. A replay of a dropped nonce within its window would pass here, which
    // the workflow's own dedupe still catches; an unbounded cache would be a memory leak instead.
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
    }
    return true;
  }

  /** Forgets `nonce`: its request was accepted but not delivered, so a retry of it is no replay. */
  forget(nonce: string): void {
    this.seen.delete(nonce);
  }

  private evictExpired(nowMs: number): void {
    // Entries share one TTL, so insertion order is expiry order: stop at the first live one.
    for (const [nonce, expires] of this.seen) {
      if (expires > nowMs) break;
      this.seen.delete(nonce);
    }
  }
}
