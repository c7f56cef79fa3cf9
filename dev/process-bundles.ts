import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';

// Prebuilt processes for the test run. dev/stack.ts starts the simulator, the callback receiver,
// the workers and the API as `node --import tsx <script>.ts`: tsx loads esbuild and looks up its
// transform cache for each of the few hundred modules a process imports, at every start (measured
// 2026-12-07 on 2 cores: a worker 2.3 CPU-s to ready with tsx, 1.2 from a bundle; the simulator 1.1
// and 0.55). The e2e files start ~100 such processes per run, so the run's global setup bundles each
// entry point once (test/global-setup.ts) and the stacks start `node <bundle>.js` instead.
//
// A bundle must behave exactly like the sources under tsx (CommonJS, one module per file), so each
// repo file keeps what it would see of itself: `__dirname` / `__filename` are its own (the API finds
// studio/ from them), `require.main === module` is true only in the entry point (worker/main.ts
// imports worker/workflow-bundle.ts, which has a CLI of its own), and `require.resolve` of a relative
// path names the source file (worker/tracing-options.ts hands it to the workflow bundler). Packages
// stay outside (`require`d from node_modules at run time), so the bundles live under the repo.

/** The scripts dev/stack.ts starts, relative to the repo root. */
export const PROCESS_ENTRIES = ['sim/main.ts', 'receiver/main.ts', 'worker/main.ts', 'api/main.ts'] as const;

/** The env variable naming the folder of prebuilt process bundles (dev/stack.ts reads it). */
export const PROCESS_BUNDLES_ENV = 'VIDU_FLOW_PROCESS_BUNDLES';

const ROOT = path.resolve(__dirname, '..');

/** The bundle of `script` (e.g. `worker/main.ts`) in `dir`. */
export function processBundlePath(dir: string, script: string): string {
  return path.join(dir, script.replace(/\.ts$/, '.js'));
}

/** Rewrites what a module sees of its own location to its source's (see above). */
function sourceLocationPlugin(entries: ReadonlySet<string>): Plugin {
  return {
    name: 'vidu-flow-source-location',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const dir = path.dirname(args.path);
        const contents = readFileSync(args.path, 'utf8')
          .replace(/\brequire\.main === module\b/g, entries.has(args.path) ? 'require.main === module' : 'false')
          .replace(/\brequire\.resolve\((['"])(\.{1,2}\/[^'"]+)\1\)/g, (_, _q: string, rel: string) => {
            const target = path.resolve(dir, rel);
            const file = [target, `${target}.ts`, path.join(target, 'index.ts')].find((f) => isFile(f)) ?? target;
            return `require.resolve(${JSON.stringify(file)})`;
          })
          .replace(/\b__dirname\b/g, JSON.stringify(dir))
          .replace(/\b__filename\b/g, JSON.stringify(args.path));
        return { contents, loader: 'ts' };
      });
    },
  };
}

function isFile(f: string): boolean {
  return statSync(f, { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * Bundles every entry of PROCESS_ENTRIES into `dir` (under the repo, so their packages resolve
 * from its node_modules); returns `dir`.
 */
export async function buildProcessBundles(dir: string): Promise<string> {
  if (path.relative(ROOT, dir).startsWith('..')) throw new Error(`process bundles must live under ${ROOT}: ${dir}`);
  mkdirSync(dir, { recursive: true });
  const esbuild = await import('esbuild');
  const entryPoints = PROCESS_ENTRIES.map((e) => path.join(ROOT, e));
  await esbuild.build({
    entryPoints,
    outbase: ROOT,
    outdir: dir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    // The require.resolve above names a source file on purpose: it is not loaded, only handed on.
    logOverride: { 'require-resolve-not-external': 'silent' },
    plugins: [sourceLocationPlugin(new Set(entryPoints))],
  });
  return dir;
}
