import { problem } from './problem';
import { RetryLaterError } from './front-door';

// Open SSE streams, counted per API key id and overall (issue 16 item 5: one key had 1,000
// streams open, each polling Temporal). A stream takes a slot before it starts and gives it back
// when it ends, however it ends; past either cap the request is a 429 with Retry-After.

/** Streams end when their generation does; a refused caller may try again a little later. */
export const STREAM_RETRY_AFTER_SECONDS = 10;

export class StreamSlots {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(
    readonly maxPerKey: number,
    readonly maxTotal: number,
  ) {}

  /** Takes a slot for `keyId`; returns its release (idempotent), or throws the 429. */
  open(keyId: string, keyName: string): () => void {
    const mine = this.perKey.get(keyId) ?? 0;
    if (mine >= this.maxPerKey) {
      throw new RetryLaterError(
        problem(
          429,
          'too-many-streams',
          `the API key ${JSON.stringify(keyName)} has ${mine} event streams open, the most it may (API_MAX_STREAMS_PER_KEY); close one or retry later`,
        ),
        STREAM_RETRY_AFTER_SECONDS,
      );
    }
    if (this.total >= this.maxTotal) {
      throw new RetryLaterError(
        problem(
          429,
          'too-many-streams',
          'the API has as many event streams open as it serves (API_MAX_STREAMS); retry later',
        ),
        STREAM_RETRY_AFTER_SECONDS,
      );
    }
    this.perKey.set(keyId, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perKey.get(keyId) ?? 1) - 1;
      if (left <= 0) this.perKey.delete(keyId);
      else this.perKey.set(keyId, left);
    };
  }

  openFor(keyId: string): number {
    return this.perKey.get(keyId) ?? 0;
  }

  get openTotal(): number {
    return this.total;
  }
}
