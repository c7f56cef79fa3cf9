import { Command, Option } from 'commander';
import { GENERATION_KINDS } from '../contract/generation-input';
import { isLocalPath, resolveLocalPath } from '../contract/local-path';
import {
  compileSchedule,
  compileScheduleSpec,
  type CreateScheduleOptions,
  type GenerationOptions,
  InvalidScheduleOptions,
  OVERLAP_POLICIES,
  type OverlapPolicy,
  type Priority,
  ScheduleAlreadyRunning,
  type ScheduleDetails,
  ScheduleNotFoundError,
  type ScheduleRow,
  type ScheduleSpecInput,
  ViduFlowSchedules,
} from '../client/index';
import { buildStartPlan, collect, type GenerateFlags, type PlanContext, REQUEST_FLAGS, UsageError } from './args';
import {
  type CliIO,
  err,
  EXIT,
  type GlobalFlags,
  json,
  out,
  type OutputFlags,
  printUsageIssues,
  withClient,
} from './io';
import { formatTable } from './output';
import { taskQueueFromEnv } from '../platform/temporal/task-queue';

// `vidu-flow schedule create|list|describe|delete`: recurring generations on Temporal Schedules
// (client/schedules.ts). Registered on the program with registerScheduleCommands(program, io, setExit).

/** The flags of `schedule create` as commander hands them over. */
export interface ScheduleCreateFlags extends GenerateFlags, GlobalFlags, OutputFlags {
  kind?: string;
  batch?: string;
  /** With --batch: generations in flight at once. */
  window?: string;
  cron?: string;
  every?: string;
  dailyAt?: string;
  timezone?: string;
  priority?: string;
  overlap?: string;
  note?: string;
  triggerNow?: boolean;
  dryRun?: boolean;
}

export interface SchedulePlan {
  options: CreateScheduleOptions;
  /** Local files the worker will read at each run (media, the batch file), for an existence warning. */
  localFiles: string[];
}

const OVERLAP_FLAG = (p: OverlapPolicy) => p.toLowerCase().replace(/_/g, '-');

/** Flags of `--kind` schedules that a `--batch` schedule does not take (its lines carry their own). */
const KIND_ONLY: [keyof GenerateFlags, string][] = [
  ...REQUEST_FLAGS.map((f) => [f.key, `--${f.flag}`] as [keyof GenerateFlags, string]),
  ['request', '--request'],
  ['waitMode', '--wait-mode'],
  ['timeout', '--timeout'],
  ['pollInitial', '--poll-initial'],
];

/**
 * Maps `schedule create <id>` flags to CreateScheduleOptions. Throws UsageError listing every
 * problem, including those of the generation input and the spec (as the client would see them).
 */
