import { describe, expect, it } from 'vitest';
import { isTerminal, mergeSnapshot, readTask, toSnapshot } from '../../core/task-snapshot';
import { CreationsResponse } from '../../vidu/schemas';
import { parseTaskUpdate } from '../../core/task-update';
import type { CreationRef, TaskSnapshot, TaskStateName } from '../../core/generation-types';

const TASK = '911045603801182208';
const OTHER = '911045603801182209';

function snap(state: TaskStateName, extra: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return {
    taskId: TASK,
    state,
    progress: state === 'success' ? 100 : 0,
    errCode: '',
    credits: 0,
    creations: [],
    source: 'poll',
    ...extra,
  };
}

const CREATIONS: CreationRef[] = [
  { id: 'c1', url: 'https://cdn.example/c1.mp4', coverUrl: 'https://cdn.example/c1.jpg' },
  { id: 'c2', url: 'https://cdn.example/c2.mp4', coverUrl: '' },
];

/** Vidu's Get Generation body (docs/vidu-api.md §6), as a poll or a callback delivers it. */
function viduBody(state: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: TASK,
    state,
    err_code: '',
    credits: 0,
    payload: '',
    bgm: false,
    off_peak: false,
    creations: [],
    ...extra,
  };
}

const VIDU_CREATIONS = [
  { id: 'c1', url: 'https://cdn.example/c1.mp4', cover_url: 'https://cdn.example/c1.jpg', watermarked_url: '' },
  { id: 'c2', url: 'https://cdn.example/c2.mp4', cover_url: '', watermarked_url: '' },
];

