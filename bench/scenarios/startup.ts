// Worker start-up with the prebuilt workflow bundle (VIDU_FLOW_WORKFLOW_BUNDLE) against bundling
// from source (webpack at start-up, what every worker did before): wall time to polling and CPU.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { WORKFLOW_BUNDLE_ENV } from '../../worker/workflow-bundle';
import { cpuMs, memoryMiB } from '../lib/proc';

export interface StartupFigures {
  withBundle: { seconds: number; cpuMs: number; rssMiB: number };
  fromSource: { seconds: number; cpuMs: number; rssMiB: number };
}

const ROOT = path.resolve(__dirname, '../..');

async function startOnce(env: Record<string, string>): Promise<{ seconds: number; cpuMs: number; rssMiB: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-10_000);
        if (output.includes('vidu-flow worker: task queue')) {
          resolve({ seconds: (Date.now() - t0) / 1000, cpuMs: cpuMs(child.pid!), rssMiB: memoryMiB(child.pid!).rss });
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then(() => reject(new Error(`worker exited during start-up:\n${output}`)));
    });
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

export async function runStartup(opts: {
  temporalAddress: string;
  bundle: string;
  dir: string;
  log: (l: string) => void;
}): Promise<StartupFigures> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    TEMPORAL_ADDRESS: opts.temporalAddress,
    VIDU_TASK_QUEUE: 'bench-startup',
    // Never called: the cap is given, so the worker asks Vidu nothing at start-up.
    VIDU_BASE_URL: 'http://127.0.0.1:9',
    VIDU_API_KEY: 'sim-key',
    VIDU_MAX_IN_FLIGHT: '0',
    ARCHIVE_DIR: path.join(opts.dir, 'startup', 'archive'),
    STAGING_DIR: path.join(opts.dir, 'startup', 'staging'),
  };
  delete env[WORKFLOW_BUNDLE_ENV];
  opts.log('startup: worker with the prebuilt bundle, then bundling from source…');
  const withBundle = await startOnce({ ...env, [WORKFLOW_BUNDLE_ENV]: opts.bundle });
  const fromSource = await startOnce(env);
  opts.log(
    `  bundle ${withBundle.seconds.toFixed(1)} s (${Math.round(withBundle.cpuMs)} ms CPU); from source ${fromSource.seconds.toFixed(1)} s (${Math.round(fromSource.cpuMs)} ms CPU)`,
  );
  return { withBundle, fromSource };
}
