// Which workflow code a worker gets: the prebuilt bundle only when it carries the worker's
// workflow interceptors; a named bundle that is missing is a configuration error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/env';
import { WORKFLOW_BUNDLE_ENV, WORKFLOWS_ENTRY, workflowCodeOption } from '../../worker/workflow-bundle';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vidu-flow-bundle-option-'));
function bundleWith(modules: string[]): string {
  const file = path.join(dir, `bundle-${modules.length}.js`);
  writeFileSync(file, '// bundle');
  writeFileSync(`${file}.json`, JSON.stringify({ workflowModules: modules }));
  return file;
}

describe('workflowCodeOption', () => {
  it('bundles from source when no bundle is named', () => {
    expect(workflowCodeOption({})).toEqual({ workflowsPath: WORKFLOWS_ENTRY });
  });

  it('uses the bundle when it was built with the same interceptor modules', () => {
    const plain = bundleWith([]);
    expect(workflowCodeOption({ [WORKFLOW_BUNDLE_ENV]: plain })).toEqual({ workflowBundle: { codePath: plain } });
    const traced = bundleWith(['/x/tracing-interceptors.ts', '/x/other.ts']);
    expect(
      workflowCodeOption({ [WORKFLOW_BUNDLE_ENV]: traced }, ['/x/other.ts', '/x/tracing-interceptors.ts']),
    ).toEqual({ workflowBundle: { codePath: traced } });
  });

  it('bundles from source, and says why, when the worker registers other interceptors (tracing turned on)', () => {
    const plain = bundleWith([]);
    const option = workflowCodeOption({ [WORKFLOW_BUNDLE_ENV]: plain }, ['/x/tracing-interceptors.ts']);
    expect(option.workflowsPath).toBe(WORKFLOWS_ENTRY);
    expect(option.workflowBundle).toBeUndefined();
    expect(option.note).toMatch(
      /VIDU_FLOW_WORKFLOW_BUNDLE was built with workflow interceptors \[\] but this worker registers \[tracing-interceptors\.ts\]/,
    );
  });

  it('refuses a named bundle that does not exist, or has no module list, naming the variable', () => {
    expect(() => workflowCodeOption({ [WORKFLOW_BUNDLE_ENV]: path.join(dir, 'missing.js') })).toThrow(ConfigError);
    expect(() => workflowCodeOption({ [WORKFLOW_BUNDLE_ENV]: path.join(dir, 'missing.js') })).toThrow(
      /VIDU_FLOW_WORKFLOW_BUNDLE: no bundle file/,
    );
    const bare = path.join(dir, 'bare.js');
    writeFileSync(bare, '// bundle');
    expect(() => workflowCodeOption({ [WORKFLOW_BUNDLE_ENV]: bare })).toThrow(
      /VIDU_FLOW_WORKFLOW_BUNDLE: .*bare\.js\.json must list/,
    );
  });
});
