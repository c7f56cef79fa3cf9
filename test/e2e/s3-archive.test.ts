// End to end with object storage: simulator, callback receiver and worker as processes, the worker
// configured with ARCHIVE_URL/STAGING_URL=s3://… on a real S3 server (versitygw). The client stages
// a local image into the bucket (keeping no local copy), the worker (with its own empty STAGING_DIR)
// reads it from there, and the result lands in the bucket with the simulator's sha256.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViduFlowClient } from '../../client';
import { openInputStaging } from '../../platform/stores/open-stores';
import { hashObject } from '../../platform/stores/s3-objects';
import { splitS3Location } from '../../platform/stores/s3-location';
import { renderPng } from '../../sim/media/render';
import { startE2eEnv, type E2eEnv } from '../helpers/e2e';
import { startTestS3, type TestS3 } from '../helpers/s3';
import { temporalServer } from '../helpers/temporal';

let s3: TestS3;
let e2e: E2eEnv;
let client: ViduFlowClient;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-e2e-s3-'));
  s3 = await startTestS3('vidu-e2e');
  const stores = { ARCHIVE_URL: `s3://${s3.bucket}/archive`, STAGING_URL: `s3://${s3.bucket}/staging` };
  e2e = await startE2eEnv('s3-archive', dir, {
    simEnv: { VIDU_SIM_TIME_SCALE: '60' },
    workerEnv: { ...s3.env, ...stores },
  });
  const { address, namespace } = temporalServer();
  // The client shares nothing with the worker but the bucket.
  client = await ViduFlowClient.connect({
    address,
    namespace,
    taskQueue: e2e.stack.env.VIDU_TASK_QUEUE,
    staging: openInputStaging({ ...s3.env, ...stores }),
  });
});

afterAll(async () => {
  await e2e?.stack.stop();
  await s3?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('S3 archive and staging', () => {
  it('a generation staged through the bucket is archived there with the right sha256', async () => {
    const image = path.join(dir, 'input.png');
    const png = renderPng('s3-input', { width: 640, height: 360 });
    await writeFile(image, png);
    const handle = await client.start('img2video', {
      request: {
        model: 'viduq2',
        images: [image],
        prompt: 'the camera slowly pushes in',
        duration: 5,
        resolution: '720p',
      },
      options: { poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 2 } },
    });
    const result = await handle.result();
    const archive = result.archive!;
    expect(archive.manifest).toBe(`s3://${s3.bucket}/archive/${handle.workflowId}/manifest.json`);
    // The input went through the bucket, content-addressed.
    const staged = await hashObject(
      s3.s3,
      s3.bucket,
      `staging/operator/${createHash('sha256').update(png).digest('hex')}.png`,
    );
    expect(staged?.bytes).toBe(png.length);

    const simRecord = JSON.stringify(
      await Promise.all(
        result.creations.map((c) =>
          fetch(`${e2e.stack.simUrl}/_sim/media/${encodeURIComponent(c.id)}/sha256`).then((r) => r.json()),
        ),
      ),
    );
    for (const file of archive.files) {
      const where = splitS3Location(file.location)!;
      expect(where.bucket).toBe(s3.bucket);
      const stored = await hashObject(s3.s3, where.bucket, where.key);
      expect(stored).toEqual({ sha256: file.sha256, bytes: file.bytes });
      expect(simRecord).toContain(file.sha256); // what the simulator served
    }
    console.log(`archived ${archive.files.map((f) => `${f.name} (${f.bytes} bytes)`).join(', ')} to ${archive.root}`);

    // Presigned links download the same bytes with no credentials.
    const links = await client.presignedLinks(handle.workflowId, { env: s3.env, expiresInSeconds: 300 });
    expect(links.map((l) => l.name).sort()).toEqual([...archive.files.map((f) => f.name), 'manifest.json'].sort());
    for (const link of links.filter((l) => l.sha256)) {
      const bytes = Buffer.from(await (await fetch(link.url)).arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(link.sha256);
    }
  });
});
