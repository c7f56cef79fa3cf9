// `npm run bench`: vidu-flow against the textbook baseline (bench/baseline/), side by side in one
// run on one Temporal dev server and one simulator. Prints a table and writes the figures as JSON
// under bench/results/. Not part of `npm test`; speed figures are ratios measured in the same run,
// never assertions. `--quick` for a short run; `--only throughput,scale,callbacks,archive,startup`.
import { Command } from 'commander';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultWorkflowBundle } from '../dev/stack';
import { findTemporalBinary } from '../dev/temporal-binary';
import { startDevServer } from '../dev/temporal-server';
import { renderPng } from '../sim/media/render';
import { connectClient } from './lib/harness';
import { printReport } from './report';
import { runArchive, type ArchiveFigures } from './scenarios/archive';
import { runCallbackIngestion, type CallbackFigures } from './scenarios/callbacks';
import { runScale, type ScaleFigures } from './scenarios/scale';
import { runStartup, type StartupFigures } from './scenarios/startup';
import { runThroughput, type SideFigures, type WaitMode } from './scenarios/throughput';

export const SCENARIOS = ['throughput', 'scale', 'callbacks', 'archive', 'startup'] as const;
type Scenario = (typeof SCENARIOS)[number];

const program = new Command('bench')
  .option('--quick', 'a short run: 20 generations, 300 waiting, 10 s of callbacks, a 50 MB file')
  .option('--only <list>', `comma list of ${SCENARIOS.join(', ')}`, SCENARIOS.join(','))
  .option('--generations <n>', 'throughput: generations started at once (default 200; quick 20)')
  .option('--modes <list>', 'throughput: callback,poll', 'callback,poll')
  .option('--admission <list>', 'throughput: on,off', 'on,off')
  .option(
    '--poll <initial,factor,max>',
    'poll schedule of both sides in poll mode, seconds (vidu-flow’s poll-only default)',
    '5,2,60',
  )
  .option('--time-scale <n>', 'simulator time scale: 30 makes a 30 s Vidu task take 1 s', '30')
  .option('--sim-concurrency <n>', 'tasks the simulator runs at once (and the account limit admission reads)', '1000')
  .option('--forward-states <list>', "throughput: the receiver's CALLBACK_FORWARD_STATES (all, none, or a list)", 'all')
  .option('--scale-generations <n>', 'scale: generations waiting at once (default 10000; quick 300)')
  .option('--scale-admission <on|off>', 'scale: admission control on the waiting generations', 'off')
  .option('--callback-rate <n>', 'callbacks: POSTs per second', '100')
  .option('--callback-seconds <n>', 'callbacks: how long (default 60; quick 10)')
  .option('--archive-mb <n>', 'archive: file size in MB (default 200; quick 50)')
  .option('--out <file>', 'JSON output (default bench/results/<date>[-quick].json)')
  .parse();

interface Flags {
  quick?: boolean;
  only: string;
  generations?: string;
  modes: string;
  admission: string;
  poll: string;
  timeScale: string;
  simConcurrency: string;
  forwardStates: string;
  scaleGenerations?: string;
  scaleAdmission: string;
  callbackRate: string;
  callbackSeconds?: string;
  archiveMb?: string;
  out?: string;
}

