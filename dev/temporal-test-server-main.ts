// The Java time-skipping test server the fast workflow tests use (dev/temporal-test-server.ts).
//   npx tsx dev/temporal-test-server-main.ts --ensure-only   find or build it, print its path and route (JSON)
//   npx tsx dev/temporal-test-server-main.ts [--port 7234]   run it in the foreground until Ctrl-C
//
// Environment: TEMPORAL_TEST_SERVER_PATH an existing test server to use instead of the cached build.

import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { z } from 'zod';
import { findTestServer } from './temporal-test-server';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const opts = new Command()
    .name('tsx dev/temporal-test-server-main.ts')
    .description(
      'Find or build the Java time-skipping Temporal test server (io.temporal:temporal-test-server from Maven).',
    )
    .option('--ensure-only', 'only find or build it, print its path and route, and exit')
    .option('--no-build', 'never build it; only use one that already exists')
    .option('--port <port>', 'port to serve on when not --ensure-only', '7234')
    .parse(argv)
    .opts<{ ensureOnly?: boolean; build: boolean; port: string }>();
  const port = z.coerce.number().int().min(1).max(65535).parse(opts.port);
  const started = Date.now();
  const server = await findTestServer({ build: opts.build, log });
  if (opts.ensureOnly) {
    process.stdout.write(`${JSON.stringify(server)}\n`);
    log(
      `temporal test server: ${server.path} (route: ${server.route}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return 0;
  }
  log(`temporal test server on 127.0.0.1:${port} (time skipping locked until a client unlocks it); Ctrl-C stops it`);
  const child = spawn(server.path, [String(port)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill('SIGTERM'));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 0)));
}

main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
