import { type Command, Option } from 'commander';
import path from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import { WorkflowNotFoundError } from '@temporalio/client';
import { MAX_BATCH_LINE_BYTES, parseBatchLine } from '../contract/batch-input';
import { mediaSlots } from '../contract/media-fields';
import {
  type BatchHandle,
  type BatchStartOptions,
  type BatchStatus,
  type BatchSummary,
  DEFAULT_BATCH_WINDOW,
  describeFailure,
  type GenerationOptions,
  InvalidGenerationInput,
  MAX_BATCH_WINDOW,
  MAX_LINES_PER_RUN,
  workflowIdIssues,
} from '../client/index';
import {
  type CliIO,
  err,
  EXIT,
  type GlobalFlags,
  json,
  out,
  type OutputFlags,
  printUsageIssues,
  WATCH_INTERVAL_MS,
  withClient,
} from './io';
import { formatFailure } from './output';
import type { OutStream } from './progress';
import { isLocalPath } from '../contract/local-path';
import { addNotBeforeOption, applyNotBefore } from './not-before';

// `vidu-flow batch <file.jsonl>`: one generation per line, `--window` at a time, as the `batch`
// workflow. The file is checked here first (the same line checks the worker applies), then its
// absolute path is what the workflow gets: the worker reads it, and the media paths inside it
// relative to the file's folder. Registered with registerBatchCommand(program, io, setExit).

export interface BatchFlags extends GlobalFlags, OutputFlags {
  window?: string;
  priority?: string;
  linesPerRun?: string;
  idempotencyKey?: string;
  workflowId?: string;
  wait?: boolean;
  dryRun?: boolean;
  notBefore?: string;
}

/** What the local check of a batch file found. */
export interface BatchFileCheck {
  file: string;
  /** Non-blank lines. */
  lines: number;
  valid: number;
  /** Every invalid line (the worker records each as failed, without starting anything). */
  invalid: { line: number; message: string }[];
  /** Local media files (absolute) that do not exist here, with the line naming them. */
  missingMedia: { line: number; file: string }[];
}

export interface BatchPlan {
  file: string;
  start: BatchStartOptions;
  check: BatchFileCheck;
}

function parseWhole(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
  issues: string[],
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    issues.push(`--${flag} must be a whole number ${min}–${max} (got ${JSON.stringify(raw)})`);
    return undefined;
  }
  return n;
}

/** Checks every line of the file as the worker will (a pure function of the text). */
export function checkBatchFile(
  file: string,
  text: string,
  defaults: GenerationOptions | undefined,
  fileExists: (f: string) => boolean,
): BatchFileCheck {
  const baseDir = path.dirname(file);
  const check: BatchFileCheck = { file, lines: 0, valid: 0, invalid: [], missingMedia: [] };
  const rows = text.split('\n');
  rows.forEach((raw, i) => {
    let row = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && row.startsWith('\uFEFF')) row = row.slice(1);
    if (row.trim() === '') return;
    const line = i + 1;
    check.lines += 1;
    if (Buffer.byteLength(row) > MAX_BATCH_LINE_BYTES) {
      check.invalid.push({
        line,
        message: `the line is ${Buffer.byteLength(row)} bytes; at most ${MAX_BATCH_LINE_BYTES}`,
      });
      return;
    }
    const parsed = parseBatchLine(row, { baseDir, ...(defaults ? { defaults } : {}) });
    if (!parsed.ok) {
      check.invalid.push({ line, message: parsed.message });
      return;
    }
    check.valid += 1;
    for (const slot of mediaSlots(parsed.kind, parsed.input.request)) {
      if (isLocalPath(slot.value) && !fileExists(slot.value)) check.missingMedia.push({ line, file: slot.value });
    }
  });
  return check;
}

