import type { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StagingStore } from '../../platform/stores/staging-store';
import { InvalidGenerationInput, ViduFlowClient } from '../../client/index';
import { STAGE_DATA_URI_OVER } from '../../client/input-staging';
import { MAX_INPUT_BYTES, payloadSizeIssues } from '../../client/payload-size';
import { makeMp4, makePng, toDataUri } from '../helpers/media-fixtures';

// The client reads the caller's own files and stages them, so the worker never reads a path a
// caller chose; and it refuses an input too large for a Temporal payload before sending anything.

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-client-staging-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A Temporal client that records the workflow starts it is asked for. */
function recordingTemporal(): { client: Client; starts: Array<{ type: string; args: unknown[] }> } {
  const starts: Array<{ type: string; args: unknown[] }> = [];
  const client = {
    workflow: {
      start: async (type: string, opts: { args: unknown[]; workflowId: string }) => {
        starts.push({ type, args: opts.args });
        return { workflowId: opts.workflowId };
      },
      getHandle: (workflowId: string) => ({ workflowId }),
    },
  } as unknown as Client;
  return { client, starts };
}

describe('client-side staging', () => {
  it('stages a local file, a file:// URL and a large data URI; leaves URLs and small data URIs', async () => {
    const png = makePng(640, 360, 'client-staging');
    const file = path.join(tmp, 'still.png');
    await writeFile(file, png);
    const other = makePng(300, 300, 'other');
    await writeFile(path.join(tmp, 'other.png'), other);
    // Trailing bytes after IEND make it large; the client does not judge the image, the worker does.
    const big = Buffer.concat([makePng(300, 300, 'big'), randomBytes(300 * 1024)]);
    const bigUri = toDataUri(big, 'image/png');
    expect(bigUri.length).toBeGreaterThan(STAGE_DATA_URI_OVER);
    const small = toDataUri(makePng(200, 200, 'small'), 'image/png');
    expect(small.length).toBeLessThan(STAGE_DATA_URI_OVER);

    const stagingDir = path.join(tmp, 'staging');
    const { client, starts } = recordingTemporal();
    const flow = await ViduFlowClient.connect({ client, stagingDir });
    await flow.start('reference2video', {
      request: {
        model: 'viduq1',
        prompt: 'p',
        images: [file, pathToFileURL(path.join(tmp, 'other.png')).href, bigUri, small, 'https://cdn.example.com/a.png'],
      },
    });

    const sent = (starts[0]?.args[0] as { request: { images: string[] } }).request.images;
    const store = new StagingStore(stagingDir);
    expect(sent[0]).toMatch(/^staged:operator\/[0-9a-f]{64}\.png$/);
    expect((await store.get(sent[0]!)).equals(png)).toBe(true);
    expect((await store.get(sent[1]!)).equals(other)).toBe(true);
    expect((await store.get(sent[2]!)).equals(big)).toBe(true);
    expect(sent[3]).toBe(small);
    expect(sent[4]).toBe('https://cdn.example.com/a.png');
    // Nothing of the caller's paths reaches the workflow input.
    expect(JSON.stringify(starts[0]?.args)).not.toContain(tmp);
  });

  it('stages relative paths against the working directory, and videos with their format', async () => {
    const mp4 = makeMp4({ durationSeconds: 4, width: 400, height: 600 });
    const file = path.join(tmp, 'moves.mp4');
    await writeFile(file, mp4);
    await writeFile(path.join(tmp, 'person.png'), makePng(400, 600));
    const { client, starts } = recordingTemporal();
    const flow = await ViduFlowClient.connect({ client, stagingDir: path.join(tmp, 'staging') });
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      await flow.start('image2dance', { request: { image_url: 'person.png', video_url: './moves.mp4' } });
    } finally {
      process.chdir(cwd);
    }
    const request = (starts[0]?.args[0] as { request: Record<string, string> }).request;
    expect(request.image_url).toMatch(/^staged:operator\/[0-9a-f]{64}\.png$/);
    expect(request.video_url).toMatch(/^staged:operator\/[0-9a-f]{64}\.mp4$/);
    expect(await readFile(new StagingStore(path.join(tmp, 'staging')).pathOf(request.video_url!))).toEqual(mp4);
  });

  it('stages the AD film images too', async () => {
    await writeFile(path.join(tmp, 'product.png'), makePng(800, 800));
    const { client, starts } = recordingTemporal();
    const flow = await ViduFlowClient.connect({ client, stagingDir: path.join(tmp, 'staging') });
    await flow.startAdFilm({ request: { images: [path.join(tmp, 'product.png')], prompt: 'p', duration: 15 } });
    expect((starts[0]?.args[0] as { request: { images: string[] } }).request.images[0]).toMatch(/^staged:/);
  });

  it('names the field of a file it cannot read, and starts nothing', async () => {
    const { client, starts } = recordingTemporal();
    const flow = await ViduFlowClient.connect({ client, stagingDir: path.join(tmp, 'staging') });
    const missing = path.join(tmp, 'missing.png');
    const err = await flow
      .start('img2video', { request: { model: 'viduq2', images: [missing], prompt: 'p', duration: 5 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidGenerationInput);
    expect((err as InvalidGenerationInput).issues).toEqual([`images[0]: cannot read ${missing} (ENOENT)`]);
    expect(starts).toEqual([]);
  });

  it('refuses an input too large for a Temporal payload, naming the field, before sending anything', async () => {
    const { client, starts } = recordingTemporal();
    const flow = await ViduFlowClient.connect({ client, stagingDir: path.join(tmp, 'staging') });
    // A malformed (not base64) data URI is left for the worker to judge, so it is not staged.
    const huge = `data:image/png,${'x'.repeat(MAX_INPUT_BYTES)}`;
    const err = await flow
      .start('img2video', { request: { model: 'viduq2', images: [huge], prompt: 'p', duration: 5 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidGenerationInput);
    const [issue] = (err as InvalidGenerationInput).issues;
    expect(issue).toMatch(
      /^request\.images\[0\] \(1\.9 MB\): the workflow input is 1\.9 MB as JSON, over the 1\.9 MB a start may carry \(Temporal refuses payloads over 2\.0 MB\)/,
    );
    expect(starts).toEqual([]);
  });

  it('payloadSizeIssues: names the largest field', () => {
    expect(payloadSizeIssues({ a: 'x'.repeat(10) }, 100)).toEqual([]);
    const [issue] = payloadSizeIssues({ request: { prompt: 'p', subjects: [{ images: ['y'.repeat(200)] }] } }, 100);
    expect(issue).toMatch(/^request\.subjects\[0\]\.images\[0\] \(0\.0 MB\): the workflow input is/);
  });
});
