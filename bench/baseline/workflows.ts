// The textbook baseline: one Vidu generation as the Temporal samples would write it
// (samples-typescript `polling/infrequent`): submit, poll by activity retries, archive. No
// staging checks, admission, callbacks, search attributes or hashes: the least a correct
// generation costs, for `npm run bench` to compare vidu-flow against.
import { proxyActivities } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

export interface BaselineInput {
  /** Vidu's img2video request body. */
  request: Record<string, unknown>;
  /** The poll schedule, the same numbers vidu-flow's poll uses in the run being compared. */
  poll: { initialSeconds: number; factor: number; maxSeconds: number };
}

export interface BaselineResult {
  taskId: string;
  files: string[];
}

const { submitGeneration, archiveCreations } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '1 minute',
});

export async function baselineGeneration(input: BaselineInput): Promise<BaselineResult> {
  const taskId = await submitGeneration(input.request);
  // Each attempt polls once and throws while the task is unfinished; the retry policy is the
  // poll schedule, and retries add no history events.
  const { pollGeneration } = proxyActivities<BaselineActivities>({
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: `${input.poll.initialSeconds} seconds`,
      backoffCoefficient: input.poll.factor,
      maximumInterval: `${input.poll.maxSeconds} seconds`,
    },
  });
  const creations = await pollGeneration(taskId);
  const files = await archiveCreations(taskId, creations);
  return { taskId, files };
}
