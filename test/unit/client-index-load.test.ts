// What loading the typed client (client/index.ts) pulls in, measured in a fresh Node process (issue
// 17 item 1): no worker or activity code, no AWS SDK unless staging is on S3, no OpenTelemetry SDK
// unless tracing is asked for. The figures (time, modules, bytes) are printed, not asserted.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

interface Loaded {
  ms: number;
  modules: number;
  kB: number;
  /** Repo-relative paths of this repo's own files, and package names, in the require cache. */
  own: string[];
  packages: string[];
}

/** `require(<repo file>)`, as script text for the child process. */
const requireOf = (file: string): string => `require(${JSON.stringify(path.join(ROOT, file))})`;

/** Requires client/index.ts in a child process, runs `then` there, and reports what was loaded. */
function loadClient(then = '', env: NodeJS.ProcessEnv = {}): Loaded {
  const script = `
    const fs = require('node:fs');
    const t0 = process.hrtime.bigint();
    ${requireOf('client/index.ts')};
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    ${then}
    const files = Object.keys(require.cache).filter((f) => !f.includes('/tsx/') && !f.includes('/esbuild/'));
    const bytes = files.reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    const kB = Math.round(bytes / 1024);
    const own = files.filter((f) => !f.includes('/node_modules/')).map((f) => f.slice(${ROOT.length + 1}));
    const packageOf = (f) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(f)?.[1];
    const packages = [...new Set(files.map(packageOf).filter(Boolean))];
    console.log(JSON.stringify({ ms: Math.round(ms), modules: files.length, kB, own, packages }));
  `;
  // The test's own STAGING_*, OTEL_* and AWS_* settings must not decide what the child loads.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(STAGING_|OTEL_|AWS_)/.test(k)));
  const args = ['-r', 'tsx/cjs', '-e', script];
  const out = execFileSync(process.execPath, args, { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Loaded;
}

// Each case starts a Node process that compiles the client with tsx: seconds on a busy machine.
const SPAWN_TIMEOUT = 60_000;

const summary = (l: Loaded): string =>
  `${l.ms} ms, ${l.modules} modules, ${l.kB} kB (${l.own.length} files of this repo)`;

describe('loading client/index.ts', () => {
  it(
    'loads no worker, activity, API or CLI code, no AWS SDK and no OpenTelemetry SDK by default',
    () => {
      const loaded = loadClient();
      console.log(`client/index.ts: ${summary(loaded)}`);
      expect(loaded.own.filter((f) => /^(worker|activities|workflows|api|cli|receiver)\//.test(f))).toEqual([]);
      expect(loaded.packages.filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'))).toEqual([]);
      expect(loaded.packages.filter((p) => /^@opentelemetry\/(sdk-|exporter-|resources)/.test(p))).toEqual([]);
    },
    SPAWN_TIMEOUT,
  );

  it(
    'loads the AWS SDK once staging is on S3, and the OpenTelemetry SDK once tracing is asked for',
    () => {
      // What ViduFlowClient.connect does for its staging store when none is given.
      const openStaging = `${requireOf('platform/stores/open-stores.ts')}.openInputStaging(process.env);`;
      const s3 = loadClient(openStaging, { STAGING_URL: 's3://bucket/staging', AWS_REGION: 'us-east-1' });
      console.log(`client/index.ts with S3 staging opened: ${summary(s3)}`);
      expect(s3.packages).toContain('@aws-sdk/client-s3');
      // What ViduFlowClient.connect adds to the Temporal client's options.
      const traceOptions = `${requireOf('client/tracing.ts')}.clientTracingOptions(process.env);`;
      const traced = loadClient(traceOptions, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' });
      console.log(`client/index.ts with tracing on: ${summary(traced)}`);
      expect(traced.packages).toContain('@opentelemetry/sdk-trace-node');
    },
    SPAWN_TIMEOUT,
  );
});
