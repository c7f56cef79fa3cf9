import { existsSync, readFileSync } from 'node:fs';
import { ViduFlowClient } from '../client/index';
import { ConfigError } from '../platform/config/env';
import { loadModelsFile } from '../platform/config/models-file';
import type { CliIO } from './actions';
import { runCli } from './program';

// Entry point of the `vidu-flow` command (see cli/program.ts for the commands).
// Run it with `npm run cli -- <args>`, `npx tsx cli/main.ts <args>`, or the `vidu-flow` bin.

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // `npm run cli -- …` runs in the package folder; relative paths mean the caller's folder.
    cwd: (process.env.npm_lifecycle_event === 'cli' && process.env.INIT_CWD) || process.cwd(),
    readFile: (file) => readFileSync(file, 'utf8'),
    fileExists: (file) => existsSync(file),
    connect: (opts) => ViduFlowClient.connect(opts),
    onInterrupt(handler) {
      process.once('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // The operator's models file, before any request is checked (the CLI checks before it connects).
  try {
    loadModelsFile(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  const code = await runCli(argv.slice(2), processIO());
  process.exitCode = code;
}

if (require.main === module) void main();
