import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

// vidu-flow's Worker Deployment (docs.temporal.io/worker-versioning): its versions, which one is
// current and which ramping, how many pinned runs each still has, and the moves an operator makes
// (promote, ramp, roll back). Everything is read from and written to the server's Worker
// Deployment API (no state kept here); the CLI's `deploy` commands (cli/deploy.ts) and the
// worker's promotion at start (worker/main.ts) use it. TS SDK 1.24's Client has no wrapper for
// these RPCs, so they go through `connection.workflowService`.

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;

export const DEFAULT_DEPLOYMENT_NAME = 'vidu-flow';

export type VersionStatus = 'current' | 'ramping' | 'draining' | 'drained' | 'inactive' | 'unknown';

export interface DeploymentVersionRow {
  buildId: string;
  /** The server's status of the version (its drainage status is refreshed every few minutes). */
  status: VersionStatus;
  /** Running pinned runs on this version (a visibility count, seconds behind at most). */
  pinnedRunning: number;
  /** Not current, not ramping and no pinned run left: its workers may be stopped. */
  drained: boolean;
  createdAt?: string;
  /** When it was last current: rollback goes back to the latest such version. */
  lastCurrentAt?: string;
}

export interface DeploymentStatus {
  deploymentName: string;
  current?: string;
  ramping?: { buildId: string; percent: number };
  versions: DeploymentVersionRow[];
}

/** The server refused or cannot do what was asked; the message says what to do. */
export class DeploymentError extends Error {
  override name = 'DeploymentError';
}

interface Target {
  client: Client;
  deploymentName: string;
}

const service = (client: Client): WorkflowService => client.connection.workflowService;
const namespaceOf = (client: Client): string => client.options.namespace;

const STATUS: Record<string, VersionStatus> = {
  WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT: 'current',
  WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING: 'ramping',
  WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING: 'draining',
  WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED: 'drained',
  WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE: 'inactive',
};

// The proto enums arrive as numbers or as their names depending on how the message was decoded.
function statusOf(value: unknown): VersionStatus {
  if (typeof value === 'string') return STATUS[value] ?? 'unknown';
  const names = ['unknown', 'inactive', 'current', 'ramping', 'draining', 'drained'] as const;
  return typeof value === 'number' ? (names[value] ?? 'unknown') : 'unknown';
}

function isoOf(ts: { seconds?: unknown; nanos?: unknown } | null | undefined): string | undefined {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return undefined;
  const ms = Number(String(ts.seconds)) * 1000 + Math.floor(Number(ts.nanos ?? 0) / 1e6);
  return ms > 0 ? new Date(ms).toISOString() : undefined;
}

/** `name:buildId`: the value of the TemporalWorkerDeploymentVersion search attribute. */
export const versionKey = (deploymentName: string, buildId: string): string => `${deploymentName}:${buildId}`;

/** The visibility query of the running runs pinned to one version (README "Upgrading"). */
export function pinnedRunsQuery(deploymentName: string, buildId: string): string {
  return `TemporalWorkerDeploymentVersion = '${versionKey(deploymentName, buildId).replace(/'/g, "\\'")}' AND TemporalWorkflowVersioningBehavior = 'Pinned' AND ExecutionStatus = 'Running'`;
}

/** Turns the server's refusals into messages an operator can act on. */
function explain(err: unknown, what: string): DeploymentError {
  const e = err as { code?: number; details?: string; message?: string };
  const detail = e.details ?? e.message ?? String(err);
  // 12 UNIMPLEMENTED: a server before 1.28 (no Worker Deployment API); 7/9 with "not enabled": turned off.
  if (e.code === 12 || /not (enabled|supported)|unknown method|unimplemented/i.test(detail)) {
    return new DeploymentError(
      `${what}: this Temporal server does not support Worker Versioning (needs Server >= 1.29.1): ${detail}`,
    );
  }
  if (/pollers/i.test(detail)) {
    return new DeploymentError(
      `${what}: the server refuses, no worker of that version is polling (start its workers first, then promote): ${detail}`,
    );
  }
  if (e.code === 5)
    return new DeploymentError(`${what}: ${detail} (a version exists once one of its workers has polled)`);
  return new DeploymentError(`${what}: ${detail}`);
}

