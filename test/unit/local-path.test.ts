// One rule for "is this media value a file on the caller's disk" (contract/local-path.ts), and the
// cases where the CLI (cli/args.ts), the client (client/input-staging.ts) and batch lines
// (contract/batch-input.ts) used to disagree: file: URLs, other schemes, the empty value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StagingStore } from '../../platform/stores/staging-store';
import { buildStartPlan, prepareStart, UsageError } from '../../cli/args';
import { stageCallerInputs } from '../../client/input-staging';
import { checkBatchLine } from '../../contract/batch-input';
import { checkGenerationInput } from '../../contract/generation-input';
import {
  fileUrlPath,
  isLocalFile,
  isLocalPath,
  localFilePath,
  mediaValueProblem,
  resolveLocalPath,
} from '../../contract/local-path';

const BASE = '/base';
const i2v = (image: string) => ({ model: 'viduq1', images: [image], prompt: 'p', duration: 5, resolution: '1080p' });

// value → [a path, a file of the caller, what a relative path resolves to, refused by the contract]
const CASES: Array<[string, boolean, boolean, string, boolean]> = [
  ['a.png', true, true, '/base/a.png', false],
  ['./a.png', true, true, '/base/a.png', false],
  ['../x/y.mp4', true, true, '/x/y.mp4', false],
  ['/abs/a.png', true, true, '/abs/a.png', false],
  ['dir with space/a b.png', true, true, '/base/dir with space/a b.png', false],
  // Used to disagree: the client staged it, the CLI and batch lines left it as it was.
  ['file:///srv/a%20b.png', false, true, 'file:///srv/a%20b.png', false],
  ['FILE:///srv/a.png', false, true, 'FILE:///srv/a.png', false],
  // Used to disagree: the client read `/cwd/ftp:/x`, the CLI and batch lines passed it to the worker.
  ['ftp://host/a.png', false, false, 'ftp://host/a.png', true],
  ['s3://bucket/a.png', false, false, 's3://bucket/a.png', true],
  ['http:a.png', false, false, 'http:a.png', true],
  // Used to disagree: the client read the working folder.
  ['', false, false, '', true],
  ['https://cdn.example/a.png', false, false, 'https://cdn.example/a.png', false],
  ['HTTP://cdn.example/a.png', false, false, 'HTTP://cdn.example/a.png', false],
  ['data:image/png;base64,AA', false, false, 'data:image/png;base64,AA', false],
  ['staged:operator/ab.png', false, false, 'staged:operator/ab.png', false],
  ['vidu-flow:img2video-1/c1', false, false, 'vidu-flow:img2video-1/c1', false],
];

describe('contract/local-path', () => {
  it.each(CASES)('%j: path %s, file %s, resolves to %j, refused %s', (value, isPath, isFile, resolved, refused) => {
    expect(isLocalPath(value)).toBe(isPath);
    expect(isLocalFile(value)).toBe(isFile);
    expect(resolveLocalPath(value, BASE)).toBe(resolved);
    expect(mediaValueProblem(value) !== undefined).toBe(refused);
  });
});

describe('the file a local value names (the client and the worker alike)', () => {
  it('reads a file: URL in any case and with or without //, and refuses one with a host or an encoded slash', () => {
    expect(localFilePath('a.png', BASE)).toBe('/base/a.png');
    expect(localFilePath('file:///srv/a%20b.png', BASE)).toBe('/srv/a b.png');
    // The worker used to take only `file://` (activities/media-source.ts): `file:/srv/a.png` was a relative path there.
    expect(localFilePath('file:/srv/a.png', BASE)).toBe('/srv/a.png');
    expect(localFilePath('FILE:///srv/a.png', BASE)).toBe('/srv/a.png');
    expect(fileUrlPath('file://media-host/a.png')).toBeUndefined();
    expect(fileUrlPath('file:///srv%2Fa.png')).toBeUndefined();
  });
});

describe('the CLI, the client and batch lines apply that one rule', () => {
  it('the contract refuses another scheme or an empty value, naming the field (client, CLI and batch lines check with it)', () => {
    for (const bad of ['ftp://host/a.png', '']) {
      const issues = checkGenerationInput('img2video', { request: i2v(bad) });
      expect(issues).toEqual([expect.stringMatching(/^images\[0\]: /)]);
    }
    expect(checkGenerationInput('img2video', { request: i2v('file:///srv/a.png') })).toEqual([]);
  });

  it('the CLI makes relative paths absolute and leaves a file: URL as it is', () => {
    const ctx = { cwd: BASE, readFile: () => '' };
    for (const [value, resolved] of [
      ['a.png', '/base/a.png'],
      ['file:///srv/a.png', 'file:///srv/a.png'],
    ]) {
      const plan = buildStartPlan('img2video', { image: [value!], prompt: 'p', model: 'viduq1', duration: '5' }, ctx);
      expect((plan.input.request as { images: string[] }).images).toEqual([resolved]);
    }
    let refused: unknown;
    try {
      prepareStart('img2video', { image: ['ftp://host/a.png'], prompt: 'p', model: 'viduq1', duration: '5' }, ctx);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as UsageError).message).toMatch(/URL scheme/);
  });

  it('a batch line resolves relative paths against its folder, leaves a file: URL, refuses another scheme', () => {
    const line = (image: string) => checkBatchLine({ kind: 'img2video', request: i2v(image) }, { baseDir: BASE });
    const ok = line('a.png');
    expect(ok.ok && (ok.input.request as { images: string[] }).images).toEqual(['/base/a.png']);
    const url = line('file:///srv/a.png');
    expect(url.ok && (url.input.request as { images: string[] }).images).toEqual(['file:///srv/a.png']);
    expect(line('ftp://host/a.png')).toMatchObject({ ok: false, message: expect.stringMatching(/images\[0\]/) });
  });

  it('the client stages a path and a file: URL, and leaves a URL for the worker', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vidu-flow-local-path-'));
    // A 1×1 PNG: the client sniffs the bytes before it stores them.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    writeFileSync(path.join(dir, 'a.png'), png);
    const staging = new StagingStore(path.join(dir, 'staging'));
    for (const value of ['a.png', `file://${path.join(dir, 'a.png')}`]) {
      const staged = await stageCallerInputs('img2video', i2v(value), staging, { cwd: dir });
      expect(staged.issues).toEqual([]);
      expect((staged.request as { images: string[] }).images[0]).toMatch(/^staged:/);
    }
    const url = await stageCallerInputs('img2video', i2v('https://cdn.example/a.png'), staging, { cwd: dir });
    expect((url.request as { images: string[] }).images).toEqual(['https://cdn.example/a.png']);
  });
});
