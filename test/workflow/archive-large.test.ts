// The archive activity against large, slow, stalling and failing downloads, run by a real Worker
// on the run's Temporal dev server. Results are served by a local HTTP server on 127.0.0.1.
//
// - A 200 MB result served slowly (longer than three heartbeat timeouts) is archived in ONE
//   attempt, sha256 right, with the worker's memory flat.
// - A server that stops sending fails the attempt through the idle timeout.
// - A cancelled activity aborts its download: the server sees the connection closed.
// - After a "crash" a file is reused only when size and sha256 match the manifest.
// - An optional cover answering 500 leaves the archive successful, with `missing` recorded.
// - Hostile ids: a workflow id is refused (non-retryable InvalidRequest); a creation id is escaped.

import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArchiveInput, type Manifest, makeArchiveTask } from '../../activities/archive';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import type { ViduClient } from '../../vidu/client';
import type { ArchiveResult } from '../../core/generation-types';
import { connectToTestServer, type TestConnections, uniqueTaskQueue } from '../helpers/temporal';
import { archiveFixture } from './fixtures/archive-workflows';

const MB = 1024 * 1024;
const BIG_MB = 200;
/** The big file is paced to take about this long: more than three 2 s heartbeat timeouts. */
const BIG_SECONDS = 9;
const HEARTBEAT_SECONDS = 2;
const HEARTBEAT_TIMEOUT = `${HEARTBEAT_SECONDS}s`;
const IDLE_TIMEOUT_MS = 1500;

// The big body: 1 MB blocks from a small pool, in an order that makes a lost or reordered block
// change the hash. Built once, so serving it allocates nothing.
const BLOCKS = Array.from({ length: 7 }, () => randomBytes(MB));
const blockAt = (i: number): Buffer => BLOCKS[(i * 3) % BLOCKS.length] as Buffer;
const BIG_SHA256 = (() => {
  const h = createHash('sha256');
  for (let i = 0; i < BIG_MB; i++) h.update(blockAt(i));
  return h.digest('hex');
})();
const SMALL = randomBytes(MB + 17);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Requests per path, and paths whose connection closed before the body ended. */
const requests = new Map<string, number>();
const closedEarly = new Set<string>();

function serve(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const p = url.pathname;
  requests.set(p, (requests.get(p) ?? 0) + 1);
  let finished = false;
  res.on('finish', () => (finished = true));
  res.on('close', () => {
    if (!finished) closedEarly.add(p);
  });
  const write = (chunk: Buffer): Promise<void> =>
    new Promise((resolve) => {
      if (res.write(chunk)) resolve();
      else res.once('drain', resolve);
    });

  if (p === '/big.mp4') {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(BIG_MB * MB) });
    void (async () => {
      const started = Date.now();
      for (let i = 0; i < BIG_MB && !res.destroyed; i++) {
        await write(blockAt(i));
        const due = started + ((i + 1) * BIG_SECONDS * 1000) / BIG_MB;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      res.end();
    })();
  } else if (p === '/idle.mp4') {
    // A few bytes, then nothing: the download must give up by itself.
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(10 * MB) });
    res.write(SMALL.subarray(0, 64 * 1024));
  } else if (p === '/endless.mp4') {
    // Trickles forever; only a cancel ends it.
    res.writeHead(200, { 'content-type': 'video/mp4' });
    void (async () => {
      while (!res.destroyed) {
        await write(SMALL.subarray(0, 16 * 1024));
        await sleep(100);
      }
    })();
  } else if (p === '/huge.mp4') {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(3 * 1024 ** 3) });
    res.write(SMALL.subarray(0, 1024));
  } else if (p.startsWith('/status/')) {
    res.writeHead(Number(p.slice('/status/'.length)), { 'content-type': 'text/plain' });
    res.end('no');
  } else if (p.endsWith('.png')) {
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(SMALL.subarray(0, 4096));
  } else {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(SMALL.length) });
    res.end(SMALL);
  }
}

let temporal: TestConnections;
let server: http.Server;
let base: string;
let root: string;
let archiveRoot: string;
let worker: Worker;
let running: Promise<void>;
let taskQueue: string;