/** Flags → the start of a batch, with the file checked. Throws UsageError-style issues as InvalidGenerationInput. */
export function planBatch(
  fileArg: string,
  flags: BatchFlags,
  io: Pick<CliIO, 'cwd' | 'readFile' | 'fileExists'>,
): BatchPlan {
  const issues: string[] = [];
  const window = parseWhole('window', flags.window, 1, MAX_BATCH_WINDOW, issues);
  const linesPerRun = parseWhole('lines-per-run', flags.linesPerRun, 1, MAX_LINES_PER_RUN, issues);
  const options: GenerationOptions = {};
  if (flags.priority !== undefined) {
    if (flags.priority === 'interactive' || flags.priority === 'batch') options.priority = flags.priority;
    else issues.push(`--priority must be interactive or batch (got ${JSON.stringify(flags.priority)})`);
  }
  const deferred: { notBefore?: Date } = {};
  applyNotBefore(deferred, flags.notBefore, new Date(), issues);
  if (flags.workflowId !== undefined) issues.push(...workflowIdIssues(flags.workflowId, '--workflow-id'));
  const file = path.resolve(io.cwd, fileArg);
  let text: string | undefined;
  try {
    text = io.readFile(file);
  } catch (e) {
    issues.push(`${fileArg}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (issues.length > 0 || text === undefined) throw new InvalidGenerationInput(issues);
  const check = checkBatchFile(file, text, Object.keys(options).length > 0 ? options : undefined, io.fileExists);
  if (check.lines === 0)
    throw new InvalidGenerationInput([
      `${file}: no lines; expected one { "kind", "request", "options" } object per line`,
    ]);
  if (check.valid === 0) {
    throw new InvalidGenerationInput([
      `${file}: none of its ${check.lines} line(s) is valid:`,
      ...check.invalid.slice(0, 20).map((i) => `line ${i.line}: ${i.message}`),
      ...(check.invalid.length > 20 ? [`… and ${check.invalid.length - 20} more`] : []),
    ]);
  }
  const start: BatchStartOptions = {
    ...(window !== undefined ? { window } : {}),
    ...(linesPerRun !== undefined ? { linesPerRun } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(flags.workflowId !== undefined ? { workflowId: flags.workflowId } : {}),
    ...(flags.idempotencyKey !== undefined ? { idempotencyKey: flags.idempotencyKey } : {}),
    ...(deferred.notBefore ? { notBefore: deferred.notBefore } : {}),
  };
  return { file, start, check };
}

/** One line of progress: done/total, failed, in flight. */
export function batchStatusLine(s: BatchStatus): string {
  const total = s.total !== undefined ? `/${s.total}` : '';
  return `${s.phase} · done ${s.done}${total} · failed ${s.failed} · in flight ${s.inFlight} · next line ${s.nextLine}${s.run > 1 ? ` · run ${s.run}` : ''}`;
}

/** The summary for humans. */
export function formatBatchSummary(s: BatchSummary): string {
  const mark = s.failed === 0 ? '✓' : '✗';
  const lines = [
    `${mark} ${s.workflowId}: ${s.succeeded} of ${s.total} line(s) succeeded · ${s.failed} failed · ${s.credits} credits · ${s.runs} run(s)`,
    `results: ${s.resultsFile}`,
  ];
  if (s.failures.length > 0) {
    lines.push(s.failures.length < s.failed ? `failures (first ${s.failures.length} of ${s.failed}):` : 'failures:');
    for (const f of s.failures)
      lines.push(`  line ${f.line}  ${f.type}: ${f.message.split('\n').join(' ').slice(0, 300)}`);
  }
  return lines.join('\n');
}

interface BatchProgress {
  update(s: BatchStatus): void;
  note(message: string): void;
  stop(): void;
}

function timestamp(d: Date): string {
  return d.toISOString().slice(11, 19);
}

/** A line per change (for logs and pipes), or a bar on a terminal. Always on stderr. */
export function createBatchProgress(stream: OutStream, clock: () => Date = () => new Date()): BatchProgress {
  if (!stream.isTTY) {
    let last = '';
    return {
      update(s) {
        const line = batchStatusLine(s);
        if (line === last) return;
        last = line;
        stream.write(`${timestamp(clock())} ${line}\n`);
      },
      note: (message) => stream.write(`${timestamp(clock())} ${message}\n`),
      stop() {},
    };
  }
  const multi = new MultiBar(
    {
      stream,
      format: ' {bar} {value}/{total} done | failed {failed} · in flight {inFlight} · {phase}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const bar = multi.create(1, 0, { failed: 0, inFlight: 0, phase: 'starting' });
  return {
    update(s) {
      bar.setTotal(Math.max(1, s.total ?? s.done + s.inFlight));
      bar.update(s.done, { failed: s.failed, inFlight: s.inFlight, phase: s.phase });
    },
    note: (message) => multi.log(`${message}\n`),
    stop: () => multi.stop(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function followBatch(handle: BatchHandle, progress: BatchProgress, intervalMs: number): Promise<void> {
  let failures = 0;
  for (;;) {
    try {
      for await (const s of handle.watch(intervalMs)) {
        failures = 0;
        progress.update(s);
      }
      return;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw e;
      failures += 1;
      if (failures === 1 || failures % 10 === 0)
        progress.note(`status query failed (${e instanceof Error ? e.message : String(e)}); retrying`);
      await sleep(intervalMs);
    }
  }
}

/** Shows progress until the batch closes, prints the summary; exit 1 when any line failed. */
export async function awaitBatch(io: CliIO, handle: BatchHandle, flags: OutputFlags): Promise<number> {
  const progress = createBatchProgress(io.stderr);
  let interrupted = false;
  const off = io.onInterrupt(() => {
    interrupted = true;
    progress.stop();
    err(io, `\nstopped watching; batch ${handle.workflowId} keeps running`);
    process.exit(EXIT.interrupted);
  });
  try {
    await followBatch(handle, progress, io.pollIntervalMs ?? WATCH_INTERVAL_MS);
  } finally {
    off();
    if (!interrupted) progress.stop();
  }
  let summary: BatchSummary;
  try {
    summary = await handle.result();
  } catch (e) {
    const failure = describeFailure(e);
    const status = await handle.status().catch(() => undefined);
    if (flags.json) json(io, { workflowId: handle.workflowId, error: failure, ...(status ? { status } : {}) });
    else
      err(
        io,
        `${formatFailure(handle.workflowId, failure)}${status ? `\n  progress: ${batchStatusLine(status)}${status.resultsFile ? `\n  results: ${status.resultsFile}` : ''}` : ''}`,
      );
    return EXIT.failed;
  }
  if (flags.json) json(io, summary);
  else out(io, formatBatchSummary(summary));
  return summary.failed === 0 ? EXIT.ok : EXIT.failed;
}

export async function batchAction(io: CliIO, fileArg: string, flags: BatchFlags): Promise<number> {
  let plan: BatchPlan;
  try {
    plan = planBatch(fileArg, flags, io);
  } catch (e) {
    if (e instanceof InvalidGenerationInput) {
      printUsageIssues(io, e.issues);
      return EXIT.usage;
    }
    throw e;
  }
  const { check } = plan;
  if (flags.dryRun) {
    json(io, {
      workflowType: 'batch',
      source: { path: plan.file },
      window: plan.start.window ?? DEFAULT_BATCH_WINDOW,
      ...plan.start,
      check,
    });
    return EXIT.ok;
  }
  if (check.invalid.length > 0) {
    err(
      io,
      `vidu-flow: warning: ${check.invalid.length} of ${check.lines} line(s) are invalid; the batch records them as failed without starting them:`,
    );
    for (const i of check.invalid.slice(0, 10)) err(io, `  line ${i.line}: ${i.message}`);
    if (check.invalid.length > 10) err(io, `  … and ${check.invalid.length - 10} more (see --dry-run)`);
  }
  if (check.missingMedia.length > 0) {
    err(
      io,
      `vidu-flow: warning: ${check.missingMedia.length} local media file(s) do not exist here; the worker must be able to read them:`,
    );
    for (const m of check.missingMedia.slice(0, 5)) err(io, `  line ${m.line}: ${m.file}`);
  }
  return withClient(io, flags, async (client) => {
    let handle: BatchHandle;
    try {
      handle = await client.startBatch(plan.file, plan.start);
    } catch (e) {
      if (e instanceof InvalidGenerationInput) {
        printUsageIssues(io, e.issues);
        return EXIT.usage;
      }
      throw e;
    }
    if (!flags.wait) {
      if (flags.json) json(io, { workflowId: handle.workflowId });
      else out(io, handle.workflowId);
      return EXIT.ok;
    }
    if (!flags.json)
      err(
        io,
        `started batch ${handle.workflowId}: ${check.lines} line(s), window ${plan.start.window ?? DEFAULT_BATCH_WINDOW}`,
      );
    return awaitBatch(io, handle, flags);
  });
}

/** For `status`/`watch` of a batch id (dispatch on the workflow type, as for adFilm). */
export function isBatch(d: { type: string }): boolean {
  return d.type === 'batch';
}

export async function statusBatchAction(io: CliIO, handle: BatchHandle, flags: OutputFlags): Promise<number> {
  const d = await handle.workflow.describe();
  const status = await handle.status().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
  if (flags.json) {
    json(io, {
      workflowId: d.workflowId,
      runId: d.runId,
      type: d.type,
      execution: {
        status: d.status.name,
        startTime: d.startTime.toISOString(),
        closeTime: d.closeTime?.toISOString() ?? null,
      },
      status: typeof status === 'string' ? null : status,
      ...(typeof status === 'string' ? { statusError: status } : {}),
    });
  } else {
    out(
      io,
      [
        `workflow   ${d.workflowId}`,
        `type       batch`,
        `execution  ${d.status.name} · started ${d.startTime.toISOString()}`,
        typeof status === 'string' ? `status     unavailable (${status})` : `progress   ${batchStatusLine(status)}`,
        ...(typeof status !== 'string' && status.resultsFile ? [`results    ${status.resultsFile}`] : []),
      ].join('\n'),
    );
  }
  return EXIT.ok;
}

export function registerBatchCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('batch')
    .description(
      'run one generation per line of a JSONL file ({ "kind", "request", "options" } per line), --window at a time',
    )
    .argument(
      '<file.jsonl>',
      'the batch file; the worker reads it, and media paths inside it are relative to its folder',
    )
    .option('--window <n>', `generations in flight at once (1–${MAX_BATCH_WINDOW}, default ${DEFAULT_BATCH_WINDOW})`)
    .addOption(
      new Option(
        '--priority <priority>',
        'admission priority of every line that does not set its own (default batch)',
      ).choices(['interactive', 'batch']),
    )
    .addOption(
      new Option('--lines-per-run <n>', 'lines per workflow run before continue-as-new (default 500)').hideHelp(),
    )
    .option('--idempotency-key <key>', 'same key, same batch: each line runs at most once')
    .option('--workflow-id <id>', 'explicit workflow id (wins over --idempotency-key)')
    .option('--wait', 'show progress (done, failed, in flight), then print the summary')
    .option('--json', 'print JSON on stdout (the workflow id, or with --wait the summary or failure)')
    .option('--dry-run', 'check every line and print what would be started, without connecting to Temporal');
  addNotBeforeOption(cmd).action(async (file: string, _opts, c: Command) =>
    setExit(await batchAction(io, file, c.optsWithGlobals())),
  );
}
