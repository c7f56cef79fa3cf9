// Global setup of the `workflow` and `e2e` vitest projects: ONE real Temporal dev server for the
// whole run, shared by both projects (vitest runs a project's global setup once per project: the
// second one reuses what the first started, and the last teardown stops it).
//
// - Finds the `temporal` CLI with building allowed, so a fresh clone builds it once (cached outside
//   the repo). If it can be neither found nor built, setup throws and the run FAILS with
//   findTemporalBinary's instructions: no test is ever skipped for want of a server.
// - Tests read the address with `inject('temporalAddress')`; child processes they spawn inherit
//   TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE from the environment.

import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProcessBundles, PROCESS_BUNDLES_ENV } from '../dev/process-bundles';
import { findTemporalBinary } from '../dev/temporal-binary';
import { startDevServer } from '../dev/temporal-server';
import { buildWorkflowBundle, WORKFLOW_BUNDLE_ENV } from '../worker/workflow-bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the dev server started for this run. */
    temporalAddress: string;
    /** Namespace on it (search attributes registered there). */
    temporalNamespace: string;
  }
}

const ROOT = path.resolve(__dirname, '..');

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

interface Shared {
  address: string;
  namespace: string;
  users: number;
  stop: () => Promise<void>;
}

// Global setups run in vitest's main process, one module instance per project: the server they
// share is kept on globalThis.
const SHARED = Symbol.for('vidu-flow.test.temporal-dev-server');
type WithShared = typeof globalThis & { [SHARED]?: Promise<Shared> };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const holder = globalThis as WithShared;
  holder[SHARED] ??= startShared();
  const pending = holder[SHARED];
  const shared = await pending.catch((err: unknown) => {
    if (holder[SHARED] === pending) delete holder[SHARED];
    throw err;
  });
  shared.users += 1;
  project.provide('temporalAddress', shared.address);
  project.provide('temporalNamespace', shared.namespace);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete holder[SHARED];
    await shared.stop();
  };
}

async function startShared(): Promise<Shared> {
  const binary = await findTemporalBinary({ build: true, log });
  const server = await startDevServer({ binary: binary.path, headless: true });
  log(
    `[temporal] dev server for tests at ${server.address} (pid ${server.pid}; CLI via ${binary.route}: ${binary.path})`,
  );

  const previous = {
    address: process.env.TEMPORAL_ADDRESS,
    namespace: process.env.TEMPORAL_NAMESPACE,
    configFile: process.env.TEMPORAL_CONFIG_FILE,
    bundle: process.env[WORKFLOW_BUNDLE_ENV],
    processBundles: process.env[PROCESS_BUNDLES_ENV],
  };
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = server.namespace;
  // envconfig also reads ~/.config/temporalio/temporal.toml: a developer's Cloud profile there must
  // not give the test processes its TLS settings or API key (platform/temporal/connection.ts).
  // A file without a "default" profile means "env only". (envconfig 1.24 cannot read an empty file
  // or /dev/null, nor a bare [profile.default] table.)
  const noProfiles = path.join(mkdtempSync(path.join(os.tmpdir(), 'vidu-flow-temporal-toml-')), 'temporal.toml');
  writeFileSync(noProfiles, '[profile.vidu-flow-tests-unused]\n');
  process.env.TEMPORAL_CONFIG_FILE = noProfiles;
  // One workflow bundle for every worker process the e2e stacks start (dev/stack.ts passes it on
  // as VIDU_FLOW_WORKFLOW_BUNDLE), instead of a webpack run per worker start and restart.
  // And one bundle per process the stacks start (dev/process-bundles.ts): `node <bundle>.js` instead
  // of tsx, which costs each start about a CPU-second more. Under the repo, so packages resolve.
  const processBundles = path.join(ROOT, 'node_modules', '.cache', 'vidu-flow-process-bundles', String(process.pid));
  const bundleStarted = Date.now();
  const [bundle] = await Promise.all([
    buildWorkflowBundle(path.join(path.dirname(noProfiles), 'workflow-bundle.js')),
    buildProcessBundles(processBundles),
  ]).catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  process.env[WORKFLOW_BUNDLE_ENV] = bundle;
  process.env[PROCESS_BUNDLES_ENV] = processBundles;
  log(
    `[temporal] workflow bundle and process bundles for the run built in ${((Date.now() - bundleStarted) / 1000).toFixed(1)} s: ${bundle}, ${processBundles}`,
  );

  return {
    address: server.address,
    namespace: server.namespace,
    users: 0,
    stop: async () => {
      await server.stop();
      restoreEnv('TEMPORAL_ADDRESS', previous.address);
      restoreEnv('TEMPORAL_NAMESPACE', previous.namespace);
      restoreEnv('TEMPORAL_CONFIG_FILE', previous.configFile);
      restoreEnv(WORKFLOW_BUNDLE_ENV, previous.bundle);
      restoreEnv(PROCESS_BUNDLES_ENV, previous.processBundles);
      rmSync(processBundles, { recursive: true, force: true });
    },
  };
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
