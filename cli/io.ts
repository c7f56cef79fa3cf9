import { WorkflowNotFoundError } from '@temporalio/client';
import {
  ConfigError,
  describeFailure,
  type FailureReport,
  type ViduFlowClient,
  type ViduFlowClientOptions,
} from '../client/index';
import { loadTemporalConnection, TEMPORAL_DEFAULT_ADDRESS } from '../platform/temporal/connection';
import { UsageError } from './args';
import type { OutStream } from './progress';

// What every command shares: the process surroundings (CliIO, injectable for tests), exit codes,
// printing helpers, and the connection to Temporal.

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  cwd: string;
  readFile(file: string): string;
  fileExists(file: string): boolean;
  connect(opts: ViduFlowClientOptions): Promise<ViduFlowClient>;
  /** Registers a Ctrl-C handler; returns its removal. */
  onInterrupt(handler: () => void): () => void;
  /** How often --wait, watch and cancel query the workflow (default WATCH_INTERVAL_MS); tests shorten it. */
  pollIntervalMs?: number;
}

export interface GlobalFlags {
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

export interface OutputFlags {
  json?: boolean;
}

export const WATCH_INTERVAL_MS = 1000;

export function out(io: CliIO, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(io: CliIO, text: string): void {
  io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function json(io: CliIO, value: unknown): void {
  out(io, JSON.stringify(value, null, 2));
}

export function printUsageIssues(io: CliIO, issues: readonly string[], consequence = 'nothing was started'): void {
  err(io, `vidu-flow: invalid input, ${consequence}:`);
  for (const issue of issues) err(io, `  - ${issue}`);
}

function connectOptions(g: GlobalFlags): ViduFlowClientOptions {
  return {
    ...(g.address ? { address: g.address } : {}),
    ...(g.namespace ? { namespace: g.namespace } : {}),
    ...(g.taskQueue ? { taskQueue: g.taskQueue } : {}),
  };
}

/** Where the connection went (the flag, else TEMPORAL_ADDRESS or the profile), for error messages. */
function temporalAddress(g: GlobalFlags): string {
  try {
    return loadTemporalConnection(process.env, { address: g.address, namespace: g.namespace }).address;
  } catch {
    return g.address ?? process.env.TEMPORAL_ADDRESS ?? TEMPORAL_DEFAULT_ADDRESS;
  }
}

/** Connects, runs `fn`, closes the connection; connection problems become exit code 1. */
export async function withClient(
  io: CliIO,
  g: GlobalFlags,
  fn: (client: ViduFlowClient) => Promise<number>,
): Promise<number> {
  let client: ViduFlowClient;
  try {
    client = await io.connect(connectOptions(g));
  } catch (e) {
    // A bad TEMPORAL_* variable or temporal.toml profile: the message names it.
    if (e instanceof ConfigError) {
      err(io, `vidu-flow: ${e.message}`);
      return EXIT.usage;
    }
    err(
      io,
      `vidu-flow: cannot connect to Temporal at ${temporalAddress(g)}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return EXIT.failed;
  }
  try {
    return await fn(client);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) {
      err(io, `vidu-flow: no workflow ${e.workflowId} in this namespace`);
      return EXIT.failed;
    }
    throw e;
  } finally {
    await client.temporal.connection.close().catch(() => undefined);
  }
}

/**
 * Prints why a workflow closed without a result — as JSON (with its last status) under --json,
 * else as text — and returns the exit code for it.
 */
export function reportFailure(
  io: CliIO,
  workflowId: string,
  error: unknown,
  status: unknown,
  flags: OutputFlags,
  asText: (failure: FailureReport) => string,
): number {
  const failure = describeFailure(error);
  if (flags.json) json(io, { workflowId, error: failure, ...(status ? { status } : {}) });
  else err(io, asText(failure));
  return EXIT.failed;
}

/** The `status` query's answer, or why there is none (e.g. no worker left to answer it). */
export async function tryStatus<S>(handle: { status(): Promise<S> }): Promise<{ status?: S; error?: string }> {
  try {
    return { status: await handle.status() };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Builds a start plan; on bad flags prints every issue and returns undefined (the caller exits
 * with EXIT.usage). Warns early about local files missing here: the CLI stages them for the worker.
 */
export function planOrReport<P extends { localFiles: string[] }>(io: CliIO, prepare: () => P): P | undefined {
  let plan: P;
  try {
    plan = prepare();
  } catch (e) {
    if (e instanceof UsageError) {
      printUsageIssues(io, e.issues);
      return undefined;
    }
    throw e;
  }
  for (const file of plan.localFiles) {
    if (!io.fileExists(file))
      err(io, `vidu-flow: warning: ${file} does not exist here; the CLI reads and stages local files before starting`);
  }
  return plan;
}
