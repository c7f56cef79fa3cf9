import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { initialBalanceState } from '../core/balance';

// The balance watch (issue 19 §3) is a Temporal Schedule, one per Worker Deployment and Vidu
// account (core/balance.ts balanceScheduleId), that starts a short `viduBalanceCheck` workflow
// every VIDU_FLOW_BALANCE_INTERVAL_SECONDS. Why a Schedule rather than a long-running watch
// workflow (timer loop + continue-as-new): the Schedule is the durable part and has no code, so
// it needs no Worker Versioning decision of its own; each read is a workflow of seconds, pinned to
// the version current at its start, so no history of the watch must ever replay on newer code
// (a long-running watch would be one more auto-upgrade type behind patched() and the replay gate);
// operators see, pause and trigger it with the tools they already have (`temporal schedule`, the
// Web UI). What one read must tell the next (the last `remains`, the floors it was under, the
// events sent) is the Schedule's action argument, which each read rewrites
// (activities/balance.ts saveBalanceState); the credits floor of the submit path reads it there.

export interface BalanceScheduleOptions {
  scheduleId: string;
  taskQueue: string;
  intervalSeconds: number;
  accountId: string;
}

/**
 * Creates the watch's Schedule, or adopts the one another worker of this deployment created
 * (its state is kept; its interval and task queue become this worker's). A new Schedule reads
 * at once; an adopted one at its next interval (a restart starts no extra read, so a rolling
 * upgrade adds none). Returns what it did, for the start-up line.
 */
export async function ensureBalanceSchedule(client: Client, o: BalanceScheduleOptions): Promise<string> {
  const spec = { intervals: [{ every: `${o.intervalSeconds}s` }] };
  const summary = `vidu-flow balance watch: GET /ent/v2/credits of account ${o.accountId} every ${o.intervalSeconds} s`;
  try {
    await client.schedule.create({
      scheduleId: o.scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: 'viduBalanceCheck',
        workflowId: `${o.scheduleId}~read`,
        taskQueue: o.taskQueue,
        args: [initialBalanceState(o.scheduleId)],
        staticSummary: summary,
        // A read that cannot finish within an interval gives way to the next one.
        workflowExecutionTimeout: `${Math.max(60, o.intervalSeconds)}s`,
      },
      // One read at a time: the next read starts from the state the previous one saved.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      state: { triggerImmediately: true, note: summary },
    });
    return `balance watch ${o.scheduleId} created (every ${o.intervalSeconds} s)`;
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(o.scheduleId);
  await handle.update((prev) => {
    if (prev.action.type !== 'startWorkflow') return prev;
    return { ...prev, spec, action: { ...prev.action, taskQueue: o.taskQueue } };
  });
  return `balance watch ${o.scheduleId} (every ${o.intervalSeconds} s)`;
}