export function buildSchedulePlan(scheduleId: string, flags: ScheduleCreateFlags, ctx: PlanContext): SchedulePlan {
  const issues: string[] = [];
  const spec: ScheduleSpecInput = {};
  const specFlags = (
    [
      ['cron', '--cron'],
      ['every', '--every'],
      ['dailyAt', '--daily-at'],
    ] as const
  ).filter(([k]) => flags[k] !== undefined);
  if (specFlags.length !== 1) {
    issues.push(
      specFlags.length === 0
        ? 'give one of --cron "<expr>", --every <duration> or --daily-at HH:MM'
        : `give only one of ${specFlags.map(([, f]) => f).join(', ')}`,
    );
  }
  if (flags.cron !== undefined) spec.cron = flags.cron;
  if (flags.every !== undefined) spec.every = flags.every;
  if (flags.dailyAt !== undefined) spec.at = flags.dailyAt;
  if (flags.timezone !== undefined) spec.timezone = flags.timezone;
  if (specFlags.length === 1) {
    const specIssues: string[] = [];
    compileScheduleSpec(spec, specIssues);
    issues.push(...specIssues.map(withSpecFlag));
  }

  let priority: Priority | undefined;
  if (flags.priority !== undefined) {
    if (flags.priority === 'interactive' || flags.priority === 'batch') priority = flags.priority;
    else issues.push(`--priority must be interactive or batch (got ${JSON.stringify(flags.priority)})`);
  }
  let overlap: OverlapPolicy | undefined;
  if (flags.overlap !== undefined) {
    overlap = OVERLAP_POLICIES.find(
      (p) => OVERLAP_FLAG(p) === flags.overlap!.toLowerCase() || p === flags.overlap!.toUpperCase(),
    );
    if (!overlap)
      issues.push(
        `--overlap must be one of ${OVERLAP_POLICIES.map(OVERLAP_FLAG).join(', ')} (got ${JSON.stringify(flags.overlap)})`,
      );
  }

  let action: CreateScheduleOptions['action'] | undefined;
  const localFiles: string[] = [];
  if ((flags.kind === undefined) === (flags.batch === undefined)) {
    issues.push(
      flags.kind === undefined
        ? 'give --kind <kind> (with request flags or --request) or --batch <file.jsonl>'
        : 'give --kind or --batch, not both',
    );
  } else if (flags.batch !== undefined) {
    for (const [key, flag] of KIND_ONLY) {
      const v = flags[key];
      if (v !== undefined && !(Array.isArray(v) && v.length === 0))
        issues.push(`${flag} applies to --kind schedules; a batch file's lines carry their own requests and options`);
    }
    if (flags.archive === false)
      issues.push("--no-archive applies to --kind schedules; a batch file's lines carry their own options");
    const file = resolveLocalPath(flags.batch, ctx.cwd);
    if (isLocalPath(flags.batch)) localFiles.push(file);
    let window: number | undefined;
    if (flags.window !== undefined) {
      window = /^\d+$/.test(flags.window.trim()) ? Number(flags.window) : undefined;
      if (window === undefined) issues.push(`--window must be a whole number (got ${JSON.stringify(flags.window)})`);
    }
    action = {
      batch: {
        path: file,
        ...(window !== undefined ? { window } : {}),
        ...(priority ? { options: { priority } } : {}),
      },
    };
  } else if (flags.kind !== undefined) {
    if (flags.window !== undefined) issues.push('--window applies to --batch schedules');
    if (!(GENERATION_KINDS as readonly string[]).includes(flags.kind)) {
      issues.push(`--kind: unknown kind ${JSON.stringify(flags.kind)}; expected one of ${GENERATION_KINDS.join(', ')}`);
    } else {
      try {
        const plan = buildStartPlan(
          flags.kind,
          { ...flags, idempotencyKey: undefined, workflowId: undefined, notBefore: undefined },
          ctx,
        );
        const options: GenerationOptions = { ...plan.input.options, ...(priority ? { priority } : {}) };
        action = {
          kind: plan.kind,
          input:
            Object.keys(options).length > 0
              ? { request: plan.input.request, options }
              : { request: plan.input.request },
        };
        localFiles.push(...plan.localFiles);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        issues.push(...e.issues);
      }
    }
  }
  if (issues.length > 0 || !action) throw new UsageError(issues);

  const options: CreateScheduleOptions = {
    scheduleId,
    spec,
    action,
    ...(flags.note !== undefined ? { note: flags.note } : {}),
    ...(overlap ? { overlap } : {}),
    ...(flags.triggerNow ? { triggerImmediately: true } : {}),
  };
  // The client's own checks (schedule id, generation input), with the same wording.
  try {
    compileSchedule(options, 'dry-run');
  } catch (e) {
    if (!(e instanceof InvalidScheduleOptions)) throw e;
    throw new UsageError(e.issues.map((line) => withSpecFlag(line).replace(/^batch\.window:/, '--window:')));
  }
  return { options, localFiles };
}

/** `spec.at: …` → `--daily-at: …`, naming the flag the user typed. */
function withSpecFlag(line: string): string {
  return line
    .replace(/^spec\.at:/, '--daily-at:')
    .replace(/^spec\.every:/, '--every:')
    .replace(/^spec\.cron:/, '--cron:')
    .replace(/^spec\.timezone:/, '--timezone:');
}

function time(d: Date | undefined): string {
  return d
    ? d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '-';
}

export function formatScheduleTable(rows: ScheduleRow[]): string {
  return formatTable(
    ['SCHEDULE', 'ACTION', 'WHEN', 'NEXT RUN', 'LAST RUN', 'STATE'],
    rows.map((r) => [
      r.scheduleId,
      r.action,
      r.spec,
      time(r.nextRunAt),
      r.lastRun ? `${time(r.lastRun.takenAt)} ${r.lastRun.workflowId}` : '-',
      `${r.paused ? 'paused' : 'active'}${r.note ? ` · ${r.note}` : ''}`,
    ]),
  );
}