function fold(updates: readonly TaskSnapshot[], start?: TaskSnapshot): TaskSnapshot | undefined {
  return updates.reduce<TaskSnapshot | undefined>((cur, next) => mergeSnapshot(cur, next), start);
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

/** Deterministic PRNG (mulberry32), so a failing permutation can be reproduced from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let i = 0; i < items.length; i += 1) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) yield [items[i] as T, ...p];
  }
}

describe('toSnapshot', () => {
  it('reads a Get Generation body (state, err_code, cover_url, credits, progress)', () => {
    const s = toSnapshot(viduBody('success', { credits: 20, progress: 100, creations: VIDU_CREATIONS }), 'poll');
    expect(s).toEqual({
      taskId: TASK,
      state: 'success',
      progress: 100,
      errCode: '',
      credits: 20,
      creations: CREATIONS,
      source: 'poll',
    });
  });

  it('reads a failed body with its err_code', () => {
    const s = toSnapshot(viduBody('failed', { err_code: 'CreationPolicyViolation' }), 'callback');
    expect(s?.state).toBe('failed');
    expect(s?.errCode).toBe('CreationPolicyViolation');
    expect(s?.creations).toEqual([]);
    expect(s?.source).toBe('callback');
  });

  it('accepts `status` in place of `state` (docs/vidu-api.md §12.11)', () => {
    const s = toSnapshot({ id: TASK, status: 'processing', progress: 40 }, 'callback');
    expect(s).toMatchObject({ taskId: TASK, state: 'processing', progress: 40 });
  });

  it('prefers `state` when both are present', () => {
    expect(toSnapshot({ id: TASK, state: 'success', status: 'processing' }, 'callback')?.state).toBe('success');
  });

  it('reads every documented state, including scheduled', () => {
    for (const state of ['created', 'queueing', 'scheduled', 'processing', 'success', 'failed'] as const) {
      expect(toSnapshot({ state }, 'poll')?.state).toBe(state);
    }
  });

  it('accepts its own TaskSnapshot shape, taking the given source', () => {
    const original = snap('success', { credits: 12, creations: CREATIONS, source: 'poll', errCode: '' });
    expect(toSnapshot(original, 'callback')).toEqual({ ...original, source: 'callback' });
    expect(toSnapshot(original, 'poll')).toEqual(original);
  });

  it('takes the task id from taskId, id or task_id, else the fallback', () => {
    expect(toSnapshot({ taskId: 'a', state: 'created' }, 'submit')?.taskId).toBe('a');
    expect(toSnapshot({ id: 'b', state: 'created' }, 'submit')?.taskId).toBe('b');
    expect(toSnapshot({ task_id: 'c', state: 'created' }, 'submit')?.taskId).toBe('c');
    expect(toSnapshot({ state: 'created' }, 'submit', 'fallback')?.taskId).toBe('fallback');
    expect(toSnapshot({ state: 'created' }, 'submit')?.taskId).toBe('');
    expect(toSnapshot({ id: '', state: 'created' }, 'submit', 'fallback')?.taskId).toBe('fallback');
  });

  it('turns a numeric task id into a string', () => {
    expect(toSnapshot({ id: 12345, state: 'created' }, 'poll')?.taskId).toBe('12345');
  });

  it('defaults progress to 100 on success and 0 otherwise, and clamps it to 0..100', () => {
    expect(toSnapshot({ state: 'success' }, 'poll')?.progress).toBe(100);
    expect(toSnapshot({ state: 'processing' }, 'poll')?.progress).toBe(0);
    expect(toSnapshot({ state: 'failed' }, 'poll')?.progress).toBe(0);
    expect(toSnapshot({ state: 'processing', progress: 150 }, 'poll')?.progress).toBe(100);
    expect(toSnapshot({ state: 'processing', progress: -5 }, 'poll')?.progress).toBe(0);
    expect(toSnapshot({ state: 'processing', progress: '42' }, 'poll')?.progress).toBe(42);
    expect(toSnapshot({ state: 'processing', progress: 'lots' }, 'poll')?.progress).toBe(0);
    expect(toSnapshot({ state: 'processing', progress: 37.5 }, 'poll')?.progress).toBe(37.5);
  });

  it('reads credits as numbers, junk as 0', () => {
    expect(toSnapshot({ state: 'success', credits: '12' }, 'poll')?.credits).toBe(12);
    expect(toSnapshot({ state: 'success', credits: null }, 'poll')?.credits).toBe(0);
    expect(toSnapshot({ state: 'success', credits: {} }, 'poll')?.credits).toBe(0);
  });

  it('keeps only creations with an id and a url', () => {
    const s = toSnapshot(
      {
        state: 'success',
        creations: [
          null,
          'x',
          7,
          { id: 'no-url' },
          { url: 'https://no-id' },
          { id: 'ok', url: 'https://ok', cover_url: { nested: true } },
          { id: 3, url: 'https://n' },
        ],
      },
      'poll',
    );
    expect(s?.creations).toEqual([
      { id: 'ok', url: 'https://ok', coverUrl: '' },
      { id: '3', url: 'https://n', coverUrl: '' },
    ]);
  });

  it('reads a non-array creations field as none (docs/vidu-api.md §12.13 is about the task list only)', () => {
    expect(toSnapshot({ state: 'success', creations: { id: 'c', url: 'u' } }, 'poll')?.creations).toEqual([]);
    expect(toSnapshot({ state: 'success', creations: null }, 'poll')?.creations).toEqual([]);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'success'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', ['success']],
    ['an empty object', {}],
    ['an unknown state', { state: 'done' }],
    ['an upper-case state', { state: 'SUCCESS' }],
    ['a numeric state', { state: 4 }],
    ['an empty state', { state: '' }],
    ['an error body', { code: 400, reason: 'BadRequest', message: 'x', metadata: { trace_id: 'abc' } }],
    // Inherited property names of a plain object are not states (was a bug: `value in STATE_RANK`).
    ['state "toString"', { state: 'toString' }],
    ['state "constructor"', { state: 'constructor' }],
    ['state "hasOwnProperty"', { state: 'hasOwnProperty' }],
    ['state "__proto__"', { state: '__proto__' }],
    ['status "valueOf"', { status: 'valueOf' }],
  ])('returns undefined for %s', (_name, body) => {
    expect(toSnapshot(body, 'callback')).toBeUndefined();
  });
});

describe('isTerminal', () => {
  it('is true for success and failed only', () => {
    expect(isTerminal('success')).toBe(true);
    expect(isTerminal('failed')).toBe(true);
    for (const s of ['created', 'queueing', 'scheduled', 'processing'] as const) expect(isTerminal(s)).toBe(false);
    expect(isTerminal(undefined)).toBe(false);
  });
});

describe('mergeSnapshot', () => {
  it('takes the first snapshot when there is none yet', () => {
    const next = snap('queueing');
    expect(mergeSnapshot(undefined, next)).toBe(next);
  });

  it('moves forward through every state in order', () => {
    const order: TaskStateName[] = ['created', 'queueing', 'scheduled', 'processing', 'success'];
    let cur: TaskSnapshot | undefined;
    for (const state of order) {
      cur = mergeSnapshot(cur, snap(state));
      expect(cur.state).toBe(state);
    }
  });

  it('may skip states (created straight to success or failed)', () => {
    expect(mergeSnapshot(snap('created'), snap('success')).state).toBe('success');
    expect(mergeSnapshot(snap('created'), snap('failed')).state).toBe('failed');
    expect(mergeSnapshot(snap('queueing'), snap('processing')).state).toBe('processing');
  });

  it('never moves back', () => {
    const order: TaskStateName[] = ['created', 'queueing', 'scheduled', 'processing'];
    for (let i = 0; i < order.length; i += 1) {
      for (let j = 0; j < i; j += 1) {
        const current = snap(order[i] as TaskStateName, { progress: 10 });
        expect(mergeSnapshot(current, snap(order[j] as TaskStateName, { progress: 99 }))).toBe(current);
      }
    }
  });

  it('accepts the same state only with more progress', () => {
    const at50 = snap('processing', { progress: 50 });
    expect(mergeSnapshot(at50, snap('processing', { progress: 70 })).progress).toBe(70);
    expect(mergeSnapshot(at50, snap('processing', { progress: 50, credits: 9 }))).toBe(at50);
    expect(mergeSnapshot(at50, snap('processing', { progress: 30 }))).toBe(at50);
  });

  it('ignores an exact duplicate', () => {
    const s = snap('processing', { progress: 40 });
    expect(mergeSnapshot(s, { ...s })).toBe(s);
    const done = snap('success', { creations: CREATIONS });
    expect(mergeSnapshot(done, { ...done, source: 'callback' })).toBe(done);
  });

  it('treats a terminal state as final', () => {
    const success = snap('success', { creations: CREATIONS, credits: 20 });
    const failed = snap('failed', { errCode: 'CreationPolicyViolation' });
    for (const late of [snap('created'), snap('queueing'), snap('scheduled'), snap('processing', { progress: 99 })]) {
      expect(mergeSnapshot(success, late)).toBe(success);
      expect(mergeSnapshot(failed, late)).toBe(failed);
    }
    expect(mergeSnapshot(success, failed)).toBe(success);
    expect(mergeSnapshot(failed, success)).toBe(failed);
    expect(mergeSnapshot(failed, snap('failed', { errCode: 'InternalServiceFailure' }))).toBe(failed);
  });

  it('lets a terminal snapshot without creations be completed by the same state with creations', () => {
    const thin = snap('success', { credits: 0, source: 'callback' });
    const full = snap('success', { credits: 20, creations: CREATIONS, source: 'poll' });
    const merged = mergeSnapshot(thin, full);
    expect(merged.state).toBe('success');
    expect(merged.creations).toEqual(CREATIONS);
    expect(merged.credits).toBe(20);
    expect(merged.taskId).toBe(TASK);
  });

  it('keeps the known task id when completing a terminal snapshot from a body without one', () => {
    const merged = mergeSnapshot(snap('success'), snap('success', { taskId: '', creations: CREATIONS }));
    expect(merged.taskId).toBe(TASK);
    expect(merged.creations).toEqual(CREATIONS);
  });

  it('does not replace creations once a terminal snapshot has them', () => {
    const full = snap('success', { creations: CREATIONS });
    const other = snap('success', { creations: [{ id: 'c9', url: 'https://cdn.example/c9.mp4', coverUrl: '' }] });
    expect(mergeSnapshot(full, other)).toBe(full);
    expect(mergeSnapshot(full, snap('success'))).toBe(full);
  });

  it('does not complete a terminal snapshot with a different terminal state', () => {
    const failed = snap('failed', { errCode: 'UserCancelled' });
    expect(mergeSnapshot(failed, snap('success', { creations: CREATIONS }))).toBe(failed);
  });

  it('ignores updates for another task', () => {
    const current = snap('processing', { progress: 10 });
    expect(mergeSnapshot(current, snap('success', { taskId: OTHER, creations: CREATIONS }))).toBe(current);
    expect(mergeSnapshot(current, snap('processing', { taskId: OTHER, progress: 90 }))).toBe(current);
    const thin = snap('success');
    expect(mergeSnapshot(thin, snap('success', { taskId: OTHER, creations: CREATIONS }))).toBe(thin);
  });

  it('fills in a missing task id from either side', () => {
    expect(mergeSnapshot(snap('created'), snap('queueing', { taskId: '' })).taskId).toBe(TASK);
    expect(mergeSnapshot(snap('created', { taskId: '' }), snap('queueing')).taskId).toBe(TASK);
  });

  describe('out-of-order delivery (property-style)', () => {
    // What a real task produces: the submit answer, callbacks (some twice, as Vidu retries terminal
    // callbacks), polls racing them, a callback using `status`, and a thin terminal callback.
    const successUpdates: TaskSnapshot[] = [
      must(toSnapshot(viduBody('created', { task_id: TASK, id: undefined }), 'submit')),
      must(toSnapshot(viduBody('queueing'), 'callback')),
      must(toSnapshot({ id: TASK, status: 'processing', progress: 10 }, 'callback')),
      must(toSnapshot(viduBody('processing', { progress: 55 }), 'poll')),
      must(toSnapshot(viduBody('processing', { progress: 90 }), 'callback')),
      must(toSnapshot({ id: TASK, state: 'success' }, 'callback')),
      must(toSnapshot(viduBody('success', { credits: 20, progress: 100, creations: VIDU_CREATIONS }), 'poll')),
    ];

    function expectSucceeded(result: TaskSnapshot | undefined): void {
      expect(result).toBeDefined();
      expect(result?.taskId).toBe(TASK);
      expect(result?.state).toBe('success');
      expect(result?.creations).toEqual(CREATIONS);
      expect(result?.credits).toBe(20);
      expect(result?.progress).toBe(100);
    }

    /** Plain check, so thousands of orders cost little; the first bad order is reported. */
    function succeeded(result: TaskSnapshot | undefined): boolean {
      return (
        result !== undefined &&
        result.taskId === TASK &&
        result.state === 'success' &&
        JSON.stringify(result.creations) === JSON.stringify(CREATIONS) &&
        result.credits === 20 &&
        result.progress === 100
      );
    }

    it('ends in success with its creations for all 5040 orders of a 7-update sequence', () => {
      let count = 0;
      let firstBad: string | undefined;
      for (const order of permutations(successUpdates)) {
        const result = fold(order);
        if (!succeeded(result) && firstBad === undefined) firstBad = JSON.stringify({ order, result });
        count += 1;
      }
      expect(firstBad).toBeUndefined();
      expect(count).toBe(5040);
      expectSucceeded(fold([...successUpdates].reverse()));
    });

    it('ends in success with its creations for random orders with duplicates and foreign updates', () => {
      const foreign = [
        snap('failed', { taskId: OTHER, errCode: 'CreationPolicyViolation' }),
        snap('success', { taskId: OTHER, creations: [{ id: 'x', url: 'https://x', coverUrl: '' }] }),
      ];
      for (let seed = 1; seed <= 500; seed += 1) {
        const random = rng(seed);
        const updates = [...successUpdates, ...foreign];
        // Duplicate a random handful (callback retries, repeated polls).
        for (let k = 0; k < 6; k += 1)
          updates.push(successUpdates[Math.floor(random() * successUpdates.length)] as TaskSnapshot);
        const order = shuffle(updates, random);
        // The workflow holds the submit answer before any callback or poll can arrive.
        const result = fold(order, successUpdates[0]);
        if (!succeeded(result)) expect.fail(`seed ${seed}: ${JSON.stringify({ order, result })}`);
      }
    });

    it('never moves backwards along any order', () => {
      const rank: Record<TaskStateName, number> = {
        created: 0,
        queueing: 1,
        scheduled: 2,
        processing: 3,
        success: 4,
        failed: 4,
      };
      for (let seed = 1; seed <= 200; seed += 1) {
        const order = shuffle(successUpdates, rng(seed));
        let cur: TaskSnapshot | undefined;
        for (const next of order) {
          const merged = mergeSnapshot(cur, next);
          if (cur) {
            expect(rank[merged.state]).toBeGreaterThanOrEqual(rank[cur.state]);
            if (merged.state === cur.state) expect(merged.progress).toBeGreaterThanOrEqual(cur.progress);
          }
          cur = merged;
        }
      }
    });

    it('ends failed with its err_code for every order of a failing task', () => {
      const updates: TaskSnapshot[] = [
        must(toSnapshot(viduBody('created'), 'submit')),
        must(toSnapshot(viduBody('queueing'), 'poll')),
        must(toSnapshot(viduBody('processing', { progress: 40 }), 'callback')),
        must(toSnapshot(viduBody('failed', { err_code: 'CreationPolicyViolation' }), 'callback')),
        must(toSnapshot(viduBody('failed', { err_code: 'CreationPolicyViolation' }), 'callback')),
        must(toSnapshot({ id: TASK, status: 'failed', err_code: 'CreationPolicyViolation' }, 'poll')),
      ];
      for (const order of permutations(updates)) {
        const result = fold(order);
        expect(result?.state).toBe('failed');
        expect(result?.errCode).toBe('CreationPolicyViolation');
      }
    });

    it('handles the off-peak path (created → scheduled → processing → success) in any order', () => {
      const updates: TaskSnapshot[] = [
        snap('created', { source: 'submit' }),
        snap('scheduled'),
        snap('queueing'),
        snap('processing', { progress: 20 }),
        snap('success', { creations: CREATIONS, credits: 5 }),
      ];
      for (const order of permutations(updates)) {
        const result = fold(order);
        expect(result?.state).toBe('success');
        expect(result?.creations).toEqual(CREATIONS);
      }
    });

    it('reaches the furthest non-terminal state whatever the order', () => {
      const updates = [
        snap('created'),
        snap('queueing'),
        snap('processing', { progress: 30 }),
        snap('processing', { progress: 80 }),
        snap('scheduled'),
      ];
      for (const order of permutations(updates)) {
        const result = fold(order);
        expect(result?.state).toBe('processing');
        expect(result?.progress).toBe(80);
      }
    });
  });
});

