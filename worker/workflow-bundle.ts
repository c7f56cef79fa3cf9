import { bundleWorkflowCode } from '@temporalio/worker';
import type { WorkerOptions } from '@temporalio/worker';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../platform/config/env';

// The prebuilt workflow bundle. Every worker that starts with `workflowsPath` runs webpack over
// workflows/ (10–30 s of CPU on 2 cores); a bundle built once and shared by every worker process
// (VIDU_FLOW_WORKFLOW_BUNDLE) makes start-up and restarts cheap. Workflow interceptor modules are
// compiled into a bundle (the SDK ignores `interceptors.workflowModules` with a bundle), so the
// modules a bundle was built with are written beside it (`<bundle>.json`) and a worker that needs
// other ones bundles from source instead of running without them.

/** The env variable naming a bundle file built by `buildWorkflowBundle`. */
export const WORKFLOW_BUNDLE_ENV = 'VIDU_FLOW_WORKFLOW_BUNDLE';

/** The workflows' entry point: what `workflowsPath` points at and what a bundle is built from. */
export const WORKFLOWS_ENTRY = path.join(__dirname, '../workflows/index.ts');

interface BundleManifest {
  workflowModules: string[];
}

const manifestPath = (codePath: string): string => `${codePath}.json`;
const sameModules = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().every((m, i) => m === [...b].sort()[i]);

/**
 * Bundles workflows/ with these workflow interceptor modules (the worker's
 * `interceptors.workflowModules`) into `outPath`, with the module list beside it. Written to a
 * temporary name and renamed, so a worker never reads half a bundle.
 */
export async function buildWorkflowBundle(outPath: string, workflowModules: readonly string[] = []): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_ENTRY,
    workflowInterceptorModules: [...workflowModules],
    logger: quietLogger,
  });
  await mkdir(path.dirname(outPath), { recursive: true });
  const manifest: BundleManifest = { workflowModules: [...workflowModules] };
  await writeFile(`${manifestPath(outPath)}.tmp`, JSON.stringify(manifest));
  await rename(`${manifestPath(outPath)}.tmp`, manifestPath(outPath));
  await writeFile(`${outPath}.tmp`, code);
  await rename(`${outPath}.tmp`, outPath);
  return outPath;
}

/**
 * The workflow code a worker runs, as code: the prebuilt bundle's file read, or workflows/ bundled
 * now with these interceptor modules. The worker hashes it for its default build id
 * (worker/versioning-config.ts), so the version names exactly the code that replays its histories.
 */
export async function workflowCodeText(
  option: WorkflowCodeOption,
  workflowModules: readonly string[] = [],
): Promise<string> {
  if (option.workflowBundle && 'codePath' in option.workflowBundle)
    return readFileSync(option.workflowBundle.codePath, 'utf8');
  if (option.workflowBundle && 'code' in option.workflowBundle) return option.workflowBundle.code;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_ENTRY,
    workflowInterceptorModules: [...workflowModules],
    logger: quietLogger,
  });
  return code;
}

/** Building once per process: the demo, the bench and chaos start several stacks or workers. */
const built = new Map<string, Promise<string>>();
export function buildWorkflowBundleOnce(outPath: string, workflowModules: readonly string[] = []): Promise<string> {
  const key = JSON.stringify([outPath, ...workflowModules]);
  let p = built.get(key);
  if (!p) {
    p = buildWorkflowBundle(outPath, workflowModules);
    built.set(key, p);
    p.catch(() => built.delete(key));
  }
  return p;
}

export type WorkflowCodeOption = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> & {
  /** Why the worker bundles from source although a bundle was named; for its start-up log. */
  note?: string;
};

/**
 * What Worker.create gets for its workflow code: the prebuilt bundle named by
 * VIDU_FLOW_WORKFLOW_BUNDLE when it was built with exactly the interceptor modules this worker
 * registers, else `workflowsPath` (bundled by this worker at start-up, as without the variable).
 */
export function workflowCodeOption(
  env: NodeJS.ProcessEnv,
  workflowModules: readonly string[] = [],
): WorkflowCodeOption {
  const codePath = env[WORKFLOW_BUNDLE_ENV]?.trim();
  if (!codePath) return { workflowsPath: WORKFLOWS_ENTRY };
  if (!existsSync(codePath))
    throw new ConfigError([
      `${WORKFLOW_BUNDLE_ENV}: no bundle file at ${codePath}; build one with buildWorkflowBundle (worker/workflow-bundle.ts) or unset it`,
    ]);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(codePath), 'utf8')) as BundleManifest;
    if (!Array.isArray(manifest.workflowModules)) throw new Error('workflowModules is not a list');
  } catch (err) {
    throw new ConfigError([
      `${WORKFLOW_BUNDLE_ENV}: ${manifestPath(codePath)} must list the bundle's workflow interceptor modules (${err instanceof Error ? err.message : String(err)}); rebuild the bundle`,
    ]);
  }
  if (!sameModules(manifest.workflowModules, workflowModules)) {
    return {
      workflowsPath: WORKFLOWS_ENTRY,
      note: `${WORKFLOW_BUNDLE_ENV} was built with workflow interceptors [${manifest.workflowModules.map((m) => path.basename(m)).join(', ')}] but this worker registers [${workflowModules.map((m) => path.basename(m)).join(', ')}]: bundling from source`,
    };
  }
  return { workflowBundle: { codePath } };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

// `tsx worker/workflow-bundle.ts <out.js>`: build a bundle, e.g. into a container image.
if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error(
      'usage: tsx worker/workflow-bundle.ts <out.js>   (then set VIDU_FLOW_WORKFLOW_BUNDLE=<out.js> on the workers)',
    );
    process.exit(2);
  }
  buildWorkflowBundle(path.resolve(out)).then(
    (p) => console.log(`workflow bundle written to ${p}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