export function formatScheduleDetails(d: ScheduleDetails): string {
  const lines = [
    `schedule ${d.scheduleId}: ${d.action} · ${d.spec} · ${d.paused ? 'paused' : 'active'}${d.note ? ` · ${d.note}` : ''}`,
    `  workflow ${d.workflowType} on task queue ${d.taskQueue ?? '?'} · overlap ${d.overlap} · created ${time(d.createdAt)}`,
    `  runs taken ${d.actionsTaken} · skipped (overlap) ${d.skippedOverlap} · missed (catch-up window) ${d.missedCatchupWindow}`,
    `  next runs: ${d.nextRunTimes.length > 0 ? d.nextRunTimes.slice(0, 5).map(time).join(', ') : 'none'}`,
  ];
  if (d.running.length > 0) lines.push(`  running: ${d.running.join(', ')}`);
  if (d.recentRuns.length === 0) lines.push('  recent runs: none yet');
  else {
    lines.push('  recent runs:');
    for (const r of d.recentRuns) lines.push(`    ${time(r.takenAt)}  ${r.workflowId}  ${r.status}`);
  }
  return lines.join('\n');
}

function detailsJson(d: ScheduleDetails): unknown {
  return JSON.parse(JSON.stringify(d));
}

/** Runs fn; schedule-specific Temporal errors become exit 1 with one clear line. */
async function scheduleErrors(io: CliIO, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) {
      err(io, `vidu-flow: no schedule ${e.scheduleId} in this namespace`);
      return EXIT.failed;
    }
    if (e instanceof ScheduleAlreadyRunning) {
      err(
        io,
        `vidu-flow: schedule ${e.scheduleId} already exists (vidu-flow schedule describe ${e.scheduleId}; delete it first to replace it)`,
      );
      return EXIT.failed;
    }
    if (e instanceof InvalidScheduleOptions) {
      printUsageIssues(io, e.issues, 'nothing was created');
      return EXIT.usage;
    }
    throw e;
  }
}

export async function scheduleCreateAction(io: CliIO, scheduleId: string, flags: ScheduleCreateFlags): Promise<number> {
  let plan: SchedulePlan;
  try {
    plan = buildSchedulePlan(scheduleId, flags, { cwd: io.cwd, readFile: io.readFile });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    printUsageIssues(io, e.issues, 'nothing was created');
    return EXIT.usage;
  }
  for (const file of plan.localFiles) {
    if (!io.fileExists(file))
      err(io, `vidu-flow: warning: ${file} does not exist here; the worker must be able to read it at every run`);
  }
  if (flags.dryRun) {
    const taskQueue = flags.taskQueue ?? taskQueueFromEnv();
    const compiled = compileSchedule(plan.options, taskQueue);
    json(io, {
      ...plan.options,
      temporal: {
        spec: compiled.spec,
        policies: compiled.policies,
        workflowType: compiled.action.workflowType,
        taskQueue,
        workflowIdPrefix: `${scheduleId}-`,
        input: compiled.action.args?.[0],
      },
    });
    return EXIT.ok;
  }
  return withClient(io, flags, (client) =>
    scheduleErrors(io, async () => {
      const d = await new ViduFlowSchedules(client).createSchedule(plan.options);
      if (flags.json) json(io, detailsJson(d));
      else {
        out(io, d.scheduleId);
        err(
          io,
          `created schedule ${d.scheduleId}: ${d.action} ${d.spec}; next run ${time(d.nextRunTimes[0])} (runs are named ${d.scheduleId}-<time>)`,
        );
      }
      return EXIT.ok;
    }),
  );
}

export async function scheduleListAction(
  io: CliIO,
  flags: GlobalFlags & OutputFlags & { all?: boolean },
): Promise<number> {
  return withClient(io, flags, async (client) => {
    const rows = await new ViduFlowSchedules(client).listSchedules({ all: flags.all === true });
    if (flags.json) json(io, JSON.parse(JSON.stringify(rows)));
    else if (rows.length === 0)
      err(io, `no schedules${flags.all ? '' : ` for task queue ${client.taskQueue} (--all lists every schedule)`}`);
    else out(io, formatScheduleTable(rows));
    return EXIT.ok;
  });
}

export async function scheduleDescribeAction(
  io: CliIO,
  scheduleId: string,
  flags: GlobalFlags & OutputFlags,
): Promise<number> {
  return withClient(io, flags, (client) =>
    scheduleErrors(io, async () => {
      const d = await new ViduFlowSchedules(client).describeSchedule(scheduleId);
      if (flags.json) json(io, detailsJson(d));
      else out(io, formatScheduleDetails(d));
      return EXIT.ok;
    }),
  );
}

export async function scheduleDeleteAction(
  io: CliIO,
  scheduleId: string,
  flags: GlobalFlags & OutputFlags,
): Promise<number> {
  return withClient(io, flags, (client) =>
    scheduleErrors(io, async () => {
      await new ViduFlowSchedules(client).deleteSchedule(scheduleId);
      if (flags.json) json(io, { scheduleId, deleted: true });
      else out(io, `deleted schedule ${scheduleId} (runs already started keep going)`);
      return EXIT.ok;
    }),
  );
}

