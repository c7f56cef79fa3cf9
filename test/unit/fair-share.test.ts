// The fair-share order of the slot manager (core/fair-share.ts) as pure functions: the same code
// the `viduSlots` workflow runs (test/workflow/admission-fair-share.test.ts drives the workflow).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerTermsFromKeysFile, loadKeysFile } from '../../platform/keys/api-keys';
import type { SlotsState } from '../../core/admission-messages';
import {
  bookGrant,
  forgetHolder,
  heldBy,
  nextFair,
  noteTerms,
  OPERATOR_CALLER,
  pruneCallers,
  taskQueuePriority,
} from '../../core/fair-share';
import type { Priority } from '../../core/generation-types';

const empty = (maxInFlight: number): SlotsState => ({ maxInFlight, holders: [], waiting: [], granted: 0 });

function queue(
  s: SlotsState,
  caller: string | undefined,
  n: number,
  priority: Priority = 'batch',
  prefix = caller ?? 'op',
): void {
  for (let i = 1; i <= n; i += 1)
    s.waiting.push({ workflowId: `${prefix}-${i}`, priority, ...(caller ? { caller } : {}) });
}

/** One grant as the manager makes it; the grantee's id, or undefined when nothing may be granted. */
function grant(s: SlotsState): string | undefined {
  const i = nextFair(s);
  if (i === undefined) return undefined;
  const [w] = s.waiting.splice(i, 1);
  s.holders.push(w!.workflowId);
  bookGrant(s, w!);
  pruneCallers(s);
  return w!.workflowId;
}

function fill(s: SlotsState): string[] {
  const out: string[] = [];
  while (s.holders.length < s.maxInFlight) {
    const g = grant(s);
    if (!g) break;
    out.push(g);
  }
  return out;
}

/** Releases the oldest holder and grants what that frees. */
function releaseOldest(s: SlotsState): string[] {
  const [h] = s.holders.splice(0, 1);
  forgetHolder(s, h!);
  return fill(s);
}

const callerOfId = (id: string) => id.split('-').slice(0, -1).join('-');