beforeAll(async () => {
  temporal = await connectToTestServer();
  server = http.createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  root = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-archive-large-'));
  archiveRoot = path.join(root, 'archive');
  const vidu = {
    getCreations: async () => {
      throw new Error('no URL of this test expires');
    },
  } as unknown as ViduClient;
  taskQueue = uniqueTaskQueue('archive-large');
  worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowsPath: path.join(__dirname, 'fixtures', 'archive-workflows.ts'),
    activities: {
      archiveTask: makeArchiveTask({
        vidu,
        archive: new LocalArchiveStore(archiveRoot),
        fetch,
        archiveLimits: { idleTimeoutMs: IDLE_TIMEOUT_MS, maxBytes: 1024 ** 3, extraTries: 2 },
      }),
    },
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker) {
    worker.shutdown();
    await running;
  }
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await temporal?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

function input(folder: string, creations: ArchiveInput['creations']): ArchiveInput {
  return { workflowId: folder, kind: 'img2video', taskId: 'task-1', creations };
}

async function startArchive(archive: ArchiveInput, maximumAttempts = 3) {
  return temporal.client.workflow.start(archiveFixture, {
    taskQueue,
    workflowId: `archive-${randomUUID()}`,
    args: [{ archive, heartbeatTimeout: HEARTBEAT_TIMEOUT, maximumAttempts }],
  });
}

async function archiveNow(archive: ArchiveInput, maximumAttempts = 3): Promise<ArchiveResult> {
  return (await startArchive(archive, maximumAttempts)).result();
}

/** The activity failure a failed fixture run ended with, and the attempts its activity started. */
async function failureOf(
  handle: Awaited<ReturnType<typeof startArchive>>,
): Promise<{ cause: ApplicationFailure; attempts: number[] }> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activity = (err as WorkflowFailedError).cause;
  expect(activity).toBeInstanceOf(ActivityFailure);
  return { cause: (activity as ActivityFailure).cause as ApplicationFailure, attempts: await attemptsOf(handle) };
}

async function attemptsOf(handle: Awaited<ReturnType<typeof startArchive>>): Promise<number[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : [],
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();
  } catch {
    return [];
  }
}