function addRequestFlags(cmd: Command): void {
  for (const spec of REQUEST_FLAGS) {
    if (spec.value === 'bool') {
      cmd.addOption(new Option(`--${spec.flag}`, spec.help));
      cmd.addOption(new Option(`--no-${spec.flag}`).hideHelp());
    } else if (spec.value === 'media-list') {
      cmd.addOption(new Option(`--${spec.flag} ${spec.placeholder ?? '<value>'}`, spec.help).argParser(collect));
    } else {
      cmd.addOption(new Option(`--${spec.flag} ${spec.placeholder ?? '<value>'}`, spec.help));
    }
  }
}

/** Adds `schedule create|list|describe|delete` to the program. */
export function registerScheduleCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const schedule = program
    .command('schedule')
    .description('recurring generations or batches on Temporal Schedules: create, list, describe, delete');

  const create = schedule
    .command('create')
    .description('create a schedule that starts a generation (--kind) or a batch (--batch) at every matching time')
    .argument('<scheduleId>', "the schedule's id; its runs are <scheduleId>-<scheduled time>")
    .addOption(new Option('--kind <kind>', 'start this generation kind at every run').choices([...GENERATION_KINDS]))
    .option('--batch <file.jsonl>', 'start the batch workflow on this file at every run (the worker reads it)')
    .option('--window <n>', 'with --batch: generations in flight at once (default 20)');
  addRequestFlags(create);
  create
    .option(
      '--request <json|@file>',
      'the Vidu request body as JSON or @file.json (or a whole { request, options } input); flags override its fields',
    )
    .addOption(
      new Option('--wait-mode <mode>', 'how each run learns the task ended').choices(['auto', 'callback', 'poll']),
    )
    .option('--no-archive', 'do not archive the results')
    .option('--timeout <seconds>', 'each run gives up (and cancels at Vidu) after this long')
    .option('--poll-initial <seconds>', 'delay before the second poll')
    .option('--cron <expr>', 'cron expression, e.g. "0 1 * * *" (01:00 every day), or @daily, @hourly')
    .option('--every <duration>', 'fixed interval from the Unix epoch: 30m, 1h, 1d (every 1h = on the hour)')
    .option('--daily-at <HH:MM>', 'every day at this time (24-hour clock)')
    .option('--timezone <zone>', 'IANA zone for --cron and --daily-at, e.g. Europe/Paris (default UTC)')
    .addOption(
      new Option(
        '--priority <priority>',
        'admission priority of the runs (default batch: they yield to interactive starts)',
      ).choices(['batch', 'interactive']),
    )
    .addOption(
      new Option('--overlap <policy>', 'when a time comes while the previous run still runs (default skip)').choices(
        OVERLAP_POLICIES.map(OVERLAP_FLAG),
      ),
    )
    .option('--note <text>', 'a note shown by list and describe')
    .option('--trigger-now', 'also run once right away')
    .option('--json', 'print the created schedule as JSON')
    .option('--dry-run', 'print the schedule that would be created, without connecting to Temporal')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  vidu-flow schedule create nightly-teaser --kind img2video --model viduq2 --image https://cdn.example.com/still.png \\\n' +
        '    --prompt "The camera pushes in" --off-peak --daily-at 01:00 --timezone Europe/Paris\n' +
        '  vidu-flow schedule create nightly-batch --batch ./tonight.jsonl --daily-at 01:00\n' +
        '  vidu-flow schedule create hourly --kind reference2image --request @req.json --cron "0 * * * *"',
    )
    .action(async (id: string, _opts, c: Command) => setExit(await scheduleCreateAction(io, id, c.optsWithGlobals())));

  schedule
    .command('list')
    .description(
      'list the schedules that start a vidu-flow workflow on this task queue (whoever made them): what, when, next and last run',
    )
    .option('--all', 'every schedule in the namespace')
    .option('--json', 'print JSON')
    .action(async (_opts, c: Command) => setExit(await scheduleListAction(io, c.optsWithGlobals())));

  schedule
    .command('describe')
    .description('show a schedule: its next run times and its recent runs with their status')
    .argument('<scheduleId>')
    .option('--json', 'print JSON')
    .action(async (id: string, _opts, c: Command) =>
      setExit(await scheduleDescribeAction(io, id, c.optsWithGlobals())),
    );

  schedule
    .command('delete')
    .description('delete a schedule (runs it already started keep going)')
    .argument('<scheduleId>')
    .option('--json', 'print JSON')
    .action(async (id: string, _opts, c: Command) => setExit(await scheduleDeleteAction(io, id, c.optsWithGlobals())));
}