const flags = program.opts<Flags>();
const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name}: must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const only = list(flags.only);
  for (const s of only)
    if (!(SCENARIOS as readonly string[]).includes(s))
      throw new Error(`--only: unknown scenario ${s}; expected ${SCENARIOS.join(', ')}`);
  const want = (s: Scenario) => only.includes(s);
  const quick = flags.quick === true;
  const [initialSeconds, factor, maxSeconds] = list(flags.poll).map((v) => positive('--poll', v));
  if (initialSeconds === undefined || factor === undefined || maxSeconds === undefined)
    throw new Error('--poll: expected initial,factor,max in seconds, e.g. 5,2,60');
  const modes = list(flags.modes) as WaitMode[];
  for (const m of modes) if (m !== 'callback' && m !== 'poll') throw new Error(`--modes: callback or poll, got ${m}`);
  const admission = list(flags.admission) as Array<'on' | 'off'>;
  for (const a of admission) if (a !== 'on' && a !== 'off') throw new Error(`--admission: on or off, got ${a}`);

  const machine = {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => Number(v.toFixed(2))),
  };
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  log(
    `bench: ${command}; ${machine.cores} cores, ${machine.memoryGiB} GiB, load average ${machine.loadAverageAtStart.join(' ')}`,
  );

  const dir = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-bench-'));
  const startedAt = new Date();
  const results: {
    throughput?: SideFigures[];
    scale?: ScaleFigures;
    callbacks?: CallbackFigures;
    archive?: ArchiveFigures;
    startup?: StartupFigures;
  } = {};
  // A scenario that fails is reported as such; the others still run and are written.
  const errors: Record<string, string> = {};
  const attempt = async <T>(name: Scenario, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      errors[name] = err instanceof Error ? err.message.slice(0, 2000) : String(err);
      log(`${name}: FAILED — ${errors[name]}`);
      return undefined;
    }
  };

  if (want('archive')) {
    // In-process and first: no other process of the bench is running yet.
    results.archive = await attempt('archive', () =>
      runArchive({ megabytes: positive('--archive-mb', flags.archiveMb ?? (quick ? '50' : '200')), dir, log }),
    );
  }

  const needsServer = want('throughput') || want('scale') || want('callbacks') || want('startup');
  if (needsServer) {
    const binary = await findTemporalBinary({ build: true, log });
    const [server, bundle] = await Promise.all([
      startDevServer({ binary: binary.path, headless: true }),
      defaultWorkflowBundle(),
    ]);
    const client = await connectClient(server.address, server.namespace);
    try {
      const imagePath = path.join(dir, 'still.png');
      const png = renderPng('bench', { width: 320, height: 180 });
      await writeFile(imagePath, png);
      const imageDataUri = `data:image/png;base64,${png.toString('base64')}`;
      if (want('startup'))
        results.startup = await attempt('startup', () =>
          runStartup({ temporalAddress: server.address, bundle, dir, log }),
        );
      if (want('throughput')) {
        results.throughput = await attempt('throughput', () =>
          runThroughput({
            n: Math.round(positive('--generations', flags.generations ?? (quick ? '20' : '200'))),
            modes,
            admission,
            poll: { initialSeconds, factor, maxSeconds },
            simTimeScale: positive('--time-scale', flags.timeScale),
            simConcurrency: Math.round(positive('--sim-concurrency', flags.simConcurrency)),
            forwardStates: flags.forwardStates,
            temporalAddress: server.address,
            serverPid: server.pid,
            client,
            dir,
            imagePath,
            imageDataUri,
            log,
          }),
        );
      }
      if (want('callbacks')) {
        results.callbacks = await attempt('callbacks', () =>
          runCallbackIngestion({
            rate: positive('--callback-rate', flags.callbackRate),
            seconds: positive('--callback-seconds', flags.callbackSeconds ?? (quick ? '10' : '60')),
            temporalAddress: server.address,
            client,
            dir,
            imagePath,
            log,
          }),
        );
      }
      if (want('scale')) {
        results.scale = await attempt('scale', () =>
          runScale({
            n: Math.round(positive('--scale-generations', flags.scaleGenerations ?? (quick ? '300' : '10000'))),
            admission: flags.scaleAdmission === 'on' ? 'on' : 'off',
            temporalAddress: server.address,
            serverPid: server.pid,
            client,
            dir,
            imagePath,
            log,
          }),
        );
      }
    } finally {
      await client.connection.close();
      await server.stop();
    }
  }

  const report = {
    date: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command,
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((v) => Number(v.toFixed(2))) },
    options: {
      quick,
      only,
      poll: { initialSeconds, factor, maxSeconds },
      timeScale: Number(flags.timeScale),
      simConcurrency: Number(flags.simConcurrency),
      forwardStates: flags.forwardStates,
    },
    ...results,
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
  };
  process.stdout.write(`${printReport(report)}\n`);
  const out =
    flags.out ??
    path.join(__dirname, 'results', `${startedAt.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`bench: figures written to ${path.relative(process.cwd(), out)}; process logs under ${dir}`);
  if (Object.keys(errors).length > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
