import { Command } from 'commander';
import {
  DEFAULT_DEPLOYMENT_NAME,
  DeploymentError,
  type DeploymentStatus,
  describeDeployment,
  pinnedRunsQuery,
  promoteVersion,
  rollbackVersion,
} from '../platform/temporal/deployments';
import { type CliIO, err, EXIT, type GlobalFlags, json, out, type OutputFlags, withClient } from './io';
import { formatTable } from './output';

// `vidu-flow deploy status|promote|rollback`: the worker deployment's versions (README
// "Upgrading"), read from and changed on the Temporal server (platform/temporal/deployments.ts). Registered
// on the program with registerDeployCommands(program, io, setExit).

interface DeployFlags extends GlobalFlags, OutputFlags {
  deployment?: string;
  ramp?: string;
}

const deploymentOf = (flags: DeployFlags): string =>
  flags.deployment ?? process.env.VIDU_FLOW_DEPLOYMENT_NAME ?? DEFAULT_DEPLOYMENT_NAME;

export function formatDeploymentStatus(status: DeploymentStatus): string {
  const rows = status.versions.map((v) => [
    v.buildId,
    v.buildId === status.current
      ? 'current'
      : v.buildId === status.ramping?.buildId
        ? `ramping ${status.ramping.percent}%`
        : v.status,
    String(v.pinnedRunning),
    v.drained ? 'yes: its workers may stop' : 'no',
    v.createdAt ?? '',
  ]);
  const lines = [
    `deployment ${status.deploymentName}: current ${status.current ?? '(none: unversioned workers)'}${status.ramping ? `, ramping ${status.ramping.buildId} at ${status.ramping.percent}%` : ''}`,
    formatTable(['BUILD ID', 'STATUS', 'PINNED RUNNING', 'DRAINED', 'CREATED'], rows),
  ];
  const old = status.versions.filter(
    (v) => !v.drained && v.buildId !== status.current && v.buildId !== status.ramping?.buildId,
  );
  for (const v of old)
    lines.push(
      `runs still pinned to ${v.buildId}: temporal workflow list --query "${pinnedRunsQuery(status.deploymentName, v.buildId)}"`,
    );
  return lines.join('\n');
}

async function guarded(io: CliIO, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DeploymentError) {
      err(io, `vidu-flow: ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
}

function parseRamp(value: string | undefined): number | undefined | Error {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100)
    return new Error(`--ramp must be a percentage from 0 to 100, got ${JSON.stringify(value)}`);
  return n;
}

export function registerDeployCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const deploy = program
    .command('deploy')
    .description("the workers' deployment versions (Worker Versioning): status, promote, rollback");
  const withDeployment = (cmd: Command) =>
    cmd
      .option(
        '--deployment <name>',
        `the worker deployment (default VIDU_FLOW_DEPLOYMENT_NAME, else ${DEFAULT_DEPLOYMENT_NAME})`,
      )
      .option('--json', 'print JSON');

  withDeployment(
    deploy
      .command('status')
      .description('versions, which is current and ramping, pinned runs left on each, which are drained'),
  ).action(async (_opts, c: Command) => {
    const flags = c.optsWithGlobals<DeployFlags>();
    setExit(
      await withClient(io, flags, (client) =>
        guarded(io, async () => {
          const status = await describeDeployment({ client: client.temporal, deploymentName: deploymentOf(flags) });
          if (flags.json) json(io, status);
          else out(io, formatDeploymentStatus(status));
          return EXIT.ok;
        }),
      ),
    );
  });

  withDeployment(
    deploy
      .command('promote')
      .description(
        'make a version current (new runs and auto-upgrade runs go to it), or with --ramp send that share of new runs to it',
      )
      .argument('<buildId>', 'the version, as its workers report it (vidu-flow deploy status)')
      .option('--ramp <percent>', 'ramp instead: this percentage (0–100) of new runs; 100 or no flag: current'),
  ).action(async (buildId: string, _opts, c: Command) => {
    const flags = c.optsWithGlobals<DeployFlags>();
    const ramp = parseRamp(flags.ramp);
    if (ramp instanceof Error) {
      err(io, `vidu-flow: ${ramp.message}`);
      setExit(EXIT.usage);
      return;
    }
    setExit(
      await withClient(io, flags, (client) =>
        guarded(io, async () => {
          const deploymentName = deploymentOf(flags);
          await promoteVersion({ client: client.temporal, deploymentName }, buildId, ramp);
          const what = ramp !== undefined && ramp < 100 ? `ramping at ${ramp}%` : 'current';
          if (flags.json)
            json(io, { deploymentName, buildId, ...(ramp !== undefined && ramp < 100 ? { ramp } : { current: true }) });
          else
            out(io, `deployment ${deploymentName}: ${buildId} is ${what}; runs pinned to other versions finish there`);
          return EXIT.ok;
        }),
      ),
    );
  });

  withDeployment(
    deploy
      .command('rollback')
      .description(
        'make the previously current version current again and end any ramp; runs started on the present one keep running there',
      ),
  ).action(async (_opts, c: Command) => {
    const flags = c.optsWithGlobals<DeployFlags>();
    setExit(
      await withClient(io, flags, (client) =>
        guarded(io, async () => {
          const deploymentName = deploymentOf(flags);
          const moved = await rollbackVersion({ client: client.temporal, deploymentName });
          if (flags.json) json(io, { deploymentName, ...moved });
          else out(io, `deployment ${deploymentName}: ${moved.to} is current again (was ${moved.from ?? 'none'})`);
          return EXIT.ok;
        }),
      ),
    );
  });
}
