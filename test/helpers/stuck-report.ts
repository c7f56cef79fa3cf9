// When an e2e wait runs past its deadline, say where the workflow stands instead of letting the
// test time out silently: its and its children's pending work, failed workflow tasks, the last
// events, and the slot manager's queue. A CI run keeps only the tail of its output, so a hang
// with no report cannot be diagnosed afterwards (the more-endpoints case timed out once in CI,
// 2026-12-07, with nothing else printed).
import { accountIdFor, slotManagerId } from '../../activities/admission';
import type { E2eEnv } from './e2e';

type Env = Pick<E2eEnv, 'client' | 'stack'>;

/** Where `workflowId` stands, as lines of text. */
export async function stuckReport(env: Env, workflowId: string, why: string): Promise<string> {
  const client = env.client.temporal.workflow;
  const lines: string[] = [`${workflowId} ${why}`];
  const describeOne = async (id: string): Promise<string[]> => {
    const d = await client.getHandle(id).describe();
    const raw = d.raw;
    lines.push(
      `${id}: ${d.status.name}; pending activities ${JSON.stringify(
        (raw.pendingActivities ?? []).map((a) => ({
          type: a.activityType?.name,
          state: a.state,
          attempt: a.attempt,
          failure: a.lastFailure?.message,
        })),
      )}; pending children ${JSON.stringify((raw.pendingChildren ?? []).map((c) => c.workflowId))}`,
    );
    const history = await client.getHandle(id).fetchHistory();
    const taskFailures = (history.events ?? [])
      .map((e) => e.workflowTaskFailedEventAttributes?.failure?.message)
      .filter((m): m is string => !!m);
    const last = (history.events ?? []).slice(-4).map((e) => String(e.eventType));
    lines.push(
      `  workflow task ${JSON.stringify(raw.pendingWorkflowTask ?? null)}; failed workflow tasks ${taskFailures.length}: ${JSON.stringify(taskFailures.slice(-2))}; last events ${last.join(', ')}`,
    );
    return (raw.pendingChildren ?? []).map((c) => c.workflowId ?? '').filter((c) => c !== '');
  };
  try {
    for (const child of await describeOne(workflowId)) await describeOne(child);
    const slots = await client
      .getHandle(slotManagerId(accountIdFor(env.stack.apiKey, env.stack.simUrl)))
      .query<unknown>('slots')
      .catch((e: unknown) => `no answer: ${String(e)}`);
    lines.push(`slot manager: ${JSON.stringify(slots)}`);
  } catch (err) {
    lines.push(`describe failed: ${String(err)}`);
  }
  // The processes' own words: a worker that died or stopped polling says so only in its output, and
  // a CI run keeps no files.
  for (const { name, tail } of env.stack.outputTails()) lines.push(`--- last lines of ${name}`, tail);
  return lines.join('\n');
}

/**
 * `wait`, or past `ms` a rejection whose message is the stuck report of `workflowId`. The timer is
 * cleared either way, so a passing test leaves nothing running.
 */
export async function withinOrReport<T>(env: Env, workflowId: string, wait: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => void stuckReport(env, workflowId, `did not finish in ${ms / 1000} s`).then((r) => reject(new Error(r))),
      ms,
    );
  });
  try {
    return await Promise.race([wait, late]);
  } finally {
    clearTimeout(timer);
  }
}