describe('archiving large and slow results', () => {
  it(`archives a ${BIG_MB} MB result served over ~${BIG_SECONDS} s in one attempt, sha256 right, memory flat`, async () => {
    // Warm up: the first activity run loads code and fetch's connection pool.
    await archiveNow(input(`warmup-${randomUUID()}`, [{ id: 'w1', url: `${base}/small/w1.mp4`, coverUrl: '' }]));
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const folder = `big-${randomUUID()}`;
    const started = Date.now();
    const handle = await startArchive(input(folder, [{ id: '9001', url: `${base}/big.mp4`, coverUrl: '' }]));
    let result: ArchiveResult;
    try {
      result = await handle.result();
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    const growthMb = (peak - before) / MB;
    console.log(
      `[archive-large] ${BIG_MB} MB in ${seconds.toFixed(1)} s (heartbeat timeout ${HEARTBEAT_TIMEOUT}, ${(seconds / HEARTBEAT_SECONDS).toFixed(1)}× it); ` +
        `RSS ${(before / MB).toFixed(0)} → peak ${(peak / MB).toFixed(0)} MB (growth ${growthMb.toFixed(1)} MB)`,
    );

    expect(await attemptsOf(handle)).toEqual([1]);
    expect(requests.get('/big.mp4')).toBe(1);
    expect(result.files).toEqual([
      expect.objectContaining({
        name: '9001.mp4',
        creationId: '9001',
        role: 'video',
        bytes: BIG_MB * MB,
        sha256: BIG_SHA256,
      }),
    ]);
    expect(result.missing).toBeUndefined();
    const manifest = JSON.parse(await readFile(path.join(archiveRoot, folder, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.files[0]?.sha256).toBe(BIG_SHA256);
    expect(await filesUnder(path.join(archiveRoot, folder))).toEqual(['9001.mp4', 'manifest.json']);
    expect(growthMb).toBeLessThan(64);
  });

  it('a server that stops sending fails the attempt through the idle timeout, and the connection is closed', async () => {
    const folder = `idle-${randomUUID()}`;
    const { cause, attempts } = await failureOf(
      await startArchive(input(folder, [{ id: 'i1', url: `${base}/idle.mp4`, coverUrl: '' }]), 1),
    );
    console.log(`[archive-large] idle: ${cause.message}`);
    expect(cause.message).toMatch(
      /^creation "i1" \(result\): no byte received for [\d.]+ s \(idle timeout 1\.5 s\); this attempt gives up$/,
    );
    expect(attempts).toEqual([1]);
    await expect.poll(() => closedEarly.has('/idle.mp4'), { timeout: 10_000 }).toBe(true);
    expect(await filesUnder(path.join(archiveRoot, folder))).toEqual([]);
  });

  it('a cancelled activity aborts its download: the server sees the connection closed, no partial file stays', async () => {
    const folder = `cancel-${randomUUID()}`;
    const handle = await startArchive(input(folder, [{ id: 'e1', url: `${base}/endless.mp4`, coverUrl: '' }]), 1);
    await expect.poll(() => requests.get('/endless.mp4') ?? 0, { timeout: 30_000 }).toBe(1);
    await sleep(500);
    expect(closedEarly.has('/endless.mp4')).toBe(false);
    await handle.cancel();
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    await expect.poll(() => closedEarly.has('/endless.mp4'), { timeout: 10_000 }).toBe(true);
    expect(requests.get('/endless.mp4')).toBe(1);
    expect(await filesUnder(path.join(archiveRoot, folder))).toEqual([]);
  });

  it('a file larger than the size cap fails the attempt with a clear error', async () => {
    const { cause } = await failureOf(
      await startArchive(input(`huge-${randomUUID()}`, [{ id: 'h1', url: `${base}/huge.mp4`, coverUrl: '' }]), 1),
    );
    expect(cause.message).toBe(
      `creation "h1" (result): the file is larger than the archive size cap (${3 * 1024 ** 3} > ${1024 ** 3} bytes); raise the cap to archive it`,
    );
  });

  it('after a crash, reuses a file only when its size and sha256 match the manifest', async () => {
    const folder = `reuse-${randomUUID()}`;
    const creations = [{ id: 'r1', url: `${base}/reuse/r1.mp4`, coverUrl: `${base}/reuse/r1.png` }];
    const first = await archiveNow(input(folder, creations));
    expect(first.files.map((f) => f.name).sort()).toEqual(['r1.cover.png', 'r1.mp4']);
    expect(requests.get('/reuse/r1.mp4')).toBe(1);

    // A retry (as after a crash) finds both files intact: nothing is downloaded again.
    const again = await archiveNow(input(folder, creations));
    expect(again.files).toEqual(first.files);
    expect(requests.get('/reuse/r1.mp4')).toBe(1);
    expect(requests.get('/reuse/r1.png')).toBe(1);

    // Same size, other bytes (a torn or corrupted write): downloaded again, and right again.
    const file = path.join(archiveRoot, folder, 'r1.mp4');
    const corrupted = Buffer.from(SMALL);
    corrupted[1000] = (corrupted[1000] as number) ^ 0xff;
    await writeFile(file, corrupted);
    const repaired = await archiveNow(input(folder, creations));
    expect(requests.get('/reuse/r1.mp4')).toBe(2);
    expect(requests.get('/reuse/r1.png')).toBe(1);
    expect(sha256(await readFile(file))).toBe(sha256(SMALL));
    expect(repaired.files.find((f) => f.name === 'r1.mp4')?.sha256).toBe(sha256(SMALL));

    // Truncated: downloaded again too.
    await writeFile(file, SMALL.subarray(0, 100));
    await archiveNow(input(folder, creations));
    expect(requests.get('/reuse/r1.mp4')).toBe(3);
    expect(sha256(await readFile(file))).toBe(sha256(SMALL));
    expect(await filesUnder(path.join(archiveRoot, folder))).toEqual(['manifest.json', 'r1.cover.png', 'r1.mp4']);
  });

  it('an optional cover answering 500 leaves the archive successful, with the cover recorded as missing', async () => {
    const folder = `cover500-${randomUUID()}`;
    const result = await archiveNow(
      input(folder, [
        { id: 'm1', url: `${base}/films/m1.mp4`, coverUrl: `${base}/status/500` },
        // An AD-film storyboard cover: cover only.
        { id: 's1', url: '', coverUrl: `${base}/status/503`, sourceTaskId: 'storyboard-1' },
      ]),
    );
    expect(result.files.map((f) => f.name)).toEqual(['m1.mp4']);
    expect(result.missing).toEqual([
      { creationId: 'm1', role: 'cover', reason: 'creation "m1" (cover): download failed with HTTP 500' },
      { creationId: 's1', role: 'cover', reason: 'creation "s1" (cover): download failed with HTTP 503' },
    ]);
    // Tried twice each (extraTries 2) within the one attempt.
    expect(requests.get('/status/500')).toBe(2);
    const manifest = JSON.parse(await readFile(path.join(archiveRoot, folder, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.missing).toEqual(result.missing);
  });

  it('a hostile workflow id fails as a non-retryable InvalidRequest and writes nothing', async () => {
    for (const workflowId of ['x/../victim', '..', '/tmp/evil']) {
      const { cause, attempts } = await failureOf(
        await startArchive(input(workflowId, [{ id: 'v1', url: `${base}/hostile/v1.mp4`, coverUrl: '' }]), 5),
      );
      expect(cause.type).toBe('InvalidRequest');
      expect(cause.nonRetryable).toBe(true);
      expect(cause.message).toMatch(
        /^workflowId: .* must be a workflow id: 1–255 characters of letters, digits and \. _ : = -/,
      );
      expect(attempts).toEqual([1]);
    }
    expect(requests.get('/hostile/v1.mp4')).toBeUndefined();
    expect(await filesUnder(path.join(archiveRoot, 'victim'))).toEqual([]);
  });

  it('a hostile creation id is escaped into a plain name inside the workflow’s folder', async () => {
    const folder = `creation-${randomUUID()}`;
    const before = await filesUnder(root);
    const result = await archiveNow(
      input(folder, [{ id: '../../victim', url: `${base}/hostile/c1.mp4`, coverUrl: `${base}/hostile/c1.png` }]),
    );
    const stem = `_${sha256(Buffer.from('../../victim')).slice(0, 40)}`;
    expect(result.files.map((f) => f.name).sort()).toEqual([`${stem}.cover.png`, `${stem}.mp4`]);
    expect(result.files.every((f) => f.creationId === '../../victim')).toBe(true);
    const after = await filesUnder(root);
    expect(after.filter((f) => !before.includes(f)).sort()).toEqual([
      `archive/${folder}/${stem}.cover.png`,
      `archive/${folder}/${stem}.mp4`,
      `archive/${folder}/manifest.json`,
    ]);
  });
});
