// The bench's printed report: one table per scenario, then the issue's goals, met or not.
import type { ArchiveFigures } from './scenarios/archive';
import type { CallbackFigures } from './scenarios/callbacks';
import type { ScaleFigures } from './scenarios/scale';
import type { StartupFigures } from './scenarios/startup';
import type { SideFigures } from './scenarios/throughput';
import { fmt, formatTable, ratio } from './lib/stats';

export interface Report {
  date: string;
  command: string;
  machine: {
    cores: number;
    memoryGiB: number;
    cpuModel: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  options: {
    poll: { initialSeconds: number; factor: number; maxSeconds: number };
    timeScale: number;
    simConcurrency: number;
    forwardStates?: string;
  };
  throughput?: SideFigures[];
  scale?: ScaleFigures;
  callbacks?: CallbackFigures;
  archive?: ArchiveFigures;
  startup?: StartupFigures;
  errors?: Record<string, string>;
}

const causes = (m: Record<string, number> | undefined): string => {
  const entries = Object.entries(m ?? {});
  return entries.length === 0 ? '' : ` (${entries.map(([k, v]) => `${k} ${v}`).join(', ')})`;
};

export function throughputTable(rows: readonly SideFigures[]): string {
  const base = (f: SideFigures) =>
    rows.find((r) => r.side === 'baseline' && r.mode === f.mode && r.admission === f.admission);
  return formatTable(
    [
      'mode / admission / side',
      'gen/s',
      '× base',
      'events/gen',
      'actions/gen',
      'wf tasks/gen',
      'Vidu req/gen',
      'p50 ms',
      'p95 ms',
      'CPU ms/gen',
      'peak RSS MiB',
      'server CPU ms/gen',
    ],
    rows.map((f) => [
      `${f.mode} / ${f.admission} / ${f.side}${f.succeeded < f.n ? ` (${f.n - f.succeeded} failed)` : ''}${f.failedWorkflowTasks > 0 ? `, failed wf tasks${causes(f.failedWorkflowTaskCauses)}` : ''}`,
      fmt(f.genPerSecond, 2),
      f.side === 'baseline' ? '' : fmt(ratio(f.genPerSecond, base(f)?.genPerSecond), 2),
      fmt(f.eventsPerGen),
      fmt(f.actionsPerGen),
      fmt(f.workflowTasksPerGen),
      fmt(f.viduRequestsPerGen, 2),
      fmt(f.latencyMs.p50, 0),
      fmt(f.latencyMs.p95, 0),
      fmt(f.workerCpuMsPerGen, 0),
      fmt(f.workerPeakRssMiB, 0),
      fmt(f.serverCpuMsPerGen, 0),
    ]),
  );
}

/** Where each vidu-flow row's events come from, by event type (per generation, largest first). */
export function eventBreakdown(rows: readonly SideFigures[]): string {
  return rows
    .filter((f) => f.eventsByTypePerGen)
    .map((f) => {
      const parts = Object.entries(f.eventsByTypePerGen).map(([t, v]) => `${t.toLowerCase()} ${fmt(v, 2)}`);
      return `${f.mode} / ${f.admission} / ${f.side}: ${parts.join(', ')}`;
    })
    .join('\n');
}

interface Goal {
  goal: string;
  measured: string;
  met: boolean | undefined;
}

/** The goals of issue 10, judged on this run's figures (undefined: not measured in this run). */
export function goals(r: Report): Goal[] {
  const out: Goal[] = [];
  const vf = (mode: string, admission: string) =>
    r.throughput?.find((f) => f.side === 'vidu-flow' && f.mode === mode && f.admission === admission);
  const base = (mode: string, admission: string) =>
    r.throughput?.find((f) => f.side === 'baseline' && f.mode === mode && f.admission === admission);
  const cbOn = vf('callback', 'on');
  if (cbOn)
    out.push({
      goal: 'callback mode, admission on: ≤ 28 history events per generation',
      measured: fmt(cbOn.eventsPerGen),
      met: cbOn.eventsPerGen <= 28,
    });
  for (const f of r.throughput?.filter((x) => x.side === 'vidu-flow') ?? []) {
    const x = ratio(f.genPerSecond, base(f.mode, f.admission)?.genPerSecond);
    out.push({
      goal: `throughput ≥ 1.0× baseline (${f.mode}, admission ${f.admission})`,
      measured: `${fmt(x, 2)}×`,
      met: x === undefined ? undefined : x >= 1,
    });
  }
  for (const f of r.throughput?.filter((x) => x.side === 'vidu-flow' && x.mode === 'callback') ?? []) {
    out.push({
      goal: `≤ 2 Vidu requests per callback-mode generation (admission ${f.admission})`,
      measured: fmt(f.viduRequestsPerGen, 2),
      met: f.viduRequestsPerGen <= 2,
    });
  }
  if (r.scale) {
    out.push({
      goal: `10,000 waiting generations under 1 GiB of worker memory${r.scale.n < 10_000 ? ` (this run: ${r.scale.n}, so not judged)` : ''}`,
      measured: `${fmt(r.scale.workerPeakRssMiB, 0)} MiB peak`,
      met: r.scale.n >= 10_000 ? r.scale.workerPeakRssMiB < 1024 : undefined,
    });
    out.push({
      goal: `${r.scale.n} waiting generations: every one completed, no failed workflow task`,
      measured: `${r.scale.completed} completed, ${r.scale.failedWorkflowTasks} failed workflow tasks`,
      met: r.scale.completed === r.scale.n && r.scale.failedWorkflowTasks === 0,
    });
  }
  if (r.callbacks)
    out.push({
      goal: 'callback p99 < 100 ms, no 5xx',
      measured: `${fmt(r.callbacks.latencyMs.p99)} ms, ${r.callbacks.serverErrors} 5xx`,
      met: (r.callbacks.latencyMs.p99 ?? Infinity) < 100 && r.callbacks.serverErrors === 0,
    });
  if (r.archive) {
    out.push({
      goal: 'archive ≥ 0.8× a plain copy, memory growth < 64 MB',
      measured: `${fmt(r.archive.archive.ratio, 2)}×, +${fmt(r.archive.archive.rssGrowthMiB, 0)} MiB`,
      met: r.archive.archive.ratio >= 0.8 && r.archive.archive.rssGrowthMiB < 64,
    });
  }
  return out;
}

export function printReport(r: Report): string {
  const parts: string[] = [
    `== vidu-flow bench, ${r.date}`,
    `${r.command}; ${r.machine.cores} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB; load average ${r.machine.loadAverageAtStart.join(' ')} at start, ${r.machine.loadAverageAtEnd.join(' ')} at end`,
  ];
  if (r.throughput?.length) {
    const p = r.options.poll;
    parts.push(
      '',
      `-- throughput: ${r.throughput[0]!.n} generations started at once (img2video); simulator at ×${r.options.timeScale} (a 30 s Vidu task takes ${fmt(30 / r.options.timeScale)} s), ${r.options.simConcurrency} tasks at once;`,
      `   poll mode: both sides poll at ${p.initialSeconds} s ×${p.factor} ≤ ${p.maxSeconds} s; the baseline always polls (it has no callbacks)`,
      `   callback mode: the receiver forwards terminal states and CALLBACK_FORWARD_STATES=${r.options.forwardStates ?? 'all'}`,
      throughputTable(r.throughput),
      '',
      '   history events per generation, by type:',
      eventBreakdown(r.throughput)
        .split('\n')
        .map((l) => `   ${l}`)
        .join('\n'),
    );
  }
  if (r.scale) {
    const s = r.scale;
    parts.push(
      '',
      `-- scale: ${s.n} generations waiting at once on one worker (admission ${s.admission})`,
      formatTable(
        ['figure', 'value'],
        [
          ['started in / all waiting at Vidu after', `${fmt(s.startSeconds, 0)} s / ${fmt(s.allWaitingSeconds, 0)} s`],
          ['worker RSS while waiting / peak', `${fmt(s.workerRssWaitingMiB, 0)} / ${fmt(s.workerPeakRssMiB, 0)} MiB`],
          ...(s.workerCpuSeconds !== undefined
            ? [['worker CPU, first start to last result', `${fmt(s.workerCpuSeconds, 0)} s`]]
            : []),
          ['dev server RSS while waiting', `${fmt(s.serverRssWaitingMiB, 0)} MiB`],
          [
            'dev server GetSystemInfo p50 / max',
            `${fmt(s.serverHealth.rpcMsP50)} / ${fmt(s.serverHealth.rpcMsMax)} ms (${s.serverHealth.openCount} running)`,
          ],
          ['all finished after Vidu finished them', `${fmt(s.drainSeconds, 0)} s`],
          [
            'completed / failed / failed workflow tasks',
            `${s.completed} / ${s.failed} / ${s.failedWorkflowTasks}${causes(s.failedWorkflowTaskCauses)}`,
          ],
          ...(s.failedWorkflowTasksWhen
            ? [
                [
                  'failed workflow tasks before / after Vidu finished',
                  `${s.failedWorkflowTasksWhen.waiting} / ${s.failedWorkflowTasksWhen.draining}`,
                ],
              ]
            : []),
          ...(s.workflowTaskWaitMs
            ? [
                [
                  'workflow task wait for the worker p50 / p99 / max',
                  `${fmt(s.workflowTaskWaitMs.p50, 0)} / ${fmt(s.workflowTaskWaitMs.p99, 0)} / ${fmt(s.workflowTaskWaitMs.max, 0)} ms`,
                ],
              ]
            : []),
          ...(s.workerEnv && Object.keys(s.workerEnv).length > 0
            ? [
                [
                  'worker settings',
                  Object.entries(s.workerEnv)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' '),
                ],
              ]
            : []),
          ['events / Vidu requests per generation', `${fmt(s.eventsPerGen)} / ${fmt(s.viduRequestsPerGen, 2)}`],
        ],
      ),
    );
  }
  if (r.callbacks) {
    const c = r.callbacks;
    parts.push(
      '',
      `-- callback ingestion: ${c.rate}/s for ${c.seconds} s to ${c.generations} waiting generations`,
      formatTable(
        ['figure', 'value'],
        [
          ['sent / achieved rate', `${c.sent} / ${fmt(c.achievedRate)}/s`],
          [
            'POST → signal accepted p50 / p99 / max',
            `${fmt(c.latencyMs.p50)} / ${fmt(c.latencyMs.p99)} / ${fmt(c.latencyMs.max)} ms`,
          ],
          [
            'answers',
            Object.entries(c.status)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', '),
          ],
          [
            'signals in histories / worker CPU per callback',
            `${c.signalsRecorded} / ${fmt(c.workerCpuMsPerCallback)} ms`,
          ],
          [
            'generations completed afterwards / failed workflow tasks',
            `${c.completedAfterwards}/${c.generations} / ${c.failedWorkflowTasks}${causes(c.failedWorkflowTaskCauses)}`,
          ],
        ],
      ),
    );
  }
  if (r.archive) {
    const a = r.archive;
    parts.push(
      '',
      `-- archive and stage: one ${a.megabytes} MB file from a local HTTP server, in the bench process (median of 3 interleaved runs; growth: the largest)`,
      formatTable(
        ['path', 'MB/s', '× plain copy', 'RSS growth MiB'],
        [
          ['plain stream copy', fmt(a.plainCopy.mbPerSecond, 0), '1.00', fmt(a.plainCopy.rssGrowthMiB, 0)],
          [
            'archive activity (sha256, manifest, fsync)',
            fmt(a.archive.mbPerSecond, 0),
            fmt(a.archive.ratio, 2),
            fmt(a.archive.rssGrowthMiB, 0),
          ],
          [
            'staging (download into the staging store)',
            fmt(a.stage.mbPerSecond, 0),
            fmt(a.stage.ratio, 2),
            fmt(a.stage.rssGrowthMiB, 0),
          ],
        ],
      ),
    );
  }
  if (r.startup) {
    const s = r.startup;
    parts.push(
      '',
      '-- worker start-up, to polling',
      formatTable(
        ['workflow code', 'seconds', 'CPU ms', 'RSS MiB'],
        [
          [
            'prebuilt bundle (VIDU_FLOW_WORKFLOW_BUNDLE)',
            fmt(s.withBundle.seconds),
            fmt(s.withBundle.cpuMs, 0),
            fmt(s.withBundle.rssMiB, 0),
          ],
          [
            'bundled from source at start-up',
            fmt(s.fromSource.seconds),
            fmt(s.fromSource.cpuMs, 0),
            fmt(s.fromSource.rssMiB, 0),
          ],
        ],
      ),
    );
  }
  const failures = [
    ...(r.throughput ?? []).flatMap((f) =>
      Object.entries(f.failures ?? {}).map(([why, n]) => `throughput ${f.mode}/${f.admission}/${f.side}: ${n}× ${why}`),
    ),
    ...Object.entries(r.scale?.failures ?? {}).map(([why, n]) => `scale: ${n}× ${why}`),
    ...Object.entries(r.callbacks?.failures ?? {}).map(([why, n]) => `callbacks: ${n}× ${why}`),
  ];
  if (failures.length > 0) parts.push('', '-- generations that failed, by reason', ...failures);
  for (const [name, message] of Object.entries(r.errors ?? {}))
    parts.push('', `-- ${name}: FAILED`, message.split('\n').slice(0, 8).join('\n'));
  const g = goals(r);
  if (g.length > 0) {
    parts.push(
      '',
      '-- goals (issue 10)',
      formatTable(
        ['goal', 'measured', 'met'],
        g.map((x) => [x.goal, x.measured, x.met === undefined ? 'not judged' : x.met ? 'yes' : 'NO']),
      ),
    );
  }
  return parts.join('\n');
}
