import type { ViduClient } from '../vidu/client';
import { ViduApiError } from '../vidu/errors';
import { isTerminal, toSnapshot } from '../core/task-snapshot';
import type { CancellationOutcome } from '../core/generation-types';
import { toApplicationFailure } from './failures';

export function makeCancelTask(deps: { vidu: ViduClient }) {
  /** Asks Vidu to cancel; a refusal is an outcome to record, not an error. */
  return async function cancelTask(input: { taskId: string }): Promise<CancellationOutcome> {
    try {
      await deps.vidu.cancelTask(input.taskId);
      return { outcome: 'cancelled', message: `Vidu cancelled task ${input.taskId}` };
    } catch (err) {
      if (!(err instanceof ViduApiError) || err.retryable) throw toApplicationFailure(err, `cancel task ${input.taskId}`);
      // Vidu refuses with 400 in states it cannot cancel (docs/vidu-api.md §8); tell "already over" apart.
      const current = await deps.vidu.getCreations(input.taskId).then(
        (body) => toSnapshot(body, 'cancel', input.taskId),
        () => undefined,
      );
      if (current && isTerminal(current.state)) {
        return { outcome: 'already-finished', message: `task ${input.taskId} had already ended ${current.state}` };
      }
      return { outcome: 'refused', message: `Vidu refused to cancel task ${input.taskId}: ${err.reason}: ${err.viduMessage}` };
    }
  };
}
