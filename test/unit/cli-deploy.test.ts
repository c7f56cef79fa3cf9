// `vidu-flow deploy` (cli/deploy.ts) over platform/temporal/deployments.ts, with a fake Worker Deployment
// service: what an operator reads, and the refusals (no pollers, no versioning on the server, a
// bad --ramp) in words they can act on. The real server is exercised by test/e2e/rolling-upgrade.test.ts.
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { formatDeploymentStatus } from '../../cli/deploy';
import type { CliIO } from '../../cli/io';
import { runCli } from '../../cli/program';
import type { ViduFlowClient } from '../../client';
import { DeploymentError, pinnedRunsQuery, promoteVersion, rollbackVersion } from '../../platform/temporal/deployments';

function fakeClient(service: Record<string, (req: Record<string, unknown>) => Promise<unknown>>, count = 0): Client {
  return {
    connection: { workflowService: service },
    options: { namespace: 'default' },
    workflow: { count: async () => ({ count }) },
  } as unknown as Client;
}

const ts = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });

describe('deploy status', () => {
  it('names the current and ramping versions, pinned runs left, which may stop, and how to find the pinned runs', () => {
    const text = formatDeploymentStatus({
      deploymentName: 'vidu-flow',
      current: 'wf-b',
      ramping: { buildId: 'wf-c', percent: 10 },
      versions: [
        {
          buildId: 'wf-a',
          status: 'draining',
          pinnedRunning: 3,
          drained: false,
          createdAt: '2026-12-01T00:00:00.000Z',
        },
        { buildId: 'wf-b', status: 'current', pinnedRunning: 7, drained: false },
        { buildId: 'wf-c', status: 'ramping', pinnedRunning: 1, drained: false },
        { buildId: 'wf-0', status: 'drained', pinnedRunning: 0, drained: true },
      ],
    });
    expect(text).toContain('deployment vidu-flow: current wf-b, ramping wf-c at 10%');
    expect(text).toMatch(/wf-a\s+draining\s+3\s+no/);
    expect(text).toMatch(/wf-c\s+ramping 10%\s+1/);
    expect(text).toMatch(/wf-0\s+drained\s+0\s+yes: its workers may stop/);
    expect(text).toContain(`temporal workflow list --query "${pinnedRunsQuery('vidu-flow', 'wf-a')}"`);
    expect(text).not.toContain(pinnedRunsQuery('vidu-flow', 'wf-0'));
  });
});

describe('deploy promote and rollback', () => {
  it('says when no worker of the version polls, and when the server has no Worker Versioning', async () => {
    const noPollers = fakeClient({
      setWorkerDeploymentCurrentVersion: async () => {
        throw Object.assign(new Error('x'), { code: 9, details: 'no pollers have been seen for this version' });
      },
    });
    await expect(promoteVersion({ client: noPollers, deploymentName: 'vidu-flow' }, 'wf-x')).rejects.toThrow(
      /no worker of that version is polling \(start its workers first/,
    );
    const old = fakeClient({
      setWorkerDeploymentRampingVersion: async () => {
        throw Object.assign(new Error('x'), { code: 12, details: 'unknown method SetWorkerDeploymentRampingVersion' });
      },
    });
    await expect(promoteVersion({ client: old, deploymentName: 'vidu-flow' }, 'wf-x', 25)).rejects.toThrow(
      /does not support Worker Versioning \(needs Server >= 1.29.1\)/,
    );
  });

  it('ramps below 100 %, makes current at 100 % or without --ramp', async () => {
    const calls: string[] = [];
    const client = fakeClient({
      setWorkerDeploymentCurrentVersion: async (r) => void calls.push(`current ${String(r.buildId)}`),
      setWorkerDeploymentRampingVersion: async (r) =>
        void calls.push(`ramp ${String(r.buildId)} ${String(r.percentage)}`),
    });
    await promoteVersion({ client, deploymentName: 'd' }, 'wf-b', 20);
    await promoteVersion({ client, deploymentName: 'd' }, 'wf-b', 100);
    await promoteVersion({ client, deploymentName: 'd' }, 'wf-c');
    expect(calls).toEqual(['ramp wf-b 20', 'current wf-b', 'current wf-c']);
  });

  it('rolls back to the version current most recently before the present one, ending a ramp first', async () => {
    const calls: string[] = [];
    const version = (buildId: string, lastCurrent?: string) => ({
      deploymentVersion: { buildId },
      status: 'WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING',
      ...(lastCurrent ? { lastCurrentTime: ts(lastCurrent) } : {}),
    });
    const client = fakeClient({
      describeWorkerDeployment: async () => ({
        workerDeploymentInfo: {
          routingConfig: {
            currentDeploymentVersion: { buildId: 'wf-3' },
            rampingDeploymentVersion: { buildId: 'wf-4' },
            rampingVersionPercentage: 5,
          },
          versionSummaries: [
            version('wf-1', '2026-12-01T00:00:00Z'),
            version('wf-2', '2026-12-03T00:00:00Z'),
            version('wf-3', '2026-12-05T00:00:00Z'),
            version('wf-4'),
          ],
        },
      }),
      setWorkerDeploymentRampingVersion: async (r) =>
        void calls.push(`ramp '${String(r.buildId)}' ${String(r.percentage)}`),
      setWorkerDeploymentCurrentVersion: async (r) => void calls.push(`current ${String(r.buildId)}`),
    });
    expect(await rollbackVersion({ client, deploymentName: 'd' })).toEqual({ from: 'wf-3', to: 'wf-2' });
    expect(calls).toEqual(["ramp '' 0", 'current wf-2']);
    const fresh = fakeClient({
      describeWorkerDeployment: async () => ({
        workerDeploymentInfo: {
          routingConfig: { currentDeploymentVersion: { buildId: 'wf-1' } },
          versionSummaries: [version('wf-1', '2026-12-01T00:00:00Z')],
        },
      }),
    });
    await expect(rollbackVersion({ client: fresh, deploymentName: 'd' })).rejects.toThrow(DeploymentError);
  });

  it('refuses a --ramp that is not a percentage before connecting', async () => {
    let stderr = '';
    let connects = 0;
    const io = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => void (stderr += s) },
      cwd: '/',
      readFile: () => '',
      fileExists: () => false,
      connect: async () => {
        connects += 1;
        return {} as ViduFlowClient;
      },
      onInterrupt: () => () => undefined,
    } as unknown as CliIO;
    expect(await runCli(['deploy', 'promote', 'wf-b', '--ramp', '150'], io)).toBe(2);
    expect(stderr).toContain('--ramp must be a percentage from 0 to 100');
    expect(connects).toBe(0);
  });
});
