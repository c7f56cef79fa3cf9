// dev/python-sdk.ts: where the Python caller's venv lives, and that a pip which cannot reach an
// index ends in an error saying what to do (the e2e test then fails instead of skipping).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePythonSdk, pythonSdkVenvDir, TEMPORALIO_REQUIREMENT } from '../../dev/python-sdk';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('the Python SDK venv (dev/python-sdk.ts)', () => {
  it('lives under ${XDG_CACHE_HOME:-~/.cache}/vidu-flow/python-sdk-venv', () => {
    expect(pythonSdkVenvDir({ XDG_CACHE_HOME: '/cache' })).toBe('/cache/vidu-flow/python-sdk-venv');
    // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
    expect(pythonSdkVenvDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' })).toMatch(
      /\/\.cache\/vidu-flow\/python-sdk-venv$/,
    );
  });

  it('fails with instructions, and leaves nothing behind, when pip cannot reach an index', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'vidu-flow-pysdk-'));
    dirs.push(root);
    const venv = path.join(root, 'venv');
    // A closed local port as the index, no retries: pip fails at once, without the network.
    const env = {
      ...process.env,
      PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
      PIP_RETRIES: '0',
      PIP_TIMEOUT: '2',
      PIP_NO_CACHE_DIR: '1',
      PIP_FIND_LINKS: '',
    };
    const err = await ensurePythonSdk({ env, venv, log: () => undefined }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toContain(`pip install ${TEMPORALIO_REQUIREMENT}\` failed`);
    expect(err?.message).toContain('let pip reach PyPI');
    expect(existsSync(venv)).toBe(false);
    expect(await readdir(root)).toEqual([]);
  }, 120_000);
});