export async function describeDeployment({ client, deploymentName }: Target): Promise<DeploymentStatus> {
  let info: temporal.api.deployment.v1.IWorkerDeploymentInfo | null | undefined;
  try {
    ({ workerDeploymentInfo: info } = await service(client).describeWorkerDeployment({
      namespace: namespaceOf(client),
      deploymentName,
    }));
  } catch (err) {
    throw explain(err, `deployment ${deploymentName}`);
  }
  const routing = info?.routingConfig;
  const current = routing?.currentDeploymentVersion?.buildId || undefined;
  const rampingId = routing?.rampingDeploymentVersion?.buildId || undefined;
  const versions = await Promise.all(
    (info?.versionSummaries ?? []).map(async (v): Promise<DeploymentVersionRow> => {
      const buildId = v.deploymentVersion?.buildId ?? '';
      const status = statusOf(v.status);
      const { count } = await client.workflow.count(pinnedRunsQuery(deploymentName, buildId));
      return {
        buildId,
        status,
        pinnedRunning: count,
        drained: buildId !== current && buildId !== rampingId && count === 0,
        ...(isoOf(v.createTime) ? { createdAt: isoOf(v.createTime) } : {}),
        ...(isoOf(v.lastCurrentTime) ? { lastCurrentAt: isoOf(v.lastCurrentTime) } : {}),
      };
    }),
  );
  versions.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
  return {
    deploymentName,
    ...(current ? { current } : {}),
    ...(rampingId ? { ramping: { buildId: rampingId, percent: routing?.rampingVersionPercentage ?? 0 } } : {}),
    versions,
  };
}

/**
 * Makes `buildId` the current version (every new run and every auto-upgrade run goes to it), or
 * with `rampPercent` in 0–100 exclusive the ramping one (that share of new runs). The server
 * refuses a version none of whose workers polls.
 */
export async function promoteVersion(
  { client, deploymentName }: Target,
  buildId: string,
  rampPercent?: number,
): Promise<void> {
  const base = { namespace: namespaceOf(client), deploymentName, buildId, identity: 'vidu-flow deploy' };
  try {
    if (rampPercent !== undefined && rampPercent < 100) {
      await service(client).setWorkerDeploymentRampingVersion({ ...base, percentage: rampPercent });
    } else {
      await service(client).setWorkerDeploymentCurrentVersion(base);
    }
  } catch (err) {
    throw explain(err, `promote ${buildId} in ${deploymentName}`);
  }
}

/**
 * Makes the version that was current before the present one current again (the latest
 * `lastCurrentAt` among the others), and ends any ramp. Runs started on the present version stay
 * pinned to it and keep running there: a rollback loses nothing, it only routes new work back.
 */
export async function rollbackVersion(target: Target): Promise<{ from?: string; to: string }> {
  const status = await describeDeployment(target);
  const previous = status.versions
    .filter((v) => v.buildId !== status.current && v.lastCurrentAt)
    .sort((a, b) => (b.lastCurrentAt ?? '').localeCompare(a.lastCurrentAt ?? ''))[0];
  if (!previous)
    throw new DeploymentError(`deployment ${target.deploymentName}: no earlier current version to roll back to`);
  if (status.ramping) {
    try {
      await service(target.client).setWorkerDeploymentRampingVersion({
        namespace: namespaceOf(target.client),
        deploymentName: target.deploymentName,
        buildId: '',
        percentage: 0,
        identity: 'vidu-flow deploy',
      });
    } catch (err) {
      throw explain(err, `end the ramp of ${status.ramping.buildId}`);
    }
  }
  await promoteVersion(target, previous.buildId);
  return { ...(status.current ? { from: status.current } : {}), to: previous.buildId };
}

/**
 * The worker's promotion at start (VIDU_FLOW_PROMOTE): `always` makes this version current;
 * `first` only when the deployment has no current version yet (a first deploy, the dev stack);
 * `never` leaves it to the operator. Retries while the server has not yet seen the worker's poll.
 */
export async function promoteAtStart(
  target: Target,
  buildId: string,
  mode: 'always' | 'first' | 'never',
  timeoutMs = 30_000,
): Promise<'promoted' | 'already current' | 'left to the operator'> {
  if (mode === 'never') return 'left to the operator';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { workerDeploymentInfo: info } = await service(target.client).describeWorkerDeployment({
        namespace: namespaceOf(target.client),
        deploymentName: target.deploymentName,
      });
      const current = info?.routingConfig?.currentDeploymentVersion?.buildId;
      const known = (info?.versionSummaries ?? []).some((v) => v.deploymentVersion?.buildId === buildId);
      if (current === buildId) return 'already current';
      if (mode === 'first' && current) return 'left to the operator';
      if (known) {
        await promoteVersion(target, buildId);
        return 'promoted';
      }
    } catch (err) {
      // NOT_FOUND until the deployment's first poll reaches the server; anything else is final.
      const e = err as { code?: number };
      if (err instanceof DeploymentError && !/pollers/i.test(err.message)) throw err;
      if (!(err instanceof DeploymentError) && e.code !== 5) throw explain(err, `deployment ${target.deploymentName}`);
    }
    if (Date.now() > deadline)
      throw new DeploymentError(
        `deployment ${target.deploymentName}: version ${buildId} was not seen polling within ${timeoutMs / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
