// The order vitest starts the test files of a run in (vitest.config.ts, `sequence.sequencer`).
// `npm test` runs every project in one pool, so the run lasts as long as its slowest files allow:
// the long files start first, whatever their project, then the e2e files, the workflow, s3 and
// unit files, and the short unit files fill the slots left at the end, instead of one long file
// running alone after everything else (longest first, as in list scheduling).

// Types only, as in vitest.config.ts: vitest/node is ESM-only and this file is CommonJS.
type VitestNode = typeof import('vitest/node', { with: { 'resolution-mode': 'import' } });
type TestSequencer = import('vitest/node', { with: { 'resolution-mode': 'import' } }).TestSequencer;
type TestSpecification = import('vitest/node', { with: { 'resolution-mode': 'import' } }).TestSpecification;
type Vitest = import('vitest/node', { with: { 'resolution-mode': 'import' } }).Vitest;

/** Projects in the order their remaining files start; a project not listed starts last. */
const PROJECT_ORDER = ['e2e', 'workflow', 's3', 'unit'];

/**
 * The files that take longest, longest first: seconds in the clean-clone run of 2026-12-07 on 2
 * cores with a pool of 3 (the fourth of that day, `npm test` 286 s). Vitest alone would order a
 * fresh clone's files by project name and size, and a long file started late runs alone at the
 * end (longest first, as in list scheduling). Only the order depends on this list
 * (test/unit/sequencer.test.ts checks that each file exists).
 */
const LONGEST_FIRST = [
  'test/production/production.test.ts', // 60 s
  'test/e2e/ad-film.test.ts', // 56 s
  'test/e2e/admission.test.ts', // 48 s
  'test/e2e/balance.test.ts', // 34 s
  'test/e2e/budgets.test.ts', // 32 s
  'test/e2e/rolling-upgrade.test.ts', // 32 s
  'test/e2e/batch.test.ts', // 30 s
  'test/e2e/generation.test.ts', // 28 s
  'test/e2e/studio.test.ts', // 25 s
  'test/e2e/python-sdk-caller.test.ts', // 24 s
  'test/e2e/api.test.ts', // 22 s
  'test/e2e/more-endpoints.test.ts', // 20 s
  'test/e2e/off-peak.test.ts', // 18 s
  'test/workflow/archive-large.test.ts', // 17 s
  'test/e2e/metrics.test.ts', // 16 s
  'test/e2e/schedules.test.ts', // 15 s
  'test/e2e/tenant-front-door.test.ts', // 15 s
  'test/s3/s3-stores.test.ts', // 7 s
  // The unit project shares one module graph per worker (isolate: false), so the first unit file
  // gets a fresh heap: stage-memory runs a full GC every 50 ms to measure what it holds (2 s on a
  // fresh worker; 76 s after the rest of the unit files had filled the heap).
  'test/unit/stage-memory.test.ts',
  'test/unit/python-sdk.test.ts', // 9 s
];

class LongestFirst implements TestSequencer {
  static readonly PROJECT_ORDER: readonly string[] = PROJECT_ORDER;
  static readonly LONGEST_FIRST: readonly string[] = LONGEST_FIRST;

  constructor(private readonly ctx: Vitest) {}

  private async base(): Promise<TestSequencer> {
    const { BaseSequencer } = (await import('vitest/node')) as VitestNode;
    return new BaseSequencer(this.ctx);
  }

  async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await this.base()).shard(files);
  }

  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Vitest's own order below that: failed first, then longest in the last run, else largest.
    const sorted = await (await this.base()).sort(files);
    const rankOfProject = (s: TestSpecification): number => {
      const i = PROJECT_ORDER.indexOf(s.project.name);
      return i < 0 ? PROJECT_ORDER.length : i;
    };
    const rankOfFile = (s: TestSpecification): number => {
      const relative = s.moduleId
        .slice(this.ctx.config.root.length + 1)
        .split('\\')
        .join('/');
      const i = LONGEST_FIRST.indexOf(relative);
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort(
        (a, b) => rankOfFile(a.spec) - rankOfFile(b.spec) || rankOfProject(a.spec) - rankOfProject(b.spec) || a.i - b.i,
      )
      .map(({ spec }) => spec);
  }
}

export = LongestFirst;
