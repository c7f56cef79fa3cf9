// The repo's own import graph, read with the TypeScript parser (no type checking, so it is fast):
//   - no runtime import cycle (a cycle makes module initialisation order matter);
//   - workflows/ is imported by the worker's registration only: activities, the Vidu client, the
//     client library, the HTTP API, the simulator and core/ never import it, not even for types
//     (shared shapes live in core/);
//   - what workflows/ loads at runtime (the webpack bundle) reaches no Node built-in and no
//     server-side package;
//   - core/ is pure: no Node built-in, no workflow, activity or worker code;
//   - every import between top-level folders follows the layer table (LAYERS below; README
//     "Architecture"), type-only imports included, and no file cycle exists, type-only included.
// `import type` and imports whose names are all marked `type` are type-only edges (erased);
// every other static import, `export … from`, `require()` and `import()` is a runtime edge.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const SKIP_DIRS = new Set(['node_modules', 'data', 'coverage', 'dist']);
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;

interface Edge {
  /** Repo-relative path of the imported file, or the bare specifier of a package or built-in. */
  to: string;
  spec: string;
  runtime: boolean;
  /** `import()`: runtime, but evaluated lazily, so it cannot take part in an initialisation cycle. */
  dynamic: boolean;
  /** A file of this repo (else a package or a Node built-in). */
  local: boolean;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

function resolveLocal(fromFile: string, spec: string, known: Set<string>): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  const stem = base.replace(/\.(js|mjs|cjs)$/, '');
  for (const candidate of [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${base}.ts`,
    `${base}.js`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.js'),
  ]) {
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

/** Every import of one file, type-only or runtime, read from its syntax tree. */
function importsOf(file: string, text: string): Array<{ spec: string; runtime: boolean; dynamic: boolean }> {
  const kind = file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: Array<{ spec: string; runtime: boolean; dynamic: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      let runtime = true;
      if (clause?.isTypeOnly) runtime = false;
      else if (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        const names = clause.namedBindings.elements;
        runtime = names.length === 0 || names.some((e) => !e.isTypeOnly);
      }
      found.push({ spec: node.moduleSpecifier.text, runtime, dynamic: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      let runtime = !node.isTypeOnly;
      if (runtime && node.exportClause && ts.isNamedExports(node.exportClause))
        runtime = node.exportClause.elements.some((e) => !e.isTypeOnly);
      found.push({ spec: node.moduleSpecifier.text, runtime, dynamic: false });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ spec: node.moduleReference.expression.text, runtime: !node.isTypeOnly, dynamic: false });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0]!)) {
      const spec = (node.arguments[0] as ts.StringLiteral).text;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) found.push({ spec, runtime: true, dynamic: true });
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require')
        found.push({ spec, runtime: true, dynamic: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ spec: node.argument.literal.text, runtime: false, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

type Graph = Map<string, Edge[]>;

function buildGraph(): Graph {
  const files = sourceFiles(ROOT);
  const known = new Set(files);
  const graph = new Map<string, Edge[]>();
  for (const file of files) {
    const edges: Edge[] = [];
    for (const { spec, runtime, dynamic } of importsOf(file, readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec, known);
        // An unresolved relative import is tsc's business (or a fixture's); not an edge here.
        if (target) edges.push({ to: rel(target), spec, runtime, dynamic, local: true });
      } else {
        edges.push({ to: spec, spec, runtime, dynamic, local: false });
      }
    }
    graph.set(rel(file), edges);
  }
  return graph;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec: string): boolean =>
  spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]!);

/** Packages the workflow bundle may load; anything else (undici, fastify, AWS SDK, …) is server-side. */
const WORKFLOW_PACKAGES = [
  /^@temporalio\/workflow(\/|$)/,
  /^@temporalio\/common(\/|$)/,
  /^@temporalio\/interceptors-opentelemetry\/lib\/workflow/,
  /^@opentelemetry\/api$/,
];
const workflowSafePackage = (spec: string): boolean => WORKFLOW_PACKAGES.some((p) => p.test(spec));

const chain = (nodes: readonly string[]): string => nodes.join(' → ');

/** Runtime import cycles (static imports only), one example chain per strongly connected group. */
function runtimeCycles(graph: Graph): string[] {
  return importCycles(graph, (e) => e.runtime && !e.dynamic);
}

/** Import cycles over the local edges `follow` accepts, one example chain per strongly connected group. */
function importCycles(graph: Graph, follow: (e: Edge) => boolean): string[] {
  const next = (f: string): string[] => (graph.get(f) ?? []).filter((e) => e.local && follow(e)).map((e) => e.to);
  // Tarjan's strongly connected components, iterative enough for a repo of a few hundred files.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || next(v).includes(v)) groups.push(group);
    }
  };
  for (const f of [...graph.keys()].sort()) if (!idx.has(f)) strong(f);
  // One concrete cycle per group: shortest path from its first file back to itself.
  return groups.map((group) => {
    const inGroup = new Set(group);
    const start = [...group].sort()[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of next(v).filter((x) => inGroup.has(x))) {
        if (w === start) {
          const between: string[] = [];
          for (let at: string | undefined = v; at !== undefined && at !== start; at = prev.get(at)) between.unshift(at);
          return chain([start, ...between, start]);
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return chain(group);
  });
}

/**
 * Chains of runtime imports (static or dynamic) from files matching `roots` to an import that
 * `bad` refuses; one chain per root file, the shortest.
 */
function badRuntimeReach(graph: Graph, roots: (f: string) => boolean, bad: (spec: string) => boolean): string[] {
  const found: string[] = [];
  for (const root of [...graph.keys()].filter(roots).sort()) {
    const prev = new Map<string, string>([[root, '']]);
    const queue = [root];
    search: while (queue.length > 0) {
      const v = queue.shift()!;
      for (const e of graph.get(v) ?? []) {
        if (!e.runtime) continue;
        if (!e.local && bad(e.spec)) {
          const path = [v];
          for (let at = prev.get(v); at; at = prev.get(at)) path.unshift(at);
          found.push(chain([...path, e.spec]));
          break search;
        }
        if (e.local && !prev.has(e.to)) {
          prev.set(e.to, v);
          queue.push(e.to);
        }
      }
    }
  }
  return found;
}

/**
 * The layer table (issue 17 item 1, README "Architecture"): each top-level folder and the folders
 * it may import, bottom up. A folder may always import itself; test/ may import anything and
 * nothing imports test/. `types` lists folders it may import for types only (workflows: the
 * activity interfaces its proxies are typed with, and the generation view webhooks carry).
 * Process folders (worker, receiver, api, cli) import no other process folder, except where one
 * is a library of the other by design: api → client, cli → client, worker → activities and
 * workflows. sim/, dev/ and bench/ stand beside the layers and use what they need, never test/.
 */
const BELOW_PLATFORM = ['vidu', 'core', 'contract'];
const LIBRARIES = [...BELOW_PLATFORM, 'platform'];
const LAYERS: Record<string, { imports: readonly string[]; types?: readonly string[] }> = {
  vidu: { imports: [] },
  core: { imports: ['vidu'] },
  contract: { imports: ['vidu', 'core'] },
  platform: { imports: BELOW_PLATFORM },
  activities: { imports: LIBRARIES },
  workflows: { imports: BELOW_PLATFORM, types: ['activities', 'platform'] },
  client: { imports: LIBRARIES },
  worker: { imports: [...LIBRARIES, 'activities', 'workflows'] },
  receiver: { imports: LIBRARIES },
  api: { imports: [...LIBRARIES, 'client'] },
  cli: { imports: [...LIBRARIES, 'client'] },
  sim: { imports: LIBRARIES },
  dev: { imports: [...LIBRARIES, 'activities', 'workflows', 'client', 'worker', 'receiver', 'api', 'cli', 'sim'] },
  bench: {
    imports: [...LIBRARIES, 'activities', 'workflows', 'client', 'worker', 'receiver', 'api', 'cli', 'sim', 'dev'],
  },
};
/** Folders outside the table: tests (anything goes) and root files such as vitest.config.ts. */
const UNLAYERED = new Set(['test', '']);

const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '');

/** Imports between folders that the table does not allow, as `from → to` lines (type-only ones marked). */
function layerViolations(graph: Graph, layers: typeof LAYERS): string[] {
  const found: string[] = [];
  for (const [file, edges] of graph) {
    const from = folderOf(file);
    for (const e of edges) {
      if (!e.local) continue;
      const to = folderOf(e.to);
      if (to === from || UNLAYERED.has(from)) continue;
      const layer = layers[from];
      const allowed =
        layer !== undefined &&
        to !== 'test' &&
        (layer.imports.includes(to) || (!e.runtime && (layer.types ?? []).includes(to)));
      if (!allowed)
        found.push(
          `${from} → ${to}: ${chain([file, e.to])}${e.runtime ? '' : ' (type)'}${layer ? '' : ` (${from}/ is not in the layer table)`}`,
        );
    }
  }
  return found.sort();
}

/** The folder-level import table the repo has now (for the failure message and the log). */
function folderTable(graph: Graph): string[] {
  const table = new Map<string, Set<string>>();
  for (const [file, edges] of graph) {
    for (const e of edges) {
      const from = folderOf(file);
      const to = folderOf(e.to);
      if (!e.local || from === to) continue;
      if (!table.has(from)) table.set(from, new Set());
      table.get(from)!.add(to);
    }
  }
  return [...table]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([from, tos]) => `${(from || '(root)').padEnd(10)} → ${[...tos].sort().join(', ')}`);
}

const under =
  (...dirs: string[]) =>
  (f: string): boolean =>
    dirs.some((d) => f.startsWith(`${d}/`));

const graph = buildGraph();

describe('import graph', () => {
  it('reads the repo (sanity: the parser finds the files and tells type imports from runtime ones)', () => {
    console.log(
      `import graph: ${graph.size} files, ${[...graph.values()].flat().filter((e) => e.local).length} local imports`,
    );
    expect(graph.size).toBeGreaterThan(100);
    const proxies = graph.get('workflows/common/activity-proxies.ts') ?? [];
    expect(proxies.find((e) => e.to === 'activities/index.ts')?.runtime).toBe(false);
    expect(proxies.find((e) => e.spec === '@temporalio/workflow')?.runtime).toBe(true);
  });

  it('the checks find what they look for (a made-up graph), and print the chain', () => {
    const src = [
      "import type { A } from './a';",
      "import { type B } from './b';",
      "import { C, type D } from './c';",
      "import './d';",
      "export type { E } from './e';",
      "export * from './f';",
      "const g = import('./g');",
      "type H = import('./h').H;",
      "const i = require('./i');",
    ].join('\n');
    expect(
      importsOf('x.ts', src).map((i) => `${i.spec}:${i.runtime ? (i.dynamic ? 'lazy' : 'runtime') : 'type'}`),
    ).toEqual([
      './a:type',
      './b:type',
      './c:runtime',
      './d:runtime',
      './e:type',
      './f:runtime',
      './g:lazy',
      './h:type',
      './i:runtime',
    ]);
    const edge = (to: string, runtime = true, local = true): Edge => ({ to, spec: to, runtime, dynamic: false, local });
    const made: Graph = new Map([
      ['workflows/w.ts', [edge('core/x.ts'), edge('node:os', false, false)]],
      ['core/x.ts', [edge('core/y.ts')]],
      ['core/y.ts', [edge('core/x.ts'), edge('node:fs', true, false)]],
      ['core/z.ts', [edge('core/z.ts', false)]],
    ]);
    expect(runtimeCycles(made)).toEqual(['core/x.ts → core/y.ts → core/x.ts']);
    expect(badRuntimeReach(made, under('workflows'), isBuiltin)).toEqual([
      'workflows/w.ts → core/x.ts → core/y.ts → node:fs',
    ]);
    // The layer table: a type-only cycle counts, a type-only edge is allowed only where `types` says.
    made.set('core/z.ts', [edge('core/w.ts', false)]);
    made.set('core/w.ts', [edge('core/z.ts', false)]);
    expect(importCycles(made, () => true)).toEqual([
      'core/w.ts → core/z.ts → core/w.ts',
      'core/x.ts → core/y.ts → core/x.ts',
    ]);
    const layered: Graph = new Map([
      ['workflows/a.ts', [edge('activities/i.ts', false), edge('platform/v.ts', false), edge('core/x.ts')]],
      ['workflows/b.ts', [edge('activities/i.ts')]],
      ['api/r.ts', [edge('client/index.ts'), edge('worker/env.ts', false), edge('test/helpers/h.ts')]],
      ['client/index.ts', [edge('platform/s.ts'), edge('activities/stage.ts')]],
      ['test/x.test.ts', [edge('workflows/a.ts'), edge('api/r.ts')]],
      ['newdir/y.ts', [edge('core/x.ts')]],
    ]);
    expect(layerViolations(layered, LAYERS)).toEqual([
      'api → test: api/r.ts → test/helpers/h.ts',
      'api → worker: api/r.ts → worker/env.ts (type)',
      'client → activities: client/index.ts → activities/stage.ts',
      'newdir → core: newdir/y.ts → core/x.ts (newdir/ is not in the layer table)',
      'workflows → activities: workflows/b.ts → activities/i.ts',
    ]);
  });

  it('has no runtime import cycle among the repo’s own files', () => {
    const cycles = runtimeCycles(graph);
    expect(
      cycles,
      `runtime import cycles (make one of the imports \`import type\`, or move the shared piece to core/):\n  ${cycles.join('\n  ')}`,
    ).toEqual([]);
  });

