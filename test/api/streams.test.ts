import { describe, expect, it } from 'vitest';
import type { Execution, GenerationView } from '../../platform/generation-view';
import { RetryLaterError } from '../../api/front-door';
import { type StatusSnapshot, type StatusSource, StatusHub } from '../../api/status-hub';
import { StreamSlots } from '../../api/stream-slots';

// Event streams (issue 16 item 5): caps per key and overall, and one status reader per generation
// whatever the number of its streams. The reader's source is a counter here (pure logic); the
// same thing against the real processes is test/e2e/tenant-front-door.test.ts.

describe('stream slots', () => {
  it('caps the streams of one key and of the whole API, with a 429 that says when to retry', () => {
    const slots = new StreamSlots(3, 5);
    const a = [slots.open('ka', 'alice'), slots.open('ka', 'alice'), slots.open('ka', 'alice')];
    let refusal: unknown;
    try {
      slots.open('ka', 'alice');
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(RetryLaterError);
    expect((refusal as RetryLaterError).problem).toMatchObject({ status: 429, type: '/docs#problem-too-many-streams' });
    expect((refusal as RetryLaterError).problem.detail).toMatch(/"alice" has 3 event streams open/);
    expect((refusal as RetryLaterError).retryAfterSeconds).toBeGreaterThan(0);
    // Another key has its own budget, up to the overall cap.
    slots.open('kb', 'bob');
    slots.open('kb', 'bob');
    expect(() => slots.open('kc', 'carol')).toThrow(/as many event streams open as it serves/);
    // Releasing is idempotent: a stream that ends twice frees one slot.
    a[0]!();
    a[0]!();
    expect(slots.openFor('ka')).toBe(2);
    expect(slots.openTotal).toBe(4);
    slots.open('kc', 'carol');
    expect(() => slots.open('ka', 'alice')).toThrow(RetryLaterError);
  });
});

/** A status source that counts its calls; `finish(id)` makes the next read see the end. */
function countingSource() {
  const calls = { execution: 0, status: 0, result: 0 };
  const finished = new Set<string>();
  let updates = 0;
  const source: StatusSource = {
    execution: async (id) => {
      calls.execution++;
      return (finished.has(id) ? 'succeeded' : 'running') as Execution;
    },
    status: async () => {
      calls.status++;
      return { phase: 'waiting', updates: updates++ };
    },
    result: async (id) => {
      calls.result++;
      return { id, kind: 'img2video', execution: 'succeeded', createdAt: '' } as GenerationView;
    },
  };
  return { calls, source, finish: (id: string) => finished.add(id) };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

describe('status hub: one reader per generation', () => {
  it('reads once per interval for 1,000 streams of one generation, and hands every stream every snapshot', async () => {
    const { calls, source, finish } = countingSource();
    const hub = new StatusHub(source, 20);
    const seen = Array.from({ length: 1000 }, () => [] as StatusSnapshot[]);
    const unsubscribe = seen.map((list) => hub.subscribe('g1', (s) => list.push(s)));
    expect(hub.activeReaders).toBe(1);
    await until(() => calls.execution >= 5);
    finish('g1');
    await until(() => seen.every((l) => l.at(-1)?.result !== undefined));
    // One describe and one status query per snapshot, shared by all 1,000 streams; one result read.
    expect(calls.status).toBe(calls.execution);
    expect(calls.result).toBe(1);
    const counts = new Set(seen.map((l) => l.length));
    expect(counts.size).toBe(1);
    expect([...counts][0]).toBe(calls.execution);
    expect(hub.activeReaders).toBe(0);
    console.log(
      `[streams] 1,000 streams on one generation: ${calls.execution} describes, ${calls.status} status queries, ${calls.result} result read (one reader)`,
    );
    unsubscribe.forEach((u) => u());
  });

  it('gives a stream that joins the latest snapshot without a read of its own, and stops reading when the last stream leaves', async () => {
    const { calls, source } = countingSource();
    const hub = new StatusHub(source, 50);
    const first: StatusSnapshot[] = [];
    const leave1 = hub.subscribe('g2', (s) => first.push(s));
    await until(() => first.length === 1);
    const readsBefore = calls.execution;
    const late: StatusSnapshot[] = [];
    const leave2 = hub.subscribe('g2', (s) => late.push(s));
    await until(() => late.length === 1);
    expect(calls.execution).toBe(readsBefore);
    expect(late[0]).toBe(first[0]);
    // Two generations: two readers.
    const other = hub.subscribe('g3', () => undefined);
    expect(hub.activeReaders).toBe(2);
    leave1();
    leave2();
    other();
    await until(() => hub.activeReaders === 0);
    const after = calls.execution;
    await new Promise((r) => setTimeout(r, 150));
    expect(calls.execution).toBe(after);
  });

  it('ends every stream with an error snapshot when reading fails, and retires the reader', async () => {
    const hub = new StatusHub(
      {
        execution: () => Promise.reject(new Error('workflow not found')),
        status: () => Promise.resolve(undefined),
        result: () => Promise.reject(new Error('unused')),
      },
      20,
    );
    const got: StatusSnapshot[] = [];
    hub.subscribe('gone', (s) => got.push(s));
    await until(() => got.length === 1);
    expect(got[0]).toMatchObject({ error: 'workflow not found' });
    expect(hub.activeReaders).toBe(0);
  });
});
