import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { promoteAtStart } from '../platform/temporal/deployments';
import { createActivities } from '../activities';
import { MAX_HEARTBEAT_THROTTLE_MS } from '../activities/heartbeats';
import { accountIdFor } from '../activities/admission';
import { createGuardedFetch } from '../platform/net/guarded-fetch';
import { createWebhookFetch } from '../platform/net/webhook-policy';
import { openStores } from '../platform/stores/open-stores';
import { ViduClient } from '../vidu/client';
import { loadWorkerConfig, type WorkerConfig } from './config';
import { ConfigError } from '../platform/config/env';
import { priceCheckSinks } from './price-check';
import { startStagingSweep } from './staging-sweep';
import { startWorkerTelemetry } from './telemetry';
import { workflowCodeOption, workflowCodeText } from './workflow-bundle';
import { buildIdOf } from './versioning-config';
import { ensureBalanceSchedule } from './balance-schedule';
import { balanceScheduleId } from '../core/balance';

export async function runWorker(config: WorkerConfig): Promise<void> {
  // ARCHIVE_URL/STAGING_URL=s3://…: the bucket must exist and be writable before any work is taken.
  const stores = openStores(config);
  await stores.check();
  // Staged inputs expire after VIDU_FLOW_STAGING_TTL_DAYS: swept now and then periodically.
  const sweeper = startStagingSweep(stores.staging, config.stagingTtlDays);
  // Metrics exporter, health endpoints and tracing: before the first connection (Runtime.install).
  const telemetry = await startWorkerTelemetry(config.telemetry);
  const connection = await NativeConnection.connect(config.temporal.nativeOptions);
  const vidu = new ViduClient({
    baseUrl: config.vidu.baseUrl,
    apiKey: config.vidu.apiKey,
    timeoutMs: config.vidu.timeoutMs,
    ...telemetry.viduClientOptions,
  });
  const maxInFlight = config.maxInFlight ?? (await accountConcurrency(vidu));
  // The bundle must carry the same workflow interceptors the telemetry registers (tracing).
  const workflowModules = telemetry.workerOptions.interceptors?.workflowModules ?? [];
  const { note: bundleNote, ...codeOption } = workflowCodeOption(process.env, workflowModules);
  if (bundleNote) console.log(`vidu-flow worker: ${bundleNote}`);
  else if (codeOption.workflowBundle && 'codePath' in codeOption.workflowBundle)
    console.log(`vidu-flow worker: workflow code from the prebuilt bundle ${codeOption.workflowBundle.codePath}`);
  // Bundled here (not by Worker.create) when no prebuilt bundle fits: the build id hashes the code run.
  const code = await workflowCodeText(codeOption, workflowModules);
  const workflowCode = codeOption.workflowBundle ? codeOption : { workflowBundle: { code } };
  const buildId = config.versioning.buildId ?? buildIdOf(code);
  const { deploymentName } = config.versioning;
  const accountId = accountIdFor(config.vidu.apiKey, config.vidu.baseUrl);
  // The balance watch (worker/balance-schedule.ts); VIDU_FLOW_BALANCE_INTERVAL_SECONDS=0: none.
  const balance =
    config.balance.intervalSeconds > 0
      ? { ...config.balance, scheduleId: balanceScheduleId(deploymentName, accountId) }
      : undefined;
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      // VIDU_FLOW_WORKFLOW_BUNDLE: a prebuilt bundle (worker/workflow-bundle.ts); else webpack at start-up.
      ...workflowCode,
      // Worker Versioning (issue 18): this worker is version `buildId` of the deployment; each
      // workflow type declares pinned or auto-upgrade (workflows/versioning.ts), PINNED is the
      // fallback for a type without a declaration.
      workerDeploymentOptions: {
        useWorkerVersioning: true,
        version: { deploymentName, buildId },
        defaultVersioningBehavior: 'PINNED',
      },
      // Each keep-alive beat reaches the server (activities/heartbeats.ts).
      maxHeartbeatThrottleInterval: MAX_HEARTBEAT_THROTTLE_MS,
      activities: createActivities({
        vidu,
        archive: stores.archive,
        staging: stores.staging,
        callbackUrl: config.callbackUrl,
        // Inputs and archive downloads: private addresses only as VIDU_FLOW_ALLOW_PRIVATE_URLS allows.
        fetch: createGuardedFetch({ policy: config.privateUrls }),
        // Completion webhooks: their own list, per port (VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS), never the download one.
        webhookFetch: createWebhookFetch(config.webhookPrivateUrls),
        inputRoots: config.inputRoots,
        ...(config.apiKeysFile ? { apiKeysFile: config.apiKeysFile } : {}),
        prices: () => config.prices.table(),
        ...(balance ? { balance } : {}),
        budgets: () => config.budgets.entries(),
        admission: {
          maxInFlight,
          ...(config.maxOffPeakInFlight ? { maxOffPeakInFlight: config.maxOffPeakInFlight } : {}),
          accountId,
          reconcileSeconds: config.slotReconcileSeconds,
        },
      }),
      // On SIGINT/SIGTERM the SDK stops polling and gives running activities this long to finish.
      shutdownGraceTime: '10s',
      // Workflow cache size and sticky queue timeout: memory and task routing with many waiting (workflow-tuning.ts).
      ...config.workflowTuning,
      ...telemetry.workerOptions,
      // Charged vs estimated: a difference above 10 % is logged once per model and parameter set.
      sinks: { ...telemetry.workerOptions.sinks, ...priceCheckSinks() },
      // They are compiled into a bundle already; naming them again only makes the SDK warn.
      ...(workflowCode.workflowBundle
        ? { interceptors: { ...telemetry.workerOptions.interceptors, workflowModules: [] } }
        : {}),
    });
    const running = worker.run();
    // A new version receives no workflow task until it is current (VIDU_FLOW_PROMOTE); the ready
    // line below is printed once routing is settled, so whoever waits for it can start work.
    let promotion: string;
    let watch = 'no balance watch (VIDU_FLOW_BALANCE_INTERVAL_SECONDS=0)';
    try {
      const client = new Client({ connection, namespace: config.temporal.namespace });
      promotion = await promoteAtStart({ client, deploymentName }, buildId, config.versioning.promote);
      if (balance)
        watch = await ensureBalanceSchedule(client, {
          scheduleId: balance.scheduleId,
          taskQueue: config.temporal.taskQueue,
          intervalSeconds: balance.intervalSeconds,
          accountId,
        }).catch((err: unknown) => {
          // Without a floor the watch only feeds metrics and webhooks: the worker runs on without it.
          // With one, a floor nobody reads would hold nothing: refuse to start instead.
          if (balance.floors.batch !== undefined || balance.floors.interactive !== undefined) throw err;
          return `no balance watch: its Schedule could not be created (${err instanceof Error ? err.message : String(err)})`;
        });
    } catch (err) {
      worker.shutdown();
      await running.catch(() => undefined);
      throw err;
    }
    console.log(`vidu-flow worker: deployment ${deploymentName}, version ${buildId} (${promotion})`);
    console.log(
      `vidu-flow worker: ${watch}${balance?.floors.batch !== undefined ? `, batch held under ${balance.floors.batch} credits` : ''}${balance?.floors.interactive !== undefined ? `, everything held under ${balance.floors.interactive}` : ''}`,
    );
    console.log(
      `vidu-flow worker: task queue ${config.temporal.taskQueue} on ${config.temporal.description}, Vidu ${config.vidu.baseUrl}, ` +
        `${config.callbackUrl ? `callbacks via ${config.callbackUrl}` : 'poll only (VIDU_CALLBACK_URL unset)'}, archive ${stores.archive.root}, ` +
        `${maxInFlight > 0 ? `at most ${maxInFlight} tasks in flight` : 'no in-flight cap'}, ` +
        `${config.maxOffPeakInFlight ? `at most ${config.maxOffPeakInFlight} off-peak tasks in flight` : 'off-peak tasks uncapped'}, ` +
        `${config.workflowTuning.maxCachedWorkflows} workflows cached, sticky timeout ${config.workflowTuning.stickyQueueScheduleToStartTimeout / 1000} s, ` +
        `${config.workflowTuning.maxConcurrentWorkflowTaskExecutions} workflow tasks at once`,
    );
    telemetry.watch(worker);
    await running;
    console.log('vidu-flow worker: stopped');
  } finally {
    sweeper?.stop();
    await connection.close();
    await telemetry.close();
  }
}

/** docs/vidu-api.md §11: the account's concurrency limit (default 5) is the natural cap on tasks in flight. */
const FALLBACK_CONCURRENCY = 5;

async function accountConcurrency(vidu: ViduClient): Promise<number> {
  try {
    const credits = await vidu.getCredits();
    const limits = credits.remains.map((r) => Number(r.concurrency_limit ?? 0)).filter((n) => n > 0);
    return limits.length > 0 ? Math.max(...limits) : FALLBACK_CONCURRENCY;
  } catch {
    return FALLBACK_CONCURRENCY;
  }
}

if (require.main === module) {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig();
  } catch (err) {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
    process.exit(2);
  }
  runWorker(config).catch((err) => {
    console.error('vidu-flow worker failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