  it('workflows/ is imported by no activity, Vidu client, client library, CLI, API, simulator, receiver, contract, core or platform module (not even for types)', () => {
    const consumers = under(
      'activities',
      'vidu',
      'client',
      'cli',
      'api',
      'sim',
      'receiver',
      'contract',
      'core',
      'platform',
    );
    const offending: string[] = [];
    for (const [file, edges] of graph) {
      if (!consumers(file)) continue;
      for (const e of edges)
        if (e.local && e.to.startsWith('workflows/'))
          offending.push(chain([file, e.to]) + (e.runtime ? '' : ' (type)'));
    }
    expect(
      offending,
      `imports of workflows/ (shared shapes and helpers belong in core/):\n  ${offending.join('\n  ')}`,
    ).toEqual([]);
  });

  it('worker/ imports workflows/ at runtime only where it registers or bundles them (main.ts, workflow-bundle.ts)', () => {
    const allowed = new Set(['worker/main.ts', 'worker/workflow-bundle.ts']);
    const offending = [...graph].flatMap(([file, edges]) =>
      file.startsWith('worker/') && !allowed.has(file)
        ? edges.filter((e) => e.local && e.runtime && e.to.startsWith('workflows/')).map((e) => chain([file, e.to]))
        : [],
    );
    expect(offending, `runtime imports of workflows/ from worker/:\n  ${offending.join('\n  ')}`).toEqual([]);
  });

