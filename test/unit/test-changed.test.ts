// dev/test-changed.ts (npm run test:changed): what it hands to `vitest related`.
import { describe, expect, it } from 'vitest';
import { relatedArguments } from '../../dev/test-changed';

const workflowTests = ['test/workflow/replay.test.ts', 'test/workflow/smoke.test.ts'];
const testFilesUnder = (dir: string): string[] => (dir === 'test/workflow' ? workflowTests : []);

describe('relatedArguments', () => {
  it('adds every workflow test when workflow code changed: bundled by path, it is imported by no test', () => {
    expect(relatedArguments(['workflows/generation.ts'], testFilesUnder)).toEqual([
      'workflows/generation.ts',
      ...workflowTests,
    ]);
  });

  it('does the same for core/ (bundled into the workflows), recorded histories and workflow test fixtures', () => {
    for (const changed of [
      'core/poll-schedule.ts',
      'test/fixtures/histories/img2video-poll.json',
      'test/workflow/fixtures/smoke-workflows.ts',
    ]) {
      expect(relatedArguments([changed], testFilesUnder)).toEqual([changed, ...workflowTests]);
    }
  });

  it('leaves other changes to the import graph, without duplicates', () => {
    expect(relatedArguments(['vidu/client.ts', 'README.md'], testFilesUnder)).toEqual(['vidu/client.ts', 'README.md']);
    expect(relatedArguments(['test/workflow/smoke.test.ts', 'workflows/index.ts'], testFilesUnder)).toEqual([
      'test/workflow/smoke.test.ts',
      'workflows/index.ts',
      'test/workflow/replay.test.ts',
    ]);
  });
});
