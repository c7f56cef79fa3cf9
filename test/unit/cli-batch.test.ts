import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/io';
import { runCli } from '../../cli/program';
import type { ViduFlowClient } from '../../client/index';
import type { BatchStatus, BatchSummary } from '../../core/batch-types';

const valid = (n: number) =>
  JSON.stringify({
    kind: 'img2video',
    request: { model: 'viduq2', images: ['media/a.png'], prompt: `line ${n}`, duration: 5, resolution: '720p' },
  });
const FILE = [valid(1), valid(2), '{oops', valid(4)].join('\n') + '\n';

const status = (over: Partial<BatchStatus>): BatchStatus => ({
  phase: 'running',
  total: 4,
  done: 0,
  succeeded: 0,
  failed: 0,
  inFlight: 0,
  nextLine: 1,
  credits: 0,
  window: 2,
  maxInFlight: 2,
  run: 1,
  ...over,
});
const SUMMARY: BatchSummary = {
  workflowId: 'batch-1',
  total: 4,
  succeeded: 3,
  failed: 1,
  credits: 150,
  resultsFile: '/archive/batch-1/batch-results.jsonl',
  failures: [{ line: 3, type: 'InvalidLine', message: 'not valid JSON' }],
  runs: 1,
  maxInFlight: 2,
};

async function run(
  args: string[],
  files: Record<string, string> = { '/work/jobs/batch.jsonl': FILE },
  summary = SUMMARY,
) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (errText += c.toString()));
  const started: Array<{ file: string; opts: unknown }> = [];
  let connects = 0;
  const script = [
    status({ done: 0, inFlight: 2, nextLine: 3 }),
    status({ done: 2, succeeded: 1, failed: 1, inFlight: 2, nextLine: 5 }),
    status({ phase: 'done', done: 4, succeeded: 3, failed: 1, nextLine: 5 }),
  ];
  const handle = {
    workflowId: 'batch-1',
    async *watch() {
      for (const s of script) yield s;
    },
    status: async () => script[script.length - 1],
    result: async () => summary,
  };
  const fake = {
    temporal: { connection: { close: async () => undefined } },
    async startBatch(file: string, opts: unknown) {
      started.push({ file, opts });
      return handle;
    },
  };
  const io: CliIO = {
    stdout,
    stderr,
    cwd: '/work',
    readFile: (f) => {
      const text = files[f];
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text;
    },
    fileExists: () => true,
    connect: async () => {
      connects += 1;
      return fake as unknown as ViduFlowClient;
    },
    onInterrupt: () => () => undefined,
    pollIntervalMs: 1,
  };
  const code = await runCli(args, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: errText, started, connects };
}

describe('vidu-flow batch', () => {
  it('starts the batch with the absolute file path and prints the workflow id', async () => {
    const r = await run([
      'batch',
      'jobs/batch.jsonl',
      '--window',
      '2',
      '--priority',
      'interactive',
      '--idempotency-key',
      'nightly',
    ]);
    expect(r.code).toBe(0);
    expect(r.started).toEqual([
      {
        file: '/work/jobs/batch.jsonl',
        opts: { window: 2, options: { priority: 'interactive' }, idempotencyKey: 'nightly' },
      },
    ]);
    expect(r.stdout).toBe('batch-1\n');
    expect(r.stderr).toMatch(/1 of 4 line\(s\) are invalid/);
    expect(r.stderr).toMatch(/line 3: not valid JSON/);
  });

  it('--wait shows done, failed and in flight on stderr, prints the summary, and exits 1 when a line failed', async () => {
    const r = await run(['batch', 'jobs/batch.jsonl', '--wait']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/running · done 0\/4 · failed 0 · in flight 2 · next line 3/);
    expect(r.stderr).toMatch(/running · done 2\/4 · failed 1 · in flight 2/);
    expect(r.stderr).toMatch(/done · done 4\/4 · failed 1 · in flight 0/);
    expect(r.stdout).toMatch(/^✗ batch-1: 3 of 4 line\(s\) succeeded · 1 failed · 150 credits/);
    expect(r.stdout).toMatch(/line 3 {2}InvalidLine: not valid JSON/);
    const ok = await run(['batch', 'jobs/batch.jsonl', '--wait', '--json'], undefined, {
      ...SUMMARY,
      succeeded: 4,
      failed: 0,
      failures: [],
    });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ workflowId: 'batch-1', succeeded: 4, failed: 0 });
  });

  it('--dry-run checks every line without connecting', async () => {
    const r = await run(['batch', 'jobs/batch.jsonl', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.connects).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      workflowType: 'batch',
      source: { path: '/work/jobs/batch.jsonl' },
      window: 20,
      check: { lines: 4, valid: 3, invalid: [{ line: 3 }] },
    });
  });

  it('refuses an unreadable or wholly invalid file, and bad flags, with exit code 2 and nothing started', async () => {
    for (const [args, files, message] of [
      [['batch', 'missing.jsonl'], undefined, /cannot read \/work\/missing\.jsonl \(ENOENT\)/],
      [['batch', 'jobs/batch.jsonl'], { '/work/jobs/batch.jsonl': '{oops\n[]\n' }, /none of its 2 line/],
      [['batch', 'jobs/batch.jsonl', '--window', '500'], undefined, /--window must be a whole number 1–200/],
    ] as const) {
      const r = await run([...args], files);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.connects).toBe(0);
    }
  });
});
