/**
 * Seeded randomness so a fault scenario (which callback is dropped, which task
 * fails) replays the same way when VIDU_SIM_SEED is set.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** sfc32: small, fast and good enough for fault dice; Math.random cannot be seeded. */
export function createRng(seed: string | undefined): Rng {
  const bytes = createHash('sha256')
    .update(seed ?? randomBytes(16).toString('hex'))
    .digest();
  let a = bytes.readUInt32LE(0);
  let b = bytes.readUInt32LE(4);
  let c = bytes.readUInt32LE(8);
  let d = bytes.readUInt32LE(12);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    // p >= 1 must always fire and p <= 0 never, without consuming fewer draws
    // (keeps the sequence aligned whatever the rates are).
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}
