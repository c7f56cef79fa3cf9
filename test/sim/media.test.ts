import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../vidu/media';
import { CreationsResponse } from '../../vidu/schemas';
import type { RunningSim } from '../../sim';
import { admin, api, createTask, pngUri, startTestSim } from './helpers';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

const sha256 = (b: ArrayBuffer) => createHash('sha256').update(Buffer.from(b)).digest('hex');

async function finished(kind: 'img2video' | 'reference2image', body: Record<string, unknown>) {
  const created = await api.post(sim, kind, body);
  expect(created.status).toBe(200);
  await admin.advance(sim, 31);
  const g = await api.get(sim, `tasks/${created.body.task_id}/creations`);
  return CreationsResponse.parse(g.body);
}

describe('result media', () => {
  it('serves signed URLs that expire one simulated hour after issue; a new Get Generation issues fresh ones', async () => {
    const first = await finished('img2video', { model: 'viduq1', images: [pngUri()], prompt: 'p', watermark: true });
    const c = first.creations[0]!;
    expect(c.url).toMatch(new RegExp(`^${sim.url}/_media/${c.id}\\.mp4\\?exp=\\d+&sig=`));
    expect(c.watermarked_url).toContain(`${c.id}.wm.mp4`);

    const a = await fetch(c.url);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('video/mp4');
    const bytes = await a.arrayBuffer();
    const probe = probeMedia(new Uint8Array(bytes));
    expect(probe).toMatchObject({ kind: 'video', format: 'mp4', width: 240, height: 136 });
    expect(probe.durationSeconds).toBeCloseTo(5, 1);
    expect(c.video?.resolution).toEqual({ width: 240, height: 136 });
    const cover = await fetch(c.cover_url);
    expect(cover.headers.get('content-type')).toBe('image/png');

    // No auth header needed, but the signature is.
    expect((await fetch(c.url.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);

    await admin.advance(sim, 3599);
    expect((await fetch(c.url)).status).toBe(200);
    await admin.advance(sim, 2);
    const expired = await fetch(c.url);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { reason: string }).reason).toBe('Forbidden');

    const again = CreationsResponse.parse((await api.get(sim, `tasks/${first.id}/creations`)).body);
    const fresh = again.creations[0]!;
    expect(fresh.id).toBe(c.id);
    expect(fresh.url).not.toBe(c.url);
    const b = await fetch(fresh.url);
    expect(b.status).toBe(200);
    const hash = sha256(await b.arrayBuffer());
    expect(hash).toBe(sha256(bytes));

    const fromAdmin = (await admin.get(sim, `media/${c.id}/sha256`)).body;
    expect(fromAdmin.sha256).toBe(hash);
    const record = (await admin.get(sim, `tasks/${first.id}`)).body;
    expect(record.creations[0].sha256).toBe(hash);
    expect(record.creations[0].cover.sha256).toBe(sha256(await (await fetch(fresh.cover_url)).arrayBuffer()));
  });

  it('the same seed and the same requests give the same creation ids and bytes', async () => {
    const run = async () => {
      const s = await startTestSim({ seed: 'replay' });
      try {
        const id = (await createTask(s)).task_id;
        await admin.advance(s, 31);
        const c = (await api.get(s, `tasks/${id}/creations`)).body.creations[0];
        return { id: c.id as string, sha: sha256(await (await fetch(c.url)).arrayBuffer()) };
      } finally {
        await s.close();
      }
    };
    const [a, b] = [await run(), await run()];
    expect(b).toEqual(a);
  });

  it('reference2image produces a PNG sized by resolution and aspect ratio', async () => {
    const g = await finished('reference2image', {
      model: 'viduq2',
      images: [pngUri(300, 300)],
      prompt: 'poster',
      aspect_ratio: '1:1',
      resolution: '2K',
    });
    const c = g.creations[0]!;
    expect(c.url).toContain('.png?');
    expect(c.video).toBeUndefined();
    const bytes = new Uint8Array(await (await fetch(c.url)).arrayBuffer());
    // 2K = 1440 px short side [INF], served at 1/8.
    expect(probeMedia(bytes)).toMatchObject({ kind: 'image', format: 'png', width: 180, height: 180 });
  });

  it('a forged media URL → 403; an unknown creation → 404', async () => {
    expect((await fetch(`${sim.url}/_media/123.mp4?exp=1&sig=x`)).status).toBe(403);
    const res = await admin.get(sim, 'media/123/sha256');
    expect(res.status).toBe(404);
  });
});