describe('fair share across callers (pure)', () => {
  it('gives B the next freed slot after A queued 20, then alternates', () => {
    const s = empty(5);
    queue(s, 'key-a', 20);
    expect(fill(s)).toEqual(['key-a-1', 'key-a-2', 'key-a-3', 'key-a-4', 'key-a-5']);
    queue(s, 'key-b', 5);
    const order: string[] = [];
    while (s.waiting.length > 0) order.push(...releaseOldest(s));
    const callers = order.map(callerOfId);
    console.log(
      `[fair-share] pure: grants after B queued: ${callers.map((c) => c.slice(-1)).join('')}; B waited ${callers.indexOf('key-b')} grants (first come first served: 15)`,
    );
    expect(callers.slice(0, 10)).toEqual([
      'key-b',
      'key-a',
      'key-b',
      'key-a',
      'key-b',
      'key-a',
      'key-b',
      'key-a',
      'key-b',
      'key-a',
    ]);
    // A caller's own requests stay in the order they came.
    expect(order.filter((id) => id.startsWith('key-b'))).toEqual([
      'key-b-1',
      'key-b-2',
      'key-b-3',
      'key-b-4',
      'key-b-5',
    ]);
  });

  it('interactive work still goes before batch work, whoever asked', () => {
    const s = empty(1);
    queue(s, 'key-a', 3, 'batch');
    queue(s, 'key-b', 1, 'interactive');
    expect(fill(s)).toEqual(['key-b-1']);
  });

  it('skips a caller at its own cap while others wait, and leaves a slot idle rather than break the cap', () => {
    const s = empty(5);
    noteTerms(s, 'key-a', { maxInFlight: 2 });
    queue(s, 'key-a', 6);
    expect(fill(s)).toEqual(['key-a-1', 'key-a-2']);
    expect(s.holders).toHaveLength(2);
    queue(s, 'key-b', 6);
    expect(fill(s)).toEqual(['key-b-1', 'key-b-2', 'key-b-3']);
    for (let i = 0; i < 8; i += 1) {
      releaseOldest(s);
      expect(heldBy(s, 'key-a')).toBeLessThanOrEqual(2);
    }
  });

  it('shares by weight: 3 to 1', () => {
    const s = empty(1);
    noteTerms(s, 'key-a', { weight: 3 });
    queue(s, 'key-a', 20);
    queue(s, 'key-b', 20);
    const order = [...fill(s)];
    for (let i = 0; i < 11; i += 1) order.push(...releaseOldest(s));
    const a = order.filter((id) => id.startsWith('key-a')).length;
    console.log(
      `[fair-share] pure: weight 3 vs 1, first 12 grants: ${order.map((id) => callerOfId(id).slice(-1)).join('')}`,
    );
    expect([a, order.length - a]).toEqual([9, 3]);
  });

  it("reads a state from before callers as the operator's, and shares with a new caller", () => {
    const s: SlotsState = { maxInFlight: 1, holders: ['old-0'], waiting: [], granted: 1 };
    queue(s, undefined, 3, 'batch', 'old');
    queue(s, 'key-b', 2);
    const order: string[] = [];
    while (s.waiting.length > 0) order.push(...releaseOldest(s));
    expect(order).toEqual(['old-1', 'key-b-1', 'old-2', 'key-b-2', 'old-3']);
    expect(heldBy(s, OPERATOR_CALLER)).toBe(1);
  });

  it('does not let a caller that was idle bank credit, and forgets idle callers', () => {
    const s = empty(1);
    queue(s, 'key-a', 10);
    fill(s);
    for (let i = 0; i < 5; i += 1) releaseOldest(s);
    // B arrives late: it goes next, then alternates; it is not owed the 6 grants A had.
    queue(s, 'key-b', 3);
    const order: string[] = [];
    for (let i = 0; i < 4; i += 1) order.push(...releaseOldest(s));
    expect(order.map(callerOfId)).toEqual(['key-b', 'key-a', 'key-b', 'key-a']);
    while (s.waiting.length > 0 || s.holders.length > 0) {
      if (s.holders.length > 0) releaseOldest(s);
      else fill(s);
    }
    pruneCallers(s);
    expect(Object.keys(s.callers ?? {})).toEqual([]);
  });

  it('names the task-queue priority of each class, the caller as fairness key', () => {
    expect(taskQueuePriority('interactive', 'key-a')).toEqual({ priorityKey: 1, fairnessKey: 'key-a' });
    expect(taskQueuePriority('batch')).toEqual({ priorityKey: 3, fairnessKey: OPERATOR_CALLER });
    expect(taskQueuePriority('batch', 'key-a', 5000)).toEqual({
      priorityKey: 3,
      fairnessKey: 'key-a',
      fairnessWeight: 1000,
    });
  });
});

describe('keys file: maxInFlight and weight', () => {
  const entry = { id: 'alice', name: 'alice', keySha256: 'a'.repeat(64), scopes: ['start'] };
  const write = (entries: unknown[]) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vf-keys-'));
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify(entries), { mode: 0o600 });
    return file;
  };

  it('refuses a bad cap or weight, naming the entry and the field', () => {
    expect(() => loadKeysFile(write([{ ...entry, maxInFlight: 0 }]))).toThrow(
      /0.*maxInFlight|maxInFlight.*at least 1/s,
    );
    expect(() => loadKeysFile(write([{ ...entry, maxInFlight: 1.5 }]))).toThrow(/maxInFlight/);
    expect(() => loadKeysFile(write([{ ...entry, weight: 0 }]))).toThrow(/weight/);
  });

  it("gives the worker a key's terms by owner, none to the operator or an unknown key", () => {
    const terms = callerTermsFromKeysFile(
      write([
        { ...entry, maxInFlight: 2, weight: 3 },
        { ...entry, id: 'bob', name: 'bob' },
      ]),
    );
    expect(terms('key-alice')).toEqual({ maxInFlight: 2, weight: 3 });
    expect(terms('key-bob')).toBeUndefined();
    expect(terms(OPERATOR_CALLER)).toBeUndefined();
    expect(terms('key-nobody')).toBeUndefined();
  });
});