describe('readTask (Get Generation and poll answers)', () => {
  it('reads a known state exactly like toSnapshot', () => {
    const body = viduBody('success', { credits: 20, progress: 100, creations: VIDU_CREATIONS });
    expect(readTask(body, 'poll')).toEqual(toSnapshot(body, 'poll'));
  });

  it('reports a state the contract does not know instead of failing, tamed for status and signals', () => {
    expect(readTask(viduBody('paused'), 'poll')).toEqual({ taskId: TASK, unknownState: 'paused', source: 'poll' });
    expect(readTask({ status: 'waiting for gpu' }, 'poll', 'fallback')).toEqual({
      taskId: 'fallback',
      unknownState: 'waiting_for_gpu',
      source: 'poll',
    });
    // Inherited names are not states either.
    expect(readTask(viduBody('constructor'), 'poll')).toMatchObject({ unknownState: 'constructor' });
    expect(readTask(viduBody('x'.repeat(100)), 'poll')).toMatchObject({ unknownState: 'x'.repeat(32) });
  });

  it('gets an unknown state through the Get Generation schema, which must not fail on it', () => {
    const parsed = CreationsResponse.parse(viduBody('rendering_v2', { progress: 70 }));
    expect(readTask(parsed, 'poll', TASK)).toEqual({ taskId: TASK, unknownState: 'rendering_v2', source: 'poll' });
  });

  it('is undefined only without any state string', () => {
    expect(readTask({ id: TASK }, 'poll')).toBeUndefined();
    expect(readTask({ id: TASK, state: 7 }, 'poll')).toBeUndefined();
    expect(readTask(null, 'poll')).toBeUndefined();
  });
});

