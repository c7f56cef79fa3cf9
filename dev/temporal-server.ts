// Starts and stops a local Temporal dev server (`temporal server start-dev`) with vidu-flow's
// search attributes registered. Used by `npm run temporal`, the test global setup, demos and benchmarks.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { VIDU_SEARCH_ATTRIBUTES } from '../core/search-attributes';
import { formatDuration, searchAttributeFlags, type Log } from './temporal-binary';

export interface DevServerOptions {
  /** Path of the `temporal` CLI (see findTemporalBinary). */
  binary: string;
  /** gRPC frontend port (default: a free port). */
  port?: number;
  /** Web UI port (default: the CLI's own default, port + 1000). Ignored when headless. */
  uiPort?: number;
  /** Address to bind (default 127.0.0.1). */
  ip?: string;
  /** Namespace that must exist (default "default", which the dev server always creates). */
  namespace?: string;
  /** SQLite file to keep state across restarts (default: in memory). */
  dbFile?: string;
  /** Run without the Web UI. */
  headless?: boolean;
  /** Receives the server's own output lines (default: kept quiet, shown only on failure). */
  log?: Log;
  /** How long to wait for the server to answer (default 60 s). */
  readyTimeoutMs?: number;
}

export interface DevServer {
  /** `host:port` for Connection/NativeConnection. */
  address: string;
  namespace: string;
  /** Web UI URL, unless headless. */
  uiUrl?: string;
  /** The server's pid. */
  pid: number;
  /** Resolves when the server process exits, for whatever reason. */
  exited: Promise<DevServerExit>;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
  stop(): Promise<void>;
}

export interface DevServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

const TAIL_LINES = 40;
const STOP_GRACE_MS = 10_000;

// A port handed to a process that binds it later must not be one the kernel may meanwhile give to
// an outgoing connection as its local port: port 0 picks from the ephemeral range, which every
// connection draws from too, and with several processes starting at once (dev/stack.ts) a
// receiver's and a worker's metrics port were taken that way in one clean-clone run (EADDRINUSE,
// 2026-12-07). So ports come from below that range, at random, each checked by binding it, and
// never the same one twice from this process.
const PORT_FLOOR = 20_000;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (Linux), else the IANA default's 49152. */
export function ephemeralPortsFrom(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > PORT_FLOOR + 1000) return low;
  } catch {
    // Not Linux: the IANA range.
  }
  return 49_152;
}

function bindable(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(undefined));
    srv.listen({ port, host, exclusive: true }, () => {
      const addr = srv.address();
      srv.close(() => resolve(addr && typeof addr === 'object' ? addr.port : undefined));
    });
  });
}

/** A TCP port that was free a moment ago on `host`, outside the ephemeral range when one can be had. */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  const below = ephemeralPortsFrom();
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const candidate = PORT_FLOOR + Math.floor(Math.random() * (below - PORT_FLOOR));
    if (handedOut.has(candidate)) continue;
    // Reserved before the check: concurrent calls in this process must not both take it.
    handedOut.add(candidate);
    if ((await bindable(candidate, host)) !== undefined) return candidate;
    handedOut.delete(candidate);
  }
  const port = await bindable(0, host);
  if (port === undefined) throw new Error(`could not determine a free port on ${host}`);
  return port;
}

/** The arguments of `temporal server start-dev` for these options. */
export function devServerArgs(opts: {
  ip: string;
  port: number;
  namespace: string;
  uiPort?: number;
  headless?: boolean;
  dbFile?: string;
}): string[] {
  const args = ['server', 'start-dev', '--ip', opts.ip, '--port', String(opts.port)];
  if (opts.headless) args.push('--headless');
  else if (opts.uiPort !== undefined) args.push('--ui-port', String(opts.uiPort));
  if (opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  args.push(
    '--log-level',
    'warn',
    // The server would otherwise call home to check for newer versions (sdk-core disables it too).
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    ...searchAttributeFlags(VIDU_SEARCH_ATTRIBUTES),
  );
  return args;
}

/** Starts a dev server and resolves once it serves the namespace with all search attributes registered. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const port = options.port ?? (await getFreePort(ip));
  const uiPort = options.headless ? undefined : (options.uiPort ?? port + 1000);
  const args = devServerArgs({ ip, port, namespace, uiPort, headless: options.headless, dbFile: options.dbFile });
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const address = `${host}:${port}`;

  const child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  // Once stop() is called the server's shutdown chatter (failed polls, dial errors) is not forwarded.
  let stopping = false;
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (!stopping) options.log?.(line);
    }
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<DevServerExit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  // Don't leave an orphaned server behind if this process exits without calling stop().
  const killOnExit = (): void => {
    if (!hasExited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const describe = (how: string): string =>
    [
      `Temporal dev server ${how}.`,
      `  command: ${options.binary} ${args.join(' ')}`,
      tail.length ? `  last output:\n${tail.map((l) => `    ${l}`).join('\n')}` : '  (no output)',
    ].join('\n');

  const stop = async (): Promise<void> => {
    stopping = true;
    process.off('exit', killOnExit);
    if (hasExited || child.pid === undefined) {
      await exited;
      return;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!hasExited) child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const started = Date.now();
  let failure: string | undefined;
  try {
    await Promise.race([
      waitUntilReady(address, namespace, readyTimeoutMs, () => hasExited),
      exited.then(() => {
        throw new Error('exited');
      }),
    ]);
  } catch (err) {
    if (hasExited) {
      const e = await exited;
      failure = e.error
        ? `could not be started (${e.error.message})`
        : `exited early (${e.signal ? `signal ${e.signal}` : `code ${e.code}`}) after ${formatDuration(Date.now() - started)}`;
    } else {
      failure = `did not become ready: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (failure !== undefined) {
    await stop();
    throw new Error(describe(failure));
  }

  return {
    address,
    namespace,
    uiUrl: uiPort === undefined ? undefined : `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${uiPort}`,
    pid: child.pid ?? -1,
    exited,
    stop,
  };
}

/**
 * Polls until the frontend answers, the namespace exists and every vidu-flow search attribute is
 * registered on it (so the first test never races the server's start-up).
 */
async function waitUntilReady(
  address: string,
  namespace: string,
  timeoutMs: number,
  gone: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const expected = VIDU_SEARCH_ATTRIBUTES.map((k) => k.name);
  let lastError = 'no attempt yet';
  while (!gone()) {
    if (Date.now() > deadline) throw new Error(`no answer within ${formatDuration(timeoutMs)}: ${lastError}`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = expected.filter((name) => !customAttributes || !(name in customAttributes));
      if (missing.length === 0) return;
      lastError = `search attributes not registered yet: ${missing.join(', ')}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the server process exited');
}
