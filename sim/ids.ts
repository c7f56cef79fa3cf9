/**
 * Identifiers in Vidu's shapes: task and creation ids are 18-digit decimal
 * strings (e.g. "911045603801182208"), trace ids 32 hex characters.
 */
import { randomBytes } from 'node:crypto';
import type { Rng } from './random';

const ID_BASE = 900_000_000_000_000_000n;
const ID_STEP = 4096n;

/**
 * Increasing ids, so sorting by id matches creation order, with a random low
 * part so they do not look like a counter. The sequence survives /_sim/reset:
 * a client holding an id from before a reset must get 404, never a stranger's task.
 */
export class IdGenerator {
  private seq = 0n;

  constructor(private readonly rng: Rng) {}

  next(): string {
    this.seq += 1n;
    const id = ID_BASE + this.seq * ID_STEP + BigInt(this.rng.int(0, 4095));
    return id.toString();
  }
}

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}
