// Archive and stage of one large file against a plain stream copy of the same bytes, in this
// process (the activities as the worker runs them, through MockActivityEnvironment): MB/s and
// how much the process's memory grows.
import { MockActivityEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type ArchiveInput, makeArchiveTask } from '../../activities/archive';
import { receiveMedia } from '../../activities/media-source';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import { StagingStore } from '../../platform/stores/staging-store';
import type { ViduClient } from '../../vidu/client';

export interface TransferFigures {
  seconds: number;
  mbPerSecond: number;
  /** Peak RSS during the transfer minus RSS before it, MiB. */
  rssGrowthMiB: number;
}

export interface ArchiveFigures {
  megabytes: number;
  plainCopy: TransferFigures;
  archive: TransferFigures & { ratio: number };
  stage: TransferFigures & { ratio: number };
}

const MB = 1024 * 1024;
const REPETITIONS = 3;

function summarize(runs: readonly TransferFigures[]): TransferFigures {
  const bySpeed = [...runs].sort((a, b) => a.mbPerSecond - b.mbPerSecond);
  const median = bySpeed[Math.floor(bySpeed.length / 2)]!;
  return {
    seconds: median.seconds,
    mbPerSecond: median.mbPerSecond,
    rssGrowthMiB: Math.max(...runs.map((r) => r.rssGrowthMiB)),
  };
}

/** Serves `/file.mp4`: `megabytes` MiB from a small pool of 1 MiB blocks, as fast as the reader takes them. */
async function serveBytes(megabytes: number): Promise<{ url: string; close(): Promise<void> }> {
  const blocks = Array.from({ length: 7 }, () => randomBytes(MB));
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(megabytes * MB) });
    let i = 0;
    const pump = () => {
      while (i < megabytes) {
        const ok = res.write(blocks[(i * 3) % blocks.length]);
        i += 1;
        if (!ok) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/file.mp4`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function measure(megabytes: number, fn: () => Promise<void>): Promise<TransferFigures> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, mbPerSecond: megabytes / seconds, rssGrowthMiB: (peak - before) / MB };
}

export async function runArchive(opts: {
  megabytes: number;
  dir: string;
  log: (l: string) => void;
}): Promise<ArchiveFigures> {
  const mb = Math.round(opts.megabytes);
  const root = path.join(opts.dir, 'archive-bench');
  await mkdir(root, { recursive: true });
  const source = await serveBytes(mb);
  const vidu = {
    getCreations: () => Promise.reject(new Error('the bench URL does not expire')),
  } as unknown as ViduClient;
  const archiveTask = makeArchiveTask({ vidu, archive: new LocalArchiveStore(path.join(root, 'archive')), fetch });
  const staging = new StagingStore(path.join(root, 'staging'));
  try {
    opts.log(`archive: ${mb} MB — plain stream copy, archive activity, staging…`);
    const copy = async () => {
      const res = await fetch(source.url);
      await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(path.join(root, 'plain.mp4')));
      await rm(path.join(root, 'plain.mp4'));
    };
    // Unmeasured: the first transfer of the process pays for fetch's set-up and buffers.
    await copy();
    const archiveOnce = async () => {
      const input: ArchiveInput = {
        workflowId: 'bench-archive',
        kind: 'img2video',
        taskId: 'bench-task',
        creations: [{ id: 'big', url: source.url, coverUrl: '' }],
      };
      await env.run(archiveTask, input);
      await rm(path.join(root, 'archive'), { recursive: true, force: true });
    };
    const stageOnce = async () => {
      const received = await receiveMedia(source.url, (mb + 1) * MB, { staging, fetch });
      await received.file.discard();
    };
    const env = new MockActivityEnvironment();
    // Interleaved repetitions, median speed and largest growth: one transfer on a loaded machine is noise.
    const runs: Record<'plain' | 'archive' | 'stage', TransferFigures[]> = { plain: [], archive: [], stage: [] };
    for (let i = 0; i < REPETITIONS; i++) {
      runs.plain.push(await measure(mb, copy));
      runs.archive.push(await measure(mb, archiveOnce));
      runs.stage.push(await measure(mb, stageOnce));
    }
    const plainCopy = summarize(runs.plain);
    const archived = summarize(runs.archive);
    const staged = summarize(runs.stage);
    const figures: ArchiveFigures = {
      megabytes: mb,
      plainCopy,
      archive: { ...archived, ratio: archived.mbPerSecond / plainCopy.mbPerSecond },
      stage: { ...staged, ratio: staged.mbPerSecond / plainCopy.mbPerSecond },
    };
    opts.log(
      `  plain ${plainCopy.mbPerSecond.toFixed(0)} MB/s; archive ${archived.mbPerSecond.toFixed(0)} MB/s (${figures.archive.ratio.toFixed(2)}×, +${archived.rssGrowthMiB.toFixed(0)} MiB); ` +
        `stage ${staged.mbPerSecond.toFixed(0)} MB/s (${figures.stage.ratio.toFixed(2)}×, +${staged.rssGrowthMiB.toFixed(0)} MiB)`,
    );
    return figures;
  } finally {
    await source.close();
  }
}
