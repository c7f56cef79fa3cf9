// Written as a CommonJS module, like the rest of this repo: vitest/config is ESM-only for
// TypeScript under module node16, so the type comes from an import type (no runtime import), and
// `export =` keeps Vite from warning about ESM syntax in a CommonJS file.
type ViteUserConfig = import('vitest/config', { with: { 'resolution-mode': 'import' } }).ViteUserConfig;

// Two projects:
//   unit      pure code and the Vidu simulator; never touches Temporal.
//   temporal  workflow and end-to-end tests against ONE real Temporal dev server, started by
//             test/global-setup.ts for the whole run (address via inject('temporalAddress')).
// `vitest run --project unit` needs no Temporal CLI at all.
const config: ViteUserConfig = {
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/sim/**/*.test.ts', 'test/api/**/*.test.ts'],
          environment: 'node',
          // Fast tests first; the Temporal project runs after them, in its own group.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // The S3 stores against a real S3 server (versitygw, found or built by test/helpers/s3.ts).
          name: 's3',
          include: ['test/s3/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'temporal',
          // test/production: the docker-compose shape as processes, with a Temporal server of its own.
          include: ['test/workflow/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/production/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 1 },
          globalSetup: ['test/global-setup.ts'],
          // Each file bundles workflows with webpack and runs a Worker beside the dev server;
          // with 2 cores, two files at a time keeps everyone within the timeouts.
          pool: 'forks',
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
};

export = config;
