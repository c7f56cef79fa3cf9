// Pure parts of "one truth about a generation" (issue 22 item 4): the one meaning of credits,
// recognising a schedule by what it starts, and reading a deferred start from describe.
import { TypedSearchAttributes } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { deferredGenerationStatus, deferredStartOf } from '../../client/run-handle';
import { recognizeSchedule } from '../../client/schedules';
import { ViduKind } from '../../core/search-attributes';
import { taskCredits } from '../../core/task-snapshot';

describe('taskCredits: charged net of refunds, and what was refunded', () => {
  it('a running task costs the price Vidu quoted, even if an answer meanwhile says 0', () => {
    expect(taskCredits({ state: 'queueing', credits: 25 }, 25)).toEqual({ charged: 25, refunded: 0 });
    expect(taskCredits({ state: 'processing', credits: 0 }, 25)).toEqual({ charged: 25, refunded: 0 });
  });
  it('a finished task whose credits dropped was refunded the difference (the cancel of a queued task)', () => {
    expect(taskCredits({ state: 'failed', credits: 0 }, 25)).toEqual({ charged: 0, refunded: 25 });
    expect(taskCredits({ state: 'success', credits: 40 }, 40)).toEqual({ charged: 40, refunded: 0 });
    expect(taskCredits({ state: 'failed', credits: 10 }, 10)).toEqual({ charged: 10, refunded: 0 });
  });
  it('an off-peak task Vidu expired is refunded in full, whatever its last answer still says', () => {
    expect(taskCredits({ state: 'failed', credits: 25 }, 25, true)).toEqual({ charged: 0, refunded: 25 });
  });
  it('nothing known yet costs nothing', () => {
    expect(taskCredits(undefined, 0)).toEqual({ charged: 0, refunded: 0 });
  });
});

describe('recognizeSchedule: by what it starts, on which task queue', () => {
  const memo = (taskQueue: string) => ({ viduFlow: { taskQueue, spec: { at: '01:00' }, action: 'img2video' } });
  it('vidu-flow’s memo answers at once', () => {
    expect(recognizeSchedule({ memo: memo('vidu-flow'), workflowType: 'img2video' }, 'vidu-flow')).toBe('ours');
    expect(recognizeSchedule({ memo: memo('other'), workflowType: 'img2video' }, 'vidu-flow')).toBe('not-ours');
  });
  it('without it: one of our workflow types needs the task queue (describe); another type is not ours', () => {
    expect(recognizeSchedule({ workflowType: 'img2video' }, 'vidu-flow')).toBe('describe');
    expect(recognizeSchedule({ workflowType: 'batch', taskQueue: 'vidu-flow' }, 'vidu-flow')).toBe('ours');
    expect(recognizeSchedule({ workflowType: 'adFilm', taskQueue: 'other' }, 'vidu-flow')).toBe('not-ours');
    expect(recognizeSchedule({ workflowType: 'billingReport', taskQueue: 'vidu-flow' }, 'vidu-flow')).toBe('not-ours');
    expect(recognizeSchedule({ memo: {}, workflowType: undefined }, 'vidu-flow')).toBe('not-ours');
  });
});

describe('deferredStartOf: a delayed start read from describe', () => {
  const start = new Date('2026-01-02T00:00:00Z');
  const desc = (executionTime: Date | undefined, status = 'RUNNING') => ({
    status: { name: status, code: 1 },
    startTime: start,
    executionTime,
    type: 'img2video',
    typedSearchAttributes: new TypedSearchAttributes([{ key: ViduKind, value: 'img2video' }]),
  });
  it('running, with an execution time after the start and still ahead: deferred until then', () => {
    const d = deferredStartOf(desc(new Date('2026-01-02T01:00:00Z')) as never, new Date('2026-01-02T00:10:00Z'));
    expect(d).toEqual({ kind: 'img2video', notBefore: '2026-01-02T01:00:00.000Z' });
    expect(deferredGenerationStatus(d!)).toEqual({
      kind: 'img2video',
      phase: 'deferred',
      state: 'not_submitted',
      progress: 0,
      updates: 0,
      notBefore: '2026-01-02T01:00:00.000Z',
    });
  });
  it('not deferred: no delay, the delay over, or closed', () => {
    expect(deferredStartOf(desc(start) as never, start)).toBeUndefined();
    expect(
      deferredStartOf(desc(new Date('2026-01-02T01:00:00Z')) as never, new Date('2026-01-02T02:00:00Z')),
    ).toBeUndefined();
    expect(deferredStartOf(desc(new Date('2026-01-02T01:00:00Z'), 'TERMINATED') as never, start)).toBeUndefined();
  });
});
