import type { ViduClient } from '../vidu/client';
import { ViduApiError } from '../vidu/errors';
import { isTerminal, toSnapshot } from '../core/task-snapshot';
import type { CancelResult } from '../core/generation-types';
import { toApplicationFailure } from './failures';

export function makeCancelTask(deps: { vidu: ViduClient }) {
  /**
   * Asks Vidu to cancel; a refusal is an outcome to record, not an error. With `readAfter`, the
   * task as Vidu shows it right after a successful cancel comes back as `after` (one Get
   * Generation), so the workflow's status shows Vidu's state and credits after the cancel rather
   * than the last ones it saw before (docs/vidu-api.md §8: the state after a cancel is undocumented).
   */
  return async function cancelTask(input: { taskId: string; readAfter?: boolean }): Promise<CancelResult> {
    try {
      await deps.vidu.cancelTask(input.taskId);
      const after = input.readAfter
        ? await deps.vidu.getCreations(input.taskId).then(
            (body) => toSnapshot(body, 'cancel', input.taskId),
            () => undefined,
          )
        : undefined;
      return { outcome: 'cancelled', message: `Vidu cancelled task ${input.taskId}`, ...(after ? { after } : {}) };
    } catch (err) {
      if (!(err instanceof ViduApiError) || err.retryable)
        throw toApplicationFailure(err, `cancel task ${input.taskId}`);
      // Vidu refuses with 400 in states it cannot cancel (docs/vidu-api.md §8); tell "already over" apart.
      const current = await deps.vidu.getCreations(input.taskId).then(
        (body) => toSnapshot(body, 'cancel', input.taskId),
        () => undefined,
      );
      const after = input.readAfter && current ? { after: current } : {};
      if (current && isTerminal(current.state)) {
        return {
          outcome: 'already-finished',
          message: `task ${input.taskId} had already ended ${current.state}`,
          ...after,
        };
      }
      return {
        outcome: 'refused',
        message: `Vidu refused to cancel task ${input.taskId}: ${err.reason}: ${err.viduMessage}`,
        ...after,
      };
    }
  };
}
