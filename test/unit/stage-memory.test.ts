import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { createGuardedFetch } from '../../platform/net/guarded-fetch';
import { makeStageInputs } from '../../activities/stage';
import { StagingStore } from '../../platform/stores/staging-store';
import { measureHeld as measure } from '../helpers/held-memory';
import { makeMp4, makePng } from '../helpers/media-fixtures';

// Staging streams: a 200 MB video (moov at the END, after the mdat, the hard case for a prefix
// probe) is hashed, stored and probed with the worker's memory growing by far less than its size.
// The bound asserted is a memory bound; the figures are printed.

const VIDEO_BYTES = 200_000_000;
const MEMORY_BOUND = 64 * 1024 * 1024;

let tmp: string;
let video: string;
let image: string;
let server: ChildProcess;
let baseUrl: string;

/** ftyp, free, then a ~200 MB mdat, then moov: written a megabyte at a time. */
async function writeLargeMp4(file: string): Promise<void> {
  const fixture = makeMp4({ durationSeconds: 10, width: 400, height: 600 });
  const boxes = new Map<string, Buffer>();
  for (let at = 0; at < fixture.length;) {
    const size = fixture.readUInt32BE(at);
    boxes.set(fixture.toString('latin1', at + 4, at + 8), fixture.subarray(at, at + size));
    at += size;
  }
  const [ftyp, free, moov, mdat] = ['ftyp', 'free', 'moov', 'mdat'].map((t) => boxes.get(t)!);
  const padding = VIDEO_BYTES - ftyp!.length - free!.length - moov!.length - mdat!.length;
  const header = Buffer.from(mdat!.subarray(0, 8));
  header.writeUInt32BE(mdat!.length + padding, 0);
  const fh = await open(file, 'w');
  try {
    await fh.write(Buffer.concat([ftyp!, free!, header, mdat!.subarray(8)]));
    const block = Buffer.alloc(1024 * 1024, 0x37);
    for (let left = padding; left > 0; left -= block.length) await fh.write(block, 0, Math.min(block.length, left));
    await fh.write(moov!);
  } finally {
    await fh.close();
  }
}

/** Serves argv[1] (any path) and argv[2] (/small.mp4) on 127.0.0.1; prints its port. */
const SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const [big, small] = process.argv.slice(1);
const server = http.createServer((req, res) => {
  const file = req.url === '/small.mp4' ? small : big;
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': fs.statSync(file).size });
  fs.createReadStream(file).pipe(res);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-stage-memory-'));
  video = path.join(tmp, 'moves.mp4');
  image = path.join(tmp, 'person.png');
  await writeLargeMp4(video);
  await writeFile(image, makePng(400, 600));
  // The server runs in a process of its own, so its buffers do not count as the stager's.
  await writeFile(path.join(tmp, 'small.mp4'), makeMp4({ durationSeconds: 3, width: 400, height: 600 }));
  server = spawn(process.execPath, ['-e', SERVER, video, path.join(tmp, 'small.mp4')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    server.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    server.once('exit', (code) => reject(new Error(`media server exited with ${code}`)));
  });
  baseUrl = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  server?.kill();
  await rm(tmp, { recursive: true, force: true });
});

describe('stage: a 200 MB video', () => {
  it('is streamed: memory grows by far less than the video, from a file and from a URL', async () => {
    expect((await stat(video)).size).toBe(VIDEO_BYTES);
    const stageInputs = makeStageInputs({
      staging: new StagingStore(path.join(tmp, 'staging')),
      inputRoots: [tmp],
      fetch: createGuardedFetch({ policy: parseAllowPrivate('127.0.0.1') }),
      ownership: async () => ({ owner: 'operator', callerText: true }),
    });
    // Warm-up with a small video: loads and compiles the code paths once, so the figures are about the bytes.
    await stageInputs({
      kind: 'image2dance',
      workflowId: 'warm-up',
      request: { image_url: image, video_url: `${baseUrl}/small.mp4` },
    });

    // From a local file under an input root: streamed into the staging store, probed there, then
    // refused only because Vidu takes staged inputs inline (base64, 20 MB per request).
    const fromFile = await measure(() =>
      stageInputs({
        kind: 'image2dance',
        workflowId: 'mem-file',
        request: { image_url: image, video_url: video },
      }).then(
        () => 'staged',
        (err: Error) => err.message,
      ),
    );
    expect(fromFile.result).toMatch(/over Vidu's 20 MB request limit; pass large inputs as http\(s\) URLs/);
    expect(fromFile.result).not.toMatch(/video_url:/); // the probe found nothing wrong with it

    const fromUrl = await measure(() =>
      stageInputs({
        kind: 'image2dance',
        workflowId: 'mem-url',
        request: { image_url: image, video_url: `${baseUrl}/moves.mp4` },
      }),
    );
    const videoMedia = fromUrl.result.media.find((m) => m.field === 'video_url');
    expect(videoMedia).toMatchObject({
      ref: `${baseUrl}/moves.mp4`,
      format: 'mp4',
      bytes: VIDEO_BYTES,
      width: 400,
      height: 600,
      durationSeconds: 10,
    });

    console.log(
      `[stage memory] 200 MB video (moov at the end): from a file heap+buffers peak +${mb(fromFile.heldPeakGrowth)}, RSS peak +${mb(fromFile.rssPeakGrowth)}; ` +
        `from http heap+buffers peak +${mb(fromUrl.heldPeakGrowth)}, RSS peak +${mb(fromUrl.rssPeakGrowth)}`,
    );
    expect(fromUrl.heldPeakGrowth).toBeLessThan(MEMORY_BOUND);
    expect(fromFile.heldPeakGrowth).toBeLessThan(MEMORY_BOUND);
  }, 120_000);
});
