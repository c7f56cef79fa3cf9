import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatchActivities, scanLines } from '../../activities/batch';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import { StagingStore } from '../../platform/stores/staging-store';
import type { ApplicationFailure } from '@temporalio/common';
import { failureDetailsSchema } from '../../contract/failure-details';
import {
  checkBatchInput,
  MAX_BATCH_LINE_BYTES,
  mergeLineOptions,
  parseBatchLine,
  toBatchLine,
} from '../../contract/batch-input';
import { checkBatchFile, planBatch } from '../../cli/batch';
import { InvalidGenerationInput } from '../../client/errors';
import type { BatchLine, ValidBatchLine } from '../../core/batch-types';

const BASE = '/data/batches';
const request = (extra: Record<string, unknown> = {}) => ({
  model: 'viduq2',
  images: ['frames/a.png'],
  prompt: 'a slow push-in',
  duration: 5,
  resolution: '720p',
  ...extra,
});
const lineOf = (value: unknown) => JSON.stringify(value);

describe('parseBatchLine', () => {
  it('accepts a valid line, makes relative media paths absolute against the file folder, and defaults priority to batch', () => {
    expect(parseBatchLine(lineOf({ kind: 'img2video', request: request() }), { baseDir: BASE })).toEqual({
      ok: true,
      kind: 'img2video',
      input: { request: { ...request(), images: ['/data/batches/frames/a.png'] }, options: { priority: 'batch' } },
    });
    const images = [
      'frames/a.png',
      '/abs/b.png',
      'https://x.test/c.png',
      'data:image/png;base64,AAAA',
      'file:///abs/d.png',
    ];
    const parsed = parseBatchLine(
      lineOf({
        kind: 'reference2video',
        request: { model: 'viduq1', images, prompt: 'two friends wave', duration: 5 },
      }),
      { baseDir: BASE },
    );
    expect(parsed.ok && parsed.input.request.images).toEqual([
      '/data/batches/frames/a.png',
      '/abs/b.png',
      'https://x.test/c.png',
      'data:image/png;base64,AAAA',
      'file:///abs/d.png',
    ]);
  });

  it("keeps the line's explicit priority and merges the batch options under the line's", () => {
    const defaults = { waitMode: 'poll' as const, archive: false, poll: { initialSeconds: 1, maxSeconds: 5 } };
    const parsed = parseBatchLine(
      lineOf({
        kind: 'img2video',
        request: request(),
        options: { priority: 'interactive', archive: true, poll: { maxSeconds: 9 } },
      }),
      { baseDir: BASE, defaults },
    );
    expect(parsed.ok && parsed.input.options).toEqual({
      waitMode: 'poll',
      archive: true,
      poll: { initialSeconds: 1, maxSeconds: 9 },
      priority: 'interactive',
    });
    expect(mergeLineOptions({ priority: 'interactive' }, undefined)).toEqual({ priority: 'interactive' });
    expect(mergeLineOptions(undefined, undefined)).toEqual({ priority: 'batch' });
  });

  it('reports each kind of bad line with a message, and never throws', () => {
    const bad: Array<[string, RegExp, string | undefined]> = [
      ['{"kind": "img2video", "request": ', /not valid JSON/, undefined],
      ['[1,2]', /JSON object/, undefined],
      [lineOf({ kind: 'text2speech', request: request() }), /kind: not a generation kind/, undefined],
      [lineOf({ kind: 'adFilm', request: request() }), /expected one of img2video/, undefined],
      [lineOf({ request: request() }), /kind: missing/, undefined],
      [lineOf({ kind: 'img2video' }), /request: must be an object/, 'img2video'],
      [
        lineOf({ kind: 'img2video', request: request(), extra: 1 }),
        /a field other than kind, request and options/,
        'img2video',
      ],
      [lineOf({ kind: 'img2video', request: request(), options: 'fast' }), /options: must be an object/, 'img2video'],
      [lineOf({ kind: 'img2video', request: request({ prompt: 'x'.repeat(2001) }) }), /prompt/, 'img2video'],
      [
        lineOf({ kind: 'img2video', request: request(), options: { waitMode: 'sometimes' } }),
        /options\.waitMode/,
        'img2video',
      ],
      [
        lineOf({ kind: 'img2video', request: request({ callback_url: 'https://x.test' }) }),
        /callback_url/,
        'img2video',
      ],
    ];
    for (const [text, message, kind] of bad) {
      const parsed = parseBatchLine(text, { baseDir: BASE });
      expect(parsed.ok, text.slice(0, 60)).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.message).toMatch(message);
      expect(parsed.kind).toBe(kind);
    }
  });

  it('shapes lines for the workflow with their number and offset', () => {
    expect(toBatchLine('nope', 7, 120, { baseDir: BASE })).toMatchObject({
      line: 7,
      offset: 120,
      error: { type: 'InvalidLine' },
    });
    expect(toBatchLine(lineOf({ kind: 'img2video', request: request() }), 8, 130, { baseDir: BASE })).toMatchObject({
      line: 8,
      offset: 130,
      kind: 'img2video',
    });
  });
});

