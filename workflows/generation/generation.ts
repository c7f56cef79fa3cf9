import { CancellationScope } from '@temporalio/workflow';
import type { GenerationInput, GenerationKind, GenerationResult } from '../../core/generation-types';
import { GenerationMetrics } from '../common/metrics';
import { refuseUnkeepableStart } from '../common/own-id';
import { unwrapTyped } from '../common/typed-failure';
import { settleBudget } from './budget';
import { finish } from './finish';
import { admitAndSubmit, interrupted, stage, waitOrGiveUp } from './phases';
import { nextAttempt, openRetries } from './retry';
import { failed, openGenerationRun, type GenerationRun } from './state';

/** The top-level fields of a generation's input (contract/generation-input.ts). */
const GENERATION_INPUT_FIELDS = ['request', 'options'] as const;

/**
 * One generation, shared by every generation workflow type (one per endpoint of the registry), as
 * phases over one GenerationRun (workflows/generation/): stage (check and store the inputs) →
 * admit and submit (a slot under VIDU_MAX_IN_FLIGHT, then the submission, exactly once) → wait
 * (callbacks, fallback poll, deadline) → finish (archive, optional upscale). A cancellation or
 * failure on the way is handled by `interrupted`.
 *
 * The phases issue their activities, child workflows and timers in the order the `Generation`
 * class they replaced did, so histories of earlier runs replay; keep that order when changing it.
 */
export async function runGeneration(kind: GenerationKind, input: GenerationInput): Promise<GenerationResult> {
  const metrics = new GenerationMetrics(kind, input.options?.priority ?? 'interactive');
  return metrics.around(() => generate(openGenerationRun(kind, input.request, input.options ?? {}, metrics, input)));
}

async function generate(run: GenerationRun): Promise<GenerationResult> {
  try {
    // An id the archive and the receiver would refuse, a Temporal timeout that would end the
    // workflow with a paid task at Vidu, a field the schema does not have: refused before
    // anything is paid for (issue 22 item 1).
    refuseUnkeepableStart(run.input === undefined ? undefined : { value: run.input, fields: GENERATION_INPUT_FIELDS });
    const staged = await stage(run);
    await admitAndSubmit(run, staged);
    await waitOrGiveUp(run);
    // Budgets: the attempt's reservation becomes its charge (no command without a reservation).
    await settleBudget(run);
    // options.onTaskFailure: a new task per allowed retry, through admission like the first
    // (workflows/generation/retry.ts). Without a policy this adds no command.
    const retries = openRetries(run.options.onTaskFailure, staged);
    for (let next = nextAttempt(run, retries); next; next = nextAttempt(run, retries)) {
      await run.slot.release();
      await admitAndSubmit(run, next.staged, next.step);
      await waitOrGiveUp(run);
      await settleBudget(run);
    }
  } catch (err) {
    try {
      await interrupted(run, err);
    } finally {
      await settleBudget(run);
    }
  }
  await run.slot.release();
  return CancellationScope.nonCancellable(() => finish(run)).catch((err: unknown) => {
    // A failed archive (or upscale) fails the run: the status must not stay `archiving`.
    if (run.status.phase !== 'failed') failed(run, unwrapTyped(err));
    throw err;
  });
}