describe('parseTaskUpdate (the taskUpdate signal, checked again inside the workflow)', () => {
  it('keeps task id, state, progress and nonce, and nothing else', () => {
    const forged = {
      taskId: TASK,
      state: 'success',
      progress: 100,
      nonce: 'n-1',
      credits: 0,
      creations: [{ id: '../victim', url: 'http://127.0.0.1/x.mp4' }],
    };
    expect(parseTaskUpdate(forged)).toEqual({ taskId: TASK, state: 'success', progress: 100, nonce: 'n-1' });
    expect(parseTaskUpdate({ state: 'processing', progress: 12.5 })).toEqual({ state: 'processing', progress: 12.5 });
  });

  it('accepts an unknown but well-formed state (the tracker counts it)', () => {
    expect(parseTaskUpdate({ taskId: TASK, state: 'paused', progress: 0 })?.state).toBe('paused');
  });

  it.each([
    ['not an object', 'success'],
    ['an array', [{ state: 'success', progress: 0 }]],
    ['no state', { taskId: TASK, progress: 0 }],
    ['a state with a space', { state: 'suc cess', progress: 0 }],
    ['a long state', { state: 's'.repeat(33), progress: 0 }],
    ['progress above 100', { state: 'processing', progress: 101 }],
    ['progress as text', { state: 'processing', progress: '50' }],
    ['NaN progress', { state: 'processing', progress: Number.NaN }],
    ['a task id with a slash', { taskId: '../victim', state: 'success', progress: 0 }],
    ['a numeric task id', { taskId: 911045603801182208, state: 'success', progress: 0 }],
    ['a nonce with a space', { state: 'success', progress: 0, nonce: 'a b' }],
    ['an overlong nonce', { state: 'success', progress: 0, nonce: 'n'.repeat(129) }],
  ])('refuses %s', (_what, raw) => {
    expect(parseTaskUpdate(raw)).toBeUndefined();
  });
});
