import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../../core/failure-types';
import type { ArchiveResult, GenerationResult, TaskAttempt, TaskSnapshot } from '../../core/generation-types';
import { classifyTaskFailure } from '../../vidu/errors';
import { archiving } from '../common/activity-proxies';
import { credits, describe, failed, isOffPeakRefund, type GenerationRun } from './state';
import { checkEstimate } from './price-check';
import { upscaleResult } from './upscale';

/** Finish: a terminal task; a failure becomes a typed error, a success is archived (and upscaled if asked). */
export async function finish(run: GenerationRun): Promise<GenerationResult> {
  const done = run.snapshot as TaskSnapshot;
  const id = run.taskId as string;
  const { charged } = credits(run);
  run.metrics.taskOver(charged);
  if (done.state === 'failed') throw taskFailed(run, done, id);
  checkEstimate(run, charged);
  const attempts = run.status.attempts;
  let archive: ArchiveResult | undefined;
  if (run.options.archive !== false) {
    run.status.phase = 'archiving';
    describe(run);
    archive = await archiving.archiveTask.executeWithOptions(
      { summary: `archive ${done.creations.length} creation(s) of task ${id}` },
      [{ workflowId: run.workflowId, kind: run.kind, taskId: id, creations: done.creations }],
    );
    run.status.archive = archive;
  }
  const { upscale, upscaleMissing } = run.options.upscale ? await upscaleResult(run, done.creations, run.options) : {};
  run.status.phase = 'done';
  describe(run);
  return {
    kind: run.kind,
    workflowId: run.workflowId,
    taskId: id,
    state: 'success',
    // With retries, every task's credits (the attempts list them one by one).
    credits: charged + run.creditsEarlier,
    ...(run.status.estimatedCredits !== undefined ? { estimatedCredits: run.status.estimatedCredits } : {}),
    ...(run.status.estimateUnpriced !== undefined ? { estimateUnpriced: run.status.estimateUnpriced } : {}),
    creations: done.creations,
    ...(archive ? { archive } : {}),
    ...(run.status.cancellation ? { cancellation: run.status.cancellation } : {}),
    ...(upscale ? { upscale } : {}),
    ...(upscaleMissing ? { upscaleMissing } : {}),
    ...(attempts ? { attempts } : {}),
    ...(run.voice ? { voice: run.voice } : {}),
  };
}

function taskFailed(run: GenerationRun, done: TaskSnapshot, id: string): ApplicationFailure {
  run.status.error = `Vidu task ${id} failed: ${done.errCode || 'no err_code'}`;
  const { charged, refunded } = credits(run);
  const creditsRefunded = refunded > 0 ? { creditsRefunded: refunded } : {};
  const failure =
    run.offPeak && isOffPeakRefund(done)
      ? ApplicationFailure.create({
          type: FailureType.OffPeakRefunded,
          message: `Vidu could not run off-peak task ${id} within its 48-hour window; it cancelled it and refunded the credits (err_code ${done.errCode || '(none)'})`,
          nonRetryable: true,
          details: [{ taskId: id, errCode: done.errCode, refunded: true, credits: charged, ...creditsRefunded }],
        })
      : run.status.attempts
        ? failedAfterAttempts(run, done, id, run.status.attempts)
        : ApplicationFailure.create({
            type: FailureType.ViduTaskFailed,
            message: `Vidu task ${id} failed with err_code ${done.errCode || '(none)'} (${charged} credits charged${refunded > 0 ? `, ${refunded} refunded` : ''})`,
            nonRetryable: true,
            details: [{ taskId: id, errCode: done.errCode, credits: charged, ...creditsRefunded }],
          });
  failed(run, failure);
  return failure;
}

/**
 * options.onTaskFailure given and the last task failed: the same type, with every attempt and,
 * where Vidu's err_code says which input it refused (vidu/errors.ts, docs/vidu-api.md §9.1), that input.
 */
function failedAfterAttempts(
  run: GenerationRun,
  done: TaskSnapshot,
  id: string,
  attempts: TaskAttempt[],
): ApplicationFailure {
  const total = credits(run).charged + run.creditsEarlier;
  const failure = classifyTaskFailure(done.errCode);
  const refused = failure.refusedInput ? `; Vidu refused the ${failure.refusedInput}` : '';
  const policy = run.options.onTaskFailure;
  const why =
    failure.retry === 'never' && !(failure.refusedInput && policy?.retryInputRefusals)
      ? 'not retried (onTaskFailure does not retry this err_code)'
      : attempts.length >= (policy?.attempts ?? 1)
        ? 'attempts used up'
        : failure.retry === 'other-model'
          ? 'no fallback model left'
          : failure.retry === 'reseed'
            ? 'not retried (reseed is off)'
            : 'not retried again (an undocumented err_code is retried once)';
  return ApplicationFailure.create({
    type: FailureType.ViduTaskFailed,
    message: `Vidu task ${id} failed with err_code ${done.errCode || '(none)'} after ${attempts.length} attempt(s), ${why}${refused} (${total} credits charged)`,
    nonRetryable: true,
    details: [
      {
        taskId: id,
        errCode: done.errCode,
        credits: total,
        attempts,
        ...(failure.refusedInput ? { refusedInput: failure.refusedInput } : {}),
      },
    ],
  });
}
