// Global setup of the `temporal` vitest project: ONE real Temporal dev server for the whole run.
//
// - Finds the `temporal` CLI with building allowed, so a fresh clone builds it once (cached outside
//   the repo). If it can be neither found nor built, setup throws and the run FAILS with
//   findTemporalBinary's instructions: no test is ever skipped for want of a server.
// - Tests read the address with `inject('temporalAddress')`; child processes they spawn inherit
//   TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE from the environment.

import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { findTemporalBinary } from '../dev/temporal-binary';
import { startDevServer } from '../dev/temporal-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the dev server started for this run. */
    temporalAddress: string;
    /** Namespace on it (search attributes registered there). */
    temporalNamespace: string;
  }
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binary = await findTemporalBinary({ build: true, log });
  const server = await startDevServer({ binary: binary.path, headless: true });
  log(`[temporal] dev server for tests at ${server.address} (pid ${server.pid}; CLI via ${binary.route}: ${binary.path})`);

  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  const previous = { address: process.env.TEMPORAL_ADDRESS, namespace: process.env.TEMPORAL_NAMESPACE };
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = server.namespace;

  return async () => {
    await server.stop();
    restoreEnv('TEMPORAL_ADDRESS', previous.address);
    restoreEnv('TEMPORAL_NAMESPACE', previous.namespace);
  };
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