describe('checkBatchInput', () => {
  it('accepts the documented input and names each bad field', () => {
    expect(
      checkBatchInput({ source: { path: '/a/b.jsonl' }, window: 20, options: { priority: 'batch' }, linesPerRun: 10 }),
    ).toEqual([]);
    const issues = checkBatchInput({
      source: { path: 'relative.jsonl' },
      window: 0,
      linesPerRun: 1.5,
      options: { colour: 'red' },
      extra: true,
    });
    expect(issues.join('\n')).toMatch(/source\.path/);
    expect(issues.join('\n')).toMatch(/window/);
    expect(issues.join('\n')).toMatch(/linesPerRun/);
    expect(issues.join('\n')).toMatch(/colour/);
    expect(issues.join('\n')).toMatch(/extra/);
    expect(checkBatchInput({ source: { path: '/a.jsonl' }, window: 201 }).join()).toMatch(/window/);
  });
});

describe('readBatchLines', () => {
  let dir: string;
  let file: string;
  // The operator's batch (a workflow without ViduCaller): files under the input roots.
  const activities = () =>
    makeBatchActivities({
      archive: new LocalArchiveStore(path.join(dir, 'archive')),
      inputRoots: [dir],
      ownership: async () => ({ owner: 'operator', callerText: true }),
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vidu-batch-lines-'));
    file = path.join(dir, 'jobs.jsonl');
    const rows = [
      lineOf({ kind: 'img2video', request: request({ prompt: 'première ligne — ünïcödé 🎬' }) }), // 1
      '', // 2 blank
      lineOf({ kind: 'img2video', request: request({ prompt: 'x'.repeat(2001) }) }), // 3 invalid
      '   ', // 4 blank
      lineOf({ kind: 'img2video', request: request({ prompt: 'fourth' }) }) + '\r', // 5 CRLF
      lineOf({ kind: 'img2video', request: request({ prompt: 'y'.repeat(300_000) }) }), // 6 too long
      '{broken', // 7
      lineOf({ kind: 'img2video', request: request({ prompt: 'last, no newline' }) }), // 8
    ];
    await writeFile(file, '\uFEFF' + rows.join('\n'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('scans lines with exact byte offsets, across read blocks', async () => {
    const seen = [];
    for await (const l of scanLines(file, 0, 1)) seen.push(l);
    expect(seen.map((l) => l.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen[0]?.text?.startsWith('{"kind"')).toBe(true); // BOM dropped
    expect(seen[4]?.text?.endsWith('}')).toBe(true); // CR dropped
    expect(seen[5]?.text).toBeUndefined();
    expect(seen[5]?.bytes).toBeGreaterThan(MAX_BATCH_LINE_BYTES);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.offset).toBe(seen[i - 1]?.next);
    // Restarting from any line's offset yields the same lines from there.
    const from = seen[6]!;
    const again = [];
    for await (const l of scanLines(file, from.offset, from.line)) again.push(l.text);
    expect(again).toEqual([seen[6]?.text, seen[7]?.text]);
  });

  it('returns parsed lines a chunk at a time, skipping blanks, with the cursor and the total on the first read', async () => {
    const { readBatchLines } = activities();
    const first = await readBatchLines({ path: file, offset: 0, line: 1, limit: 2 });
    expect(first.total).toBe(6);
    expect(first.eof).toBe(false);
    expect(first.lines.map((l) => l.line)).toEqual([1, 3]);
    expect((first.lines[0] as ValidBatchLine).input.request.images).toEqual([path.join(dir, 'frames/a.png')]);
    expect((first.lines[0] as ValidBatchLine).input.request.prompt).toBe('première ligne — ünïcödé 🎬');
    expect(first.lines[1]).toMatchObject({ error: { type: 'InvalidLine', message: expect.stringMatching(/prompt/) } });

    const all: BatchLine[] = [...first.lines];
    let cursor = first.next;
    let eof = first.eof;
    while (!eof) {
      const next = await readBatchLines({
        path: file,
        offset: cursor.offset,
        line: cursor.line,
        limit: 2,
        expect: first.source,
      });
      expect(next.total).toBeUndefined();
      all.push(...next.lines);
      cursor = next.next;
      eof = next.eof;
    }
    expect(all.map((l) => [l.line, 'error' in l ? l.error.type : l.kind])).toEqual([
      [1, 'img2video'],
      [3, 'InvalidLine'],
      [5, 'img2video'],
      [6, 'InvalidLine'],
      [7, 'InvalidLine'],
      [8, 'img2video'],
    ]);
    expect((all[3] as { error: { message: string } }).error.message).toMatch(/at most 262144/);
  });

  it('stops at the byte budget (but always returns at least one line) and merges the batch defaults', async () => {
    const { readBatchLines } = activities();
    const read = await readBatchLines({
      path: file,
      offset: 0,
      line: 1,
      limit: 100,
      maxBytes: 10,
      defaults: { waitMode: 'poll' },
    });
    expect(read.lines).toHaveLength(1);
    expect((read.lines[0] as ValidBatchLine).input.options).toEqual({ waitMode: 'poll', priority: 'batch' });
  });

  it('fails without retry when the file is missing or changed under the batch', async () => {
    const { readBatchLines } = activities();
    await expect(
      readBatchLines({ path: path.join(dir, 'nope.jsonl'), offset: 0, line: 1, limit: 1 }),
    ).rejects.toMatchObject({ type: 'InvalidRequest', nonRetryable: true });
    const copy = path.join(dir, 'copy.jsonl');
    await writeFile(copy, lineOf({ kind: 'img2video', request: request() }) + '\n');
    const first = await readBatchLines({ path: copy, offset: 0, line: 1, limit: 1 });
    await appendFile(copy, lineOf({ kind: 'img2video', request: request() }) + '\n');
    await expect(
      readBatchLines({ path: copy, offset: first.next.offset, line: first.next.line, limit: 1, expect: first.source }),
    ).rejects.toMatchObject({ type: 'BatchSourceChanged', nonRetryable: true });
  });

  it("refuses an API key's batch a worker file and another owner's staged lines, with details the published failures schema accepts", async () => {
    const { readBatchLines } = makeBatchActivities({
      archive: new LocalArchiveStore(path.join(dir, 'archive')),
      inputRoots: [dir],
      staging: new StagingStore(path.join(dir, 'staging')),
      ownership: async () => ({ owner: 'key-mallory', callerText: true }),
    });
    const details = failureDetailsSchema('InvalidRequest')!;
    const refusals = [
      [
        { path: file, offset: 0, line: 1, limit: 1 },
        /^source\.path: a batch started with an API key reads only the lines sent in its request/,
      ],
      [
        { path: `staged:key-alice/${'a'.repeat(64)}.jsonl`, offset: 0, line: 1, limit: 1 },
        /^source\.staged: no staged batch lines of yours by this reference/,
      ],
    ] as const;
    for (const [input, message] of refusals) {
      const err = (await readBatchLines(input).then(
        () => undefined,
        (e: unknown) => e,
      )) as ApplicationFailure;
      expect(err).toMatchObject({ type: 'InvalidRequest', nonRetryable: true });
      expect(err.message).toMatch(message);
      expect(details.safeParse(err.details?.[0]).success, JSON.stringify(err.details)).toBe(true);
    }
  });
});

describe('vidu-flow batch: the local check', () => {
  const text = [
    lineOf({ kind: 'img2video', request: request() }),
    '',
    lineOf({ kind: 'img2video', request: request({ prompt: 'x'.repeat(2001) }) }),
    lineOf({ kind: 'nope', request: request() }),
  ].join('\n');

  it('counts lines, lists the invalid ones and the local media that are missing here', () => {
    const check = checkBatchFile(
      '/data/batches/jobs.jsonl',
      text,
      undefined,
      (f) => f === '/data/batches/frames/a.png',
    );
    expect(check).toMatchObject({ lines: 3, valid: 1, missingMedia: [] });
    expect(check.invalid.map((i) => i.line)).toEqual([3, 4]);
    const missing = checkBatchFile('/data/batches/jobs.jsonl', text, undefined, () => false);
    expect(missing.missingMedia).toEqual([{ line: 1, file: '/data/batches/frames/a.png' }]);
  });

  it('plans the start from the flags, or refuses with every problem', () => {
    const io = { cwd: '/data', readFile: () => text, fileExists: () => true };
    const plan = planBatch(
      'batches/jobs.jsonl',
      { window: '5', priority: 'interactive', idempotencyKey: 'nightly-1' },
      io,
    );
    expect(plan.file).toBe('/data/batches/jobs.jsonl');
    expect(plan.start).toEqual({ window: 5, options: { priority: 'interactive' }, idempotencyKey: 'nightly-1' });
    expect(() => planBatch('jobs.jsonl', { window: '0', linesPerRun: 'many' }, io)).toThrow(InvalidGenerationInput);
    try {
      planBatch('jobs.jsonl', { window: '0', linesPerRun: 'many' }, io);
    } catch (e) {
      expect((e as InvalidGenerationInput).issues).toEqual([
        expect.stringMatching(/--window/),
        expect.stringMatching(/--lines-per-run/),
      ]);
    }
    expect(() => planBatch('jobs.jsonl', {}, { ...io, readFile: () => '\n\n' })).toThrow(/no lines/);
    expect(() => planBatch('jobs.jsonl', {}, { ...io, readFile: () => 'x\ny' })).toThrow(/none of its 2 line/);
    expect(() =>
      planBatch(
        'jobs.jsonl',
        {},
        {
          ...io,
          readFile: () => {
            throw Object.assign(new Error('gone'), { code: 'ENOENT' });
          },
        },
      ),
    ).toThrow(/ENOENT/);
  });
});
