// Token buckets for the API's request limits (issue 16 item 1): one bucket per API key id and one
// per client address for requests without a valid key. A bucket holds up to `perMinute` tokens and
// refills at perMinute/60 per second, so a caller may burst up to its minute's budget and then
// goes at the steady rate; an empty bucket answers how long until the next token (Retry-After).
//
// Why not @fastify/rate-limit (11.2.0 on the npm registry, installable here): the decision needs the key,
// which the front door resolves in the same onRequest hook (api/front-door.ts), with a budget per
// kind of caller; the plugin's fixed windows let a caller spend two windows' budget across a
// window edge; and this is 40 lines with no dependency. State is per API instance: behind a load
// balancer of N instances a caller's budget is at most N times the limit.

export interface RateLimiterOptions {
  /** Entries kept at most; the least recently used bucket is forgotten first (bounds memory under many addresses). */
  maxBuckets?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxBuckets: number;
  private readonly now: () => number;

  constructor(opts: RateLimiterOptions = {}) {
    this.maxBuckets = opts.maxBuckets ?? 100_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Takes one token from `bucket` (allowed `perMinute` requests a minute; 0 = unlimited).
   * Returns 0 when the request may go on, else the seconds until a token is back (≥ 1).
   */
  take(bucket: string, perMinute: number): number {
    if (perMinute <= 0) return 0;
    const now = this.now();
    const ratePerMs = perMinute / 60_000;
    const b = this.buckets.get(bucket) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * ratePerMs);
    b.at = now;
    // Re-inserted on every use, so the Map's order is least recently used first.
    this.buckets.delete(bucket);
    this.buckets.set(bucket, b);
    if (this.buckets.size > this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000));
  }

  get size(): number {
    return this.buckets.size;
  }
}
