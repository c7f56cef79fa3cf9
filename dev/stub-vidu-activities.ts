// A fake Vidu for dev/record-stub-histories.ts: every activity the generation and batch workflows
// call, answering at once from the request's prompt ('fail' fails the task, 'hang' never finishes,
// 'refuse' refuses a cancel and then succeeds), and a batch file served from a fixed list of lines.
import { ApplicationFailure } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { makeBatchActivities } from '../activities/batch';
import type { ArchiveStore } from '../platform/stores/archive-store';
import type { BatchLine, BatchLineResult, ReadBatchLinesResult } from '../core/batch-types';
import type { CancelResult, CreationRef, StageResult, TaskSnapshot } from '../core/generation-types';

let seq = 0;
/** taskId → prompt, and behaviour by prompt: 'fail' fails, 'hang' never finishes, 'refuse' refuses a cancel then succeeds. */
const prompts = new Map<string, string>();
const cancelAsked = new Set<string>();
const creation = (taskId: string): CreationRef => ({
  id: `c-${taskId}`,
  url: `https://cdn.example/${taskId}.mp4`,
  coverUrl: '',
});
const snap = (taskId: string, state: TaskSnapshot['state'], source: TaskSnapshot['source'] = 'poll'): TaskSnapshot => ({
  taskId,
  state,
  progress: state === 'success' ? 100 : 10,
  errCode: state === 'failed' ? 'CreationPolicyViolation' : '',
  credits: 10,
  creations: state === 'success' ? [creation(taskId)] : [],
  source,
});
function now(taskId: string): TaskSnapshot {
  const p = prompts.get(taskId) ?? '';
  if (p.includes('fail')) return snap(taskId, 'failed');
  if (p.includes('hang')) return snap(taskId, 'processing');
  if (p.includes('refuse')) return cancelAsked.has(taskId) ? snap(taskId, 'success') : snap(taskId, 'processing');
  return snap(taskId, 'success');
}
export async function stageInputs(input: { request: Record<string, unknown> }): Promise<StageResult> {
  return { request: input.request, media: [], offPeak: false, model: 'viduq2' };
}
export async function submitWhenAdmitted(input: { request: Record<string, unknown> }) {
  const taskId = `t${++seq}`;
  prompts.set(taskId, String(input.request.prompt ?? input.request.video_creation_id ?? ''));
  return { taskId, state: 'created' as const, credits: 10, callbackRegistered: false, via: 'created' as const };
}
export const submitTask = submitWhenAdmitted;
export async function requestSlot() {
  return undefined;
}
export async function releaseSlot() {}
export async function pollTask(input: { taskId: string }): Promise<TaskSnapshot> {
  const s = now(input.taskId);
  if (s.state === 'processing') {
    throw ApplicationFailure.create({
      type: 'TaskNotFinished',
      message: 'still running',
      nextRetryDelay: '1s',
      category: ApplicationFailureCategory.BENIGN,
    });
  }
  return s;
}
export async function fetchTask(input: { taskId: string }): Promise<TaskSnapshot> {
  return now(input.taskId);
}
export async function cancelTask(input: { taskId: string }): Promise<CancelResult> {
  const p = prompts.get(input.taskId) ?? '';
  cancelAsked.add(input.taskId);
  if (p.includes('refuse')) return { outcome: 'refused', message: 'stub: the task already runs' };
  return {
    outcome: 'cancelled',
    message: 'stub',
    after: { ...snap(input.taskId, 'failed'), errCode: 'UserCancelled', credits: 0 },
  };
}
export async function archiveTask(input: { workflowId: string; creations: CreationRef[] }) {
  return {
    root: `memory:${input.workflowId}`,
    manifest: `memory:${input.workflowId}/manifest.json`,
    files: input.creations.map((c) => ({
      name: `${c.id}.mp4`,
      bytes: 1,
      sha256: 'x',
      contentType: 'video/mp4',
      creationId: c.id,
    })),
  };
}

// Batches: lines from a fixed list, by line number.
const line = (n: number, prompt: string): BatchLine => ({
  line: n,
  offset: n * 100,
  kind: 'img2video',
  input: {
    request: { model: 'viduq2', images: ['https://cdn.example/a.png'], prompt },
    options: { archive: false, priority: 'batch', poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 2 } },
  },
});
const LINES: Record<string, BatchLine[]> = {
  multi: [
    line(1, 'one'),
    line(2, 'two'),
    { line: 3, offset: 300, error: { type: 'InvalidRequest', message: 'line 3: not JSON' } } as unknown as BatchLine,
    line(4, 'four'),
    line(5, 'five fail'),
    line(6, 'six'),
    line(7, 'seven'),
  ],
  hang: [line(1, 'hang one'), line(2, 'hang two'), line(3, 'three')],
};
export async function readBatchLines(input: {
  path: string;
  line: number;
  limit: number;
}): Promise<ReadBatchLinesResult> {
  const all = LINES[input.path] ?? [];
  const lines = all.filter((l) => l.line >= input.line).slice(0, input.limit);
  const last = lines[lines.length - 1];
  const nextLine = last ? last.line + 1 : input.line;
  return {
    lines,
    next: { offset: nextLine * 100, line: nextLine },
    eof: nextLine > all.length,
    total: all.length,
    source: { bytes: all.length * 100, mtimeMs: 1 },
  };
}
const results = new Map<string, BatchLineResult[]>();
export async function recordBatchResults(input: { workflowId: string; results: BatchLineResult[] }): Promise<void> {
  results.set(input.workflowId, [...(results.get(input.workflowId) ?? []), ...input.results]);
}
export async function finishBatchResults(input: { workflowId: string }) {
  return { resultsFile: `memory:${input.workflowId}`, lines: results.get(input.workflowId)?.length ?? 0 };
}
export const { awaitBatchChild } = makeBatchActivities({ archive: {} as ArchiveStore });
