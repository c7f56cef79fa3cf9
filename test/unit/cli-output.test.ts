import { ActivityFailure, ApplicationFailure, CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { RetryState } from '@temporalio/common';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatFailure, formatResult, formatStatus, formatTable } from '../../cli/output';
import { describeFailure } from '../../platform/temporal/failure-report';
import { lineProgress } from '../../cli/progress';
import type { GenerationResult, GenerationStatus } from '../../core/generation-types';

const failed = (cause: Error) =>
  new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE);

describe('failure reports', () => {
  it('unwraps WorkflowFailedError → ApplicationFailure and surfaces err_code', () => {
    const app = ApplicationFailure.create({
      type: 'ViduTaskFailed',
      message: 'Vidu task 123 failed with err_code ImageCheckFailed (0 credits)',
      nonRetryable: true,
      details: [{ taskId: '123', errCode: 'ImageCheckFailed', credits: 0 }],
    });
    const f = describeFailure(failed(app));
    expect(f).toMatchObject({
      type: 'ViduTaskFailed',
      errCode: 'ImageCheckFailed',
      details: [{ taskId: '123', errCode: 'ImageCheckFailed', credits: 0 }],
    });
    const text = formatFailure('img2video-1', f);
    expect(text).toContain('✗ img2video-1: ViduTaskFailed: Vidu task 123 failed');
    expect(text).toContain('err_code: ImageCheckFailed');
    expect(text).toContain('taskId: 123');
  });

  it('unwraps an activity failure and lists the issues of an InvalidRequest', () => {
    const app = ApplicationFailure.create({
      type: 'InvalidRequest',
      message: 'the inputs break documented limits',
      nonRetryable: true,
      details: [{ issues: ['images[0]: 9000×9000 px is too large', 'images[0]: aspect ratio 1:5'] }],
    });
    const act = new ActivityFailure(
      'Activity task failed',
      'stageInputs',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      'worker',
      app,
    );
    const f = describeFailure(failed(act));
    expect(f.type).toBe('InvalidRequest');
    expect(f.chain).toEqual(['activity stageInputs failed']);
    const text = formatFailure('wf', f);
    expect(text).toContain('  issues:\n    - images[0]: 9000×9000 px is too large\n    - images[0]: aspect ratio 1:5');
    expect(text).toContain('via: activity stageInputs failed');
  });

  it('reports a cancellation with the outcome recorded by the status query', () => {
    const f = describeFailure(failed(new CancelledFailure('Workflow cancelled')));
    expect(f.type).toBe('Cancelled');
    const status: GenerationStatus = {
      kind: 'img2video',
      phase: 'cancelled',
      state: 'processing',
      progress: 30,
      updates: 0,
      cancellation: { outcome: 'cancelled', message: 'Vidu cancelled the task' },
    };
    expect(formatFailure('wf', f, status)).toContain('cancellation: cancelled — Vidu cancelled the task');
  });

  it('falls back to the plain error', () => {
    expect(describeFailure(new Error('boom'))).toEqual({ type: 'Error', message: 'boom', details: [], chain: [] });
  });
});

describe('result, status and table formatting', () => {
  const result: GenerationResult = {
    kind: 'img2video',
    workflowId: 'img2video-1',
    taskId: '900',
    state: 'success',
    credits: 20,
    creations: [{ id: 'c1', url: 'https://cdn/v.mp4', coverUrl: 'https://cdn/c.jpg' }],
    archive: {
      root: '/data/archive/img2video-1',
      manifest: '/data/archive/img2video-1/manifest.json',
      files: [
        {
          name: 'c1.mp4',
          role: 'video',
          creationId: 'c1',
          sha256: 'ab'.repeat(32),
          bytes: 3 * 1024 * 1024,
          contentType: 'video/mp4',
          location: 'file:///data/archive/img2video-1/c1.mp4',
        },
      ],
    },
  };

  it('prints the estimate beside the charge, or why there was none', () => {
    expect(formatResult({ ...result, estimatedCredits: 25 })).toContain('· 20 credits (estimated 25)');
    const exec = {
      workflowId: 'img2video-1',
      runId: 'r',
      type: 'img2video',
      status: { name: 'RUNNING' },
      startTime: new Date(0),
    } as never;
    const base = {
      kind: 'img2video',
      phase: 'waiting',
      state: 'processing',
      progress: 40,
      taskId: '900',
      credits: 20,
      updates: 0,
    } as const;
    expect(formatStatus(exec, { ...base, estimatedCredits: 20 })).toMatch(/estimate\s+20 credits before submission/);
    expect(formatStatus(exec, { ...base, estimateUnpriced: 'template: no price' })).toMatch(
      /estimate\s+none: template: no price/,
    );
  });

  it('prints the task, the creations and the archive', () => {
    const text = formatResult(result);
    expect(text).toContain('✓ img2video-1: img2video success · Vidu task 900 · 20 credits');
    expect(text).toContain('c1  https://cdn/v.mp4');
    expect(text).toContain('manifest /data/archive/img2video-1/manifest.json');
    expect(text).toMatch(/video\s+c1\.mp4\s+3\.0 MiB/);
  });

  it('prints the status query beside the execution status', () => {
    const text = formatStatus(
      { workflowId: 'wf', type: 'img2video', status: 'RUNNING', startTime: new Date('2025-01-01T00:00:00Z') },
      {
        kind: 'img2video',
        phase: 'waiting',
        state: 'processing',
        progress: 40,
        taskId: '900',
        credits: 20,
        waitMode: 'poll',
        updates: 0,
      },
    );
    expect(text).toMatch(/execution\s+RUNNING · started 2025-01-01T00:00:00.000Z/);
    expect(text).toMatch(/vidu state\s+processing · 40%/);
    expect(text).toMatch(/vidu task\s+900 · 20 credits/);
  });

  it('says when the status query is unavailable', () => {
    const text = formatStatus(
      { workflowId: 'wf', type: 'img2video', status: 'COMPLETED', startTime: new Date(0) },
      undefined,
      'no worker',
    );
    expect(text).toMatch(/status query\s+unavailable \(no worker\)/);
  });

  it('aligns table columns', () => {
    expect(
      formatTable(
        ['A', 'BB'],
        [
          ['xxx', 'y'],
          ['z', ''],
        ],
      ),
    ).toBe('A    BB\nxxx  y\nz');
  });
});

describe('plain progress lines (stderr not a terminal)', () => {
  it('prints one line per change of phase or state', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    const p = lineProgress(stream, () => new Date('2025-01-01T10:00:00Z'));
    const s = (
      phase: GenerationStatus['phase'],
      state: GenerationStatus['state'],
      progress: number,
    ): GenerationStatus => ({ kind: 'img2video', phase, state, progress, updates: 0 });
    p.update(s('staging', 'not_submitted', 0));
    p.update(s('staging', 'not_submitted', 0));
    p.update(s('waiting', 'processing', 10));
    p.update(s('waiting', 'processing', 50));
    p.update(s('done', 'success', 100));
    p.stop();
    stream.end();
    expect(text.trim().split('\n')).toEqual([
      '10:00:00 staging · not_submitted 0%',
      '10:00:00 waiting · processing 10%',
      '10:00:00 done · success 100%',
    ]);
  });
});
