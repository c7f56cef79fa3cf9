import type { StagingStore, SweepResult } from '../platform/stores/staging-store';

// Unused staged inputs expire (issue 16 item 3): the worker sweeps the staging store at start and
// then periodically, removing what nobody staged again for VIDU_FLOW_STAGING_TTL_DAYS (local
// folder: mtime; bucket: LastModified). Several workers sweeping the same bucket is harmless (a
// delete of a deleted key succeeds). An S3 lifecycle rule on the prefix is the alternative
// (README, "Staged inputs expire"): then set VIDU_FLOW_STAGING_TTL_DAYS=0.

const DAY_MS = 24 * 60 * 60 * 1000;
/** A sweep every hour at most (a quarter of the TTL for short ones): expiry is never more than that late. */
const MAX_INTERVAL_MS = 60 * 60 * 1000;

export interface StagingSweeper {
  /** The sweep in progress, if any (tests and shutdown wait for it). */
  readonly running: Promise<SweepResult | undefined>;
  stop(): void;
}

export function startStagingSweep(
  staging: StagingStore,
  ttlDays: number,
  log: (line: string) => void = (line) => console.log(line),
): StagingSweeper | undefined {
  if (!(ttlDays > 0)) return undefined;
  const maxAgeMs = ttlDays * DAY_MS;
  let running: Promise<SweepResult | undefined> = Promise.resolve(undefined);
  const sweep = () => {
    running = running.then(() =>
      staging.sweep(maxAgeMs).then(
        (r) => {
          if (r.removed > 0)
            log(
              `vidu-flow worker: staging sweep removed ${r.removed} staged input(s) older than ${ttlDays} day(s), kept ${r.kept}`,
            );
          return r;
        },
        (err: unknown) => {
          // A failed sweep is retried at the next interval; it never stops the worker.
          log(`vidu-flow worker: staging sweep failed: ${(err as Error).message}`);
          return undefined;
        },
      ),
    );
  };
  sweep();
  const timer = setInterval(sweep, Math.min(MAX_INTERVAL_MS, maxAgeMs / 4));
  timer.unref();
  return {
    get running() {
      return running;
    },
    stop: () => clearInterval(timer),
  };
}
