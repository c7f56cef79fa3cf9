// The S3 archive and staging stores against a real versitygw over HTTP (test/helpers/s3.ts).
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  CreateMultipartUploadCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArchiveTask } from '../../activities/archive';
import { checkBucket } from '../../platform/stores/open-stores';
import { s3ClientFromEnv } from '../../platform/stores/s3-client';
import { S3ArchiveStore } from '../../platform/stores/s3-archive-store';
import { presignLocation } from '../../platform/stores/s3-links';
import { PART_BYTES, putStream } from '../../platform/stores/s3-objects';
import { parseS3Url } from '../../platform/stores/s3-location';
import { S3StagingStore } from '../../platform/stores/s3-staging-store';
import type { ViduClient } from '../../vidu/client';
import type { GenerationKind } from '../../core/generation-types';
import { measureHeld } from '../helpers/held-memory';
import { startTestS3, type TestS3 } from '../helpers/s3';

let t: TestS3;
let tmp: string;
beforeAll(async () => {
  t = await startTestS3();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-s3-test-'));
});
afterAll(async () => {
  await t?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
async function* chunks(buf: Buffer, size = 64 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
async function* failingAfter(buf: Buffer): AsyncIterable<Uint8Array> {
  yield* chunks(buf);
  throw new Error('source broke');
}
async function keysUnder(prefix: string): Promise<string[]> {
  const page = await t.s3.send(new ListObjectsV2Command({ Bucket: t.bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}
async function pendingUploads(): Promise<number> {
  return (await t.s3.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }))).Uploads?.length ?? 0;
}

describe('S3ArchiveStore', () => {
  it('writes, reads back, digests and locates small and multipart objects', async () => {
    const store = new S3ArchiveStore(t.s3, parseS3Url(`s3://${t.bucket}/archive`, 'ARCHIVE_URL'));
    expect(store.root).toBe(`s3://${t.bucket}/archive`);
    expect(store.locate('wf-1/a.mp4')).toBe(`s3://${t.bucket}/archive/wf-1/a.mp4`);
    expect(() => store.locate('wf-1/../../x')).toThrow(/escapes/);

    const small = randomBytes(1000);
    const big = randomBytes(PART_BYTES * 2 + 12345); // three parts
    for (const [name, bytes] of [
      ['small.png', small],
      ['big.mp4', big],
    ] as const) {
      expect(await store.exists(`wf-1/${name}`)).toBe(false);
      expect(await store.digest(`wf-1/${name}`)).toBeUndefined();
      const written = await store.write(`wf-1/${name}`, chunks(bytes), 'video/mp4');
      expect(written).toEqual({ sha256: sha(bytes), bytes: bytes.length });
      expect(await store.exists(`wf-1/${name}`)).toBe(true);
      expect(await store.digest(`wf-1/${name}`)).toEqual(written);
      // What the server keeps on disk is exactly the bytes.
      expect(sha(await readFile(path.join(t.dataDir, t.bucket, 'archive/wf-1', name)))).toBe(sha(bytes));
    }
    await store.writeJson('wf-1/manifest.json', { hello: 'world' });
    expect(await store.readJson('wf-1/manifest.json')).toEqual({ hello: 'world' });
    expect(await store.readJson('wf-1/none.json')).toBeUndefined();
    await store.remove('wf-1');
    expect(await keysUnder('archive/wf-1')).toEqual([]);
  });

  it('never writes a second copy of bytes already stored (single and multipart)', async () => {
    const key = 'archive/again/file.bin';
    for (const size of [500, PART_BYTES + 1]) {
      const bytes = randomBytes(size);
      const first = await putStream(t.s3, t.bucket, key, chunks(bytes), 'application/octet-stream');
      const second = await putStream(t.s3, t.bucket, key, chunks(bytes), 'application/octet-stream');
      console.log(`size ${size}: first write reused=${first.reused}, retry reused=${second.reused}`);
      expect(first.reused).toBe(false);
      expect(second).toEqual({ sha256: sha(bytes), bytes: size, reused: true });
      // Different bytes at the same key do replace it.
      const other = Buffer.concat([bytes.subarray(0, size - 1), Buffer.from([bytes[size - 1]! ^ 1])]);
      expect((await putStream(t.s3, t.bucket, key, chunks(other), 'application/octet-stream')).reused).toBe(false);
    }
    expect(await pendingUploads()).toBe(0); // the aborted duplicate upload left no parts behind
  });

  it('the server refuses bytes that do not match the sha256 sent with them', async () => {
    const body = Buffer.from('the real bytes');
    const wrong = createHash('sha256').update('other bytes').digest('base64');
    const put = t.s3.send(
      new PutObjectCommand({ Bucket: t.bucket, Key: 'archive/bad/x.bin', Body: body, ChecksumSHA256: wrong }),
    );
    await expect(put).rejects.toMatchObject({ name: 'BadDigest' });
    const { UploadId } = await t.s3.send(
      new CreateMultipartUploadCommand({ Bucket: t.bucket, Key: 'archive/bad/y.bin', ChecksumAlgorithm: 'SHA256' }),
    );
    const part = t.s3.send(
      new UploadPartCommand({
        Bucket: t.bucket,
        Key: 'archive/bad/y.bin',
        UploadId,
        PartNumber: 1,
        Body: body,
        ChecksumSHA256: wrong,
      }),
    );
    await expect(part).rejects.toMatchObject({ name: 'BadDigest' });
    await t.s3.send(new AbortMultipartUploadCommand({ Bucket: t.bucket, Key: 'archive/bad/y.bin', UploadId }));
    expect(await keysUnder('archive/bad')).toEqual([]);
  });

  it('a failing source leaves no object and no pending upload', async () => {
    const store = new S3ArchiveStore(t.s3, parseS3Url(`s3://${t.bucket}/archive`, 'ARCHIVE_URL'));
    await expect(store.write('broken/small.bin', failingAfter(randomBytes(100)), 'video/mp4')).rejects.toThrow(
      /source broke/,
    );
    await expect(
      store.write('broken/big.bin', failingAfter(randomBytes(PART_BYTES * 2 + 1)), 'video/mp4'),
    ).rejects.toThrow(/source broke/);
    expect(await keysUnder('archive/broken')).toEqual([]);
    expect(await pendingUploads()).toBe(0);
  });

  it('archiveTask streams a result into the bucket and the manifest lists s3:// locations', async () => {
    const video = randomBytes(300_000);
    const cover = randomBytes(2_000);
    const server = await serve({ '/v.mp4': ['video/mp4', video], '/c.jpg': ['image/jpeg', cover] });
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const store = new S3ArchiveStore(t.s3, parseS3Url(`s3://${t.bucket}/results`, 'ARCHIVE_URL'));
      const archiveTask = makeArchiveTask({ vidu: {} as ViduClient, archive: store });
      const input = {
        workflowId: 'gen-s3-1',
        kind: 'img2video' as GenerationKind,
        taskId: 't1',
        creations: [{ id: 'c1', url: `${base}/v.mp4`, coverUrl: `${base}/c.jpg` }],
      };
      const result = await archiveTask(input);
      expect(result.manifest).toBe(`s3://${t.bucket}/results/gen-s3-1/manifest.json`);
      expect(
        result.files.map((f) => [
          f.role,
          f.sha256,
          f.bytes,
          f.location.startsWith(`s3://${t.bucket}/results/gen-s3-1/`),
        ]),
      ).toEqual([
        ['video', sha(video), video.length, true],
        ['cover', sha(cover), cover.length, true],
      ]);
      const manifest = await store.readJson<{ files: { location: string }[] }>('gen-s3-1/manifest.json');
      expect(manifest?.files.map((f) => f.location)).toEqual(result.files.map((f) => f.location));
      // A retry reuses what is there (sizes and sha256 match the manifest): same result.
      expect((await archiveTask(input)).files).toEqual(result.files);
    } finally {
      server.close();
    }
  });

  it('a presigned link downloads the bytes without credentials', async () => {
    const bytes = randomBytes(4096);
    const store = new S3ArchiveStore(t.s3, parseS3Url(`s3://${t.bucket}/archive`, 'ARCHIVE_URL'));
    await store.write('links/x.mp4', chunks(bytes), 'video/mp4');
    const link = await presignLocation(t.s3, store.locate('links/x.mp4'), 60);
    expect(link).toMatch(/X-Amz-Signature=/);
    const res = await fetch(link!);
    expect(res.status).toBe(200);
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(bytes));
    expect((await fetch(link!.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=' + '0'.repeat(64)))).status).toBe(
      403,
    );
  });

  it('streams 200 MB with flat memory', async () => {
    const store = new S3ArchiveStore(t.s3, parseS3Url(`s3://${t.bucket}/archive`, 'ARCHIVE_URL'));
    const total = 200 * 1024 * 1024;
    const block = randomBytes(64 * 1024); // network streams deliver chunks of this order
    const expected = createHash('sha256');
    async function* source(bytes: number, hash?: ReturnType<typeof createHash>): AsyncIterable<Uint8Array> {
      for (let i = 0; i < bytes / block.length; i++) {
        const chunk = Buffer.from(block); // a fresh chunk each time, like a network stream
        chunk.writeUInt32BE(i, 0);
        hash?.update(chunk);
        yield chunk;
      }
    }
    // Warm up (SDK, sockets, part buffers) so the baseline is the steady state, not a cold process.
    await store.write('big/warm-up.bin', source(3 * PART_BYTES), 'video/mp4');
    // Heap + buffers after a full GC (test/helpers/held-memory.ts): that is where parts live.
    const started = Date.now();
    const {
      result: written,
      heldPeakGrowth,
      rssPeakGrowth,
    } = await measureHeld(() => store.write('big/200mb.mp4', source(total, expected), 'video/mp4'), 100);
    const mb = (n: number) => n / 1024 / 1024;
    const growthMb = mb(heldPeakGrowth);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `200 MB to S3 in ${seconds.toFixed(1)} s (${(200 / seconds).toFixed(0)} MB/s); heap+buffers growth ${growthMb.toFixed(1)} MB; RSS growth ${mb(rssPeakGrowth).toFixed(0)} MB`,
    );
    expect(written).toEqual({ sha256: expected.digest('hex'), bytes: total });
    expect(await store.digest('big/200mb.mp4')).toEqual(written);
    // Streaming holds two parts (one filling, one uploading) plus the SDK's copy of the part in
    // flight and the source's chunks; a sample can also catch a part not yet collected (CI saw
    // 32.06 MB against a bound of 4 parts). 8 parts (64 MB) still fails any buffering of the 200 MB.
    expect(growthMb).toBeLessThan(mb(8 * PART_BYTES));
    await store.remove('big');
  });
});

describe('S3StagingStore', () => {
  it('shares staged files between hosts through the bucket, content-addressed within an owner', async () => {
    const loc = parseS3Url(`s3://${t.bucket}/staging`, 'STAGING_URL');
    const client = new S3StagingStore(t.s3, loc, path.join(tmp, 'client-cache'), { keepLocal: false });
    const worker = new S3StagingStore(t.s3, loc, path.join(tmp, 'worker-cache'));
    const bytes = randomBytes(70_000);
    const incoming = await client.receive(chunks(bytes));
    const ref = await incoming.commit('png', 'operator');
    expect(ref).toBe(`staged:operator/${sha(bytes)}.png`);
    expect(await keysUnder('staging/')).toEqual([`staging/operator/${sha(bytes)}.png`]);
    await expect(readFile(client.pathOf(ref))).rejects.toMatchObject({ code: 'ENOENT' }); // client kept no copy
    // Staging the same bytes again stores nothing new.
    expect(await client.put(bytes, 'png', 'operator')).toBe(ref);
    expect(await keysUnder('staging/')).toEqual([`staging/operator/${sha(bytes)}.png`]);

    expect(await worker.sizeOf(ref)).toBe(bytes.length);
    expect(sha(await worker.get(ref))).toBe(sha(bytes));
    expect(sha(await readFile(await worker.fetchLocal(ref)))).toBe(sha(bytes)); // now in its cache
    await expect(worker.fetchLocal(`staged:operator/${'0'.repeat(64)}.png`)).rejects.toThrow(
      /not in the staging bucket/,
    );
    expect(() => worker.pathOf('staged:../../etc/passwd')).toThrow(/malformed/);
  });

  it("owners: the same bytes of two keys are two objects; one key's hash does not reach the other's object", async () => {
    const loc = parseS3Url(`s3://${t.bucket}/owned`, 'STAGING_URL');
    const api = new S3StagingStore(t.s3, loc, path.join(tmp, 'api-cache'), { keepLocal: false });
    const worker = new S3StagingStore(t.s3, loc, path.join(tmp, 'owned-worker-cache'));
    const bytes = randomBytes(5000);
    const alice = await api.put(bytes, 'png', 'key-alice');
    expect(alice).toBe(`staged:key-alice/${sha(bytes)}.png`);
    expect(await keysUnder('owned/')).toEqual([`owned/key-alice/${sha(bytes)}.png`]);
    // Mallory's reference with alice's hash names an object that does not exist.
    await expect(worker.get(`staged:key-mallory/${sha(bytes)}.png`)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(sha(await worker.get(alice))).toBe(sha(bytes));
    await api.put(bytes, 'png', 'key-mallory');
    expect(await keysUnder('owned/')).toEqual([
      `owned/key-alice/${sha(bytes)}.png`,
      `owned/key-mallory/${sha(bytes)}.png`,
    ]);
  });

  it('the sweep deletes objects by LastModified (ListObjectsV2 + DeleteObjects) and the local cache by mtime', async () => {
    const loc = parseS3Url(`s3://${t.bucket}/sweep`, 'STAGING_URL');
    const cache = path.join(tmp, 'sweep-cache');
    const store = new S3StagingStore(t.s3, loc, cache);
    const refs = await Promise.all(
      [1, 2, 3].map((n) => store.put(randomBytes(1000 + n), 'png', n === 3 ? 'key-bob' : 'key-alice')),
    );
    expect(await keysUnder('sweep/')).toHaveLength(3);
    // Now: everything is younger than 7 days; nothing goes.
    expect(await store.sweep(7 * 86_400_000)).toEqual({ removed: 0, kept: 3 });
    expect(await keysUnder('sweep/')).toHaveLength(3);
    // Eight days from now everything is older than 7 days: the bucket and the cache are emptied,
    // and nothing outside the prefix is touched.
    const before = await keysUnder('owned/');
    expect(await store.sweep(7 * 86_400_000, Date.now() + 8 * 86_400_000)).toEqual({ removed: 3, kept: 0 });
    expect(await keysUnder('sweep/')).toEqual([]);
    expect(await keysUnder('owned/')).toEqual(before);
    for (const ref of refs) await expect(readFile(store.pathOf(ref))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('staging the same bytes again renews LastModified (a copy onto itself), so an input in use does not expire', async () => {
    const loc = parseS3Url(`s3://${t.bucket}/renew`, 'STAGING_URL');
    const store = new S3StagingStore(t.s3, loc, path.join(tmp, 'renew-cache'), { keepLocal: false });
    const bytes = randomBytes(2000);
    const ref = await store.put(bytes, 'png', 'key-alice');
    const modified = async () =>
      (
        await t.s3.send(new ListObjectsV2Command({ Bucket: t.bucket, Prefix: 'renew/' }))
      ).Contents![0]!.LastModified!.getTime();
    const first = await modified();
    await new Promise((r) => setTimeout(r, 1100)); // LastModified has a resolution of one second
    expect(await store.put(bytes, 'png', 'key-alice')).toBe(ref);
    const second = await modified();
    console.log(`LastModified renewed by ${second - first} ms`);
    expect(second).toBeGreaterThan(first);
    expect(sha(await new S3StagingStore(t.s3, loc, path.join(tmp, 'renew-worker')).get(ref))).toBe(sha(bytes));
  });

  it('start-up check: a missing bucket or a refused write names the variable', async () => {
    await checkBucket(t.s3, parseS3Url(`s3://${t.bucket}/archive`, 'ARCHIVE_URL'), 'ARCHIVE_URL');
    await expect(checkBucket(t.s3, parseS3Url('s3://no-such-bucket/x', 'ARCHIVE_URL'), 'ARCHIVE_URL')).rejects.toThrow(
      /^ARCHIVE_URL: bucket no-such-bucket does not exist/,
    );
    const wrongKey = s3ClientFromEnv({ ...t.env, AWS_SECRET_ACCESS_KEY: 'wrong-secret' });
    await expect(
      checkBucket(wrongKey, parseS3Url(`s3://${t.bucket}/staging`, 'STAGING_URL'), 'STAGING_URL'),
    ).rejects.toThrow(/^STAGING_URL: /);
    wrongKey.destroy();
  });
});

async function serve(files: Record<string, [string, Buffer]>): Promise<Server> {
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0], 'content-length': file[1].length }).end(file[1]);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