  it('the workflow bundle (everything workflows/ loads at runtime) reaches no Node built-in and no server-side package', () => {
    const chains = badRuntimeReach(graph, under('workflows'), (spec) => isBuiltin(spec) || !workflowSafePackage(spec));
    expect(
      chains,
      `workflows/ reaches Node or server-side code at runtime (webpack bundles all of it into the sandbox):\n  ${chains.join('\n  ')}`,
    ).toEqual([]);
  });

  it('every import between top-level folders follows the layer table, type-only imports included', () => {
    const table = folderTable(graph);
    console.log(`folder imports now:\n  ${table.join('\n  ')}`);
    const violations = layerViolations(graph, LAYERS);
    expect(
      violations,
      `imports the layer table (LAYERS in this file; README "Architecture") does not allow; move the shared piece down (platform/, contract/, core/ or vidu/):\n  ${violations.join('\n  ')}`,
    ).toEqual([]);
  });

  it('has no file cycle at all, type-only and lazy imports included', () => {
    const cycles = importCycles(graph, () => true);
    expect(
      cycles,
      `import cycles (put the shared type or helper in a file of its own that both import):\n  ${cycles.join('\n  ')}`,
    ).toEqual([]);
  });

  it('core/ is pure: no Node built-in at runtime, and no import of workflows/, activities/ or worker/', () => {
    const chains = badRuntimeReach(graph, under('core'), isBuiltin);
    const layered = [...graph].flatMap(([file, edges]) =>
      file.startsWith('core/')
        ? edges.filter((e) => e.local && /^(workflows|activities|worker)\//.test(e.to)).map((e) => chain([file, e.to]))
        : [],
    );
    expect(
      [...chains, ...layered],
      `core/ must stay plain data and pure helpers:\n  ${[...chains, ...layered].join('\n  ')}`,
    ).toEqual([]);
  });
});
