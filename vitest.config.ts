// Written as a CommonJS module, like the rest of this repo: vitest/config is ESM-only for
// TypeScript under module node16, so the type comes from an import type (no runtime import), and
// `export =` keeps Vite from warning about ESM syntax in a CommonJS file.
type ViteUserConfig = import('vitest/config', { with: { 'resolution-mode': 'import' } }).ViteUserConfig;
import LongestFirst = require('./test/sequencer');

// Four projects, each with an npm script (test:unit, test:s3, test:workflow, test:e2e):
//   unit      pure code, the Vidu simulator and the HTTP API in-process; never touches Temporal.
//   s3        the S3 stores against a real S3 server (versitygw, found or built by test/helpers/s3.ts).
//   workflow  workflows against a real Temporal server, with their activities in the test process.
//   e2e       the real processes (dev/stack.ts) against a real Temporal server; test/production
//             is the docker-compose shape as processes, with a Temporal server of its own.
// `workflow` and `e2e` share ONE Temporal dev server, started by test/global-setup.ts for the run
// (address via inject('temporalAddress')); `vitest run --project unit` needs no Temporal CLI at all.
//
// `npm test` runs all four in ONE pool (one sequence group): the e2e files spend most of their
// time waiting on the simulator's clock, and the unit files run in those waits instead of before
// them. test/sequencer.ts starts the longest files first.
const config: ViteUserConfig = {
  test: {
    // Three files at a time on 2 cores: an e2e file mostly waits (simulated Vidu time, callbacks).
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/sim/**/*.test.ts', 'test/api/**/*.test.ts'],
          environment: 'node',
          // One module graph per worker, not one per file: the unit files stub nothing (no vi.mock,
          // no env or timer stubs), and importing the graph again for each of ~80 files was most of
          // the project's CPU (113 CPU-seconds isolated, 30 without, on 2 cores on 2026-12-07).
          isolate: false,
        },
      },
      {
        test: {
          name: 's3',
          include: ['test/s3/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          pool: 'forks',
          // Shared module graph per fork, as in `unit`: the files install the SDK's Runtime once
          // (test/helpers/temporal.ts guards it), stub nothing and shut their workers down in
          // afterAll. Measured on 2 cores (2026-12-07): import 27.8 → 11.6 s, 115 → 101 CPU-s.
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/production/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          // Each file starts its own processes (simulator, receiver, workers, API) beside the dev server
          // and stops them in afterAll, so the forks can share one module graph (the client, the
          // stack, the AWS SDK are imported once per fork, not once per file): 8 files measured on
          // 2 cores (2026-12-07), import 15.5 → 7.7 s, 74 → 69 CPU-s.
          pool: 'forks',
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
};

export = config;
