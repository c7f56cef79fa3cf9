import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptors } from '@temporalio/worker';
import { WorkerMetric } from '../contract/metric-names';
import { RetryableFailureType } from '../core/failure-types';

// vidu-flow's activity metrics, recorded around the activities (a worker interceptor) so that
// the activities themselves stay free of metrics code: polls by result, archive bytes and
// seconds. Through the activity's metric meter, which adds namespace, taskQueue and
// activityType.

/** Activity types whose result is an ArchiveResult ({ files: [{ bytes }] }). */
const ARCHIVE_ACTIVITIES = new Set(['archiveTask']);
const POLL_ACTIVITY = 'pollTask';
/** pollTask's benign failure meaning "not finished yet, poll again later" (activities/poll.ts). */
const NOT_FINISHED = RetryableFailureType.TaskNotFinished;

class MetricsInbound implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(
    input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0],
    next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1],
  ): Promise<unknown> {
    const type = this.ctx.info.activityType;
    if (type === POLL_ACTIVITY) return this.poll(() => next(input));
    if (ARCHIVE_ACTIVITIES.has(type)) return this.archive(() => next(input));
    return next(input);
  }

  private async poll(run: () => Promise<unknown>): Promise<unknown> {
    const polls = this.ctx.metricMeter.createCounter(WorkerMetric.polls, undefined, 'fallback polls of a Vidu task');
    try {
      const result = await run();
      polls.add(1, { result: 'terminal' });
      return result;
    } catch (err) {
      polls.add(1, { result: err instanceof ApplicationFailure && err.type === NOT_FINISHED ? 'pending' : 'error' });
      throw err;
    }
  }

  private async archive(run: () => Promise<unknown>): Promise<unknown> {
    const started = performance.now();
    const seconds = this.ctx.metricMeter.createHistogram(
      WorkerMetric.archiveSeconds,
      'float',
      's',
      'archive activity attempts',
    );
    try {
      const result = await run();
      seconds.record((performance.now() - started) / 1000, { outcome: 'ok' });
      const bytes = archivedBytes(result);
      if (bytes > 0) this.ctx.metricMeter.createCounter(WorkerMetric.archiveBytes, 'By', 'bytes archived').add(bytes);
      return result;
    } catch (err) {
      seconds.record((performance.now() - started) / 1000, { outcome: 'error' });
      throw err;
    }
  }
}

function archivedBytes(result: unknown): number {
  const files = (result as { files?: Array<{ bytes?: unknown }> } | undefined)?.files;
  if (!Array.isArray(files)) return 0;
  return files.reduce((sum, f) => sum + (typeof f.bytes === 'number' && f.bytes > 0 ? f.bytes : 0), 0);
}

/** For WorkerOptions.interceptors.activity. */
export function activityMetricsInterceptor(ctx: Context): ActivityInterceptors {
  return { inbound: new MetricsInbound(ctx) };
}
