// test/sequencer.ts decides the order of `npm test`'s files: longest (e2e) first, unit files last.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import LongestFirst from '../sequencer';

const ROOT = path.join(__dirname, '../..');

type Spec = Parameters<LongestFirst['sort']>[0][number];

/** A test specification as the sequencer sees it: a project name and a file. */
const spec = (project: string, file: string): Spec =>
  ({
    project: { name: project, config: { sequence: { groupOrder: 0 }, isolate: true } },
    moduleId: path.join(ROOT, file),
  }) as unknown as Spec;

// No results of an earlier run: vitest's own order falls back to file sizes (none known here).
const freshClone = {
  config: { root: ROOT },
  cache: { getFileTestResults: () => undefined, getFileStats: () => undefined },
};

describe('LongestFirst', () => {
  it('starts the listed long files first, whatever their project, then e2e, workflow, s3 and unit files', async () => {
    const files = [
      spec('unit', 'test/unit/config.test.ts'),
      spec('unit', 'test/unit/stage-memory.test.ts'),
      spec('s3', 'test/s3/upload-presign.test.ts'),
      spec('workflow', 'test/workflow/archive-large.test.ts'),
      spec('e2e', 'test/e2e/uploads.test.ts'),
      spec('s3', 'test/s3/s3-stores.test.ts'),
      spec('e2e', 'test/production/production.test.ts'),
      spec('e2e', 'test/e2e/admission.test.ts'),
      spec('workflow', 'test/workflow/smoke.test.ts'),
    ];
    const sorted = await new LongestFirst(freshClone as never).sort(files);
    expect(sorted.map((s) => `${s.project.name} ${path.relative(ROOT, s.moduleId)}`)).toEqual([
      'e2e test/production/production.test.ts',
      'e2e test/e2e/admission.test.ts',
      'workflow test/workflow/archive-large.test.ts',
      's3 test/s3/s3-stores.test.ts',
      'unit test/unit/stage-memory.test.ts',
      'e2e test/e2e/uploads.test.ts',
      'workflow test/workflow/smoke.test.ts',
      's3 test/s3/upload-presign.test.ts',
      'unit test/unit/config.test.ts',
    ]);
  });

  it('lists only test files that exist (a renamed file would silently lose its place)', () => {
    for (const file of LongestFirst.LONGEST_FIRST) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
  });

  it('names every project of vitest.config.ts', () => {
    // Read, not imported: the config requires this sequencer the CommonJS way, which only Vite's
    // config loader bundles.
    const config = readFileSync(path.join(ROOT, 'vitest.config.ts'), 'utf8');
    const projects = [...config.matchAll(/^ {10}name: '([^']+)',$/gm)].map((m) => m[1]);
    expect(projects.length).toBeGreaterThanOrEqual(4);
    expect([...LongestFirst.PROJECT_ORDER].sort()).toEqual(projects.sort());
  });
});
