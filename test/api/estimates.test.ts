// POST /v1/estimates/{kind} at the HTTP edge: the price before submission, scope read, without
// Temporal (a client that throws on any use proves nothing is started), with the operator's
// prices when the deps carry them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ViduFlowClient } from '../../client';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { newApiKey } from '../../platform/keys/api-keys';
import { buildApi } from '../../api/server';
import { estimateMusicVideo, PriceTable } from '../../vidu/prices';

const reader = newApiKey('reader', ['read']);
const starter = newApiKey('starter', ['start']);
const untouchable = new Proxy(
  {},
  {
    get: (_t, p) => {
      throw new Error(`the client was used (${String(p)}) for an estimate`);
    },
  },
) as ViduFlowClient;
const operator = new PriceTable([
  { kind: 'template', model: '*', rule: { per: 'call', credits: 35 }, source: 'operator', readOn: '2026-12-01' },
  // Vidu publishes no music-video base, edit or compose price: an operator's, as the README says.
  {
    kind: 'musicVideo',
    model: '*',
    rule: { per: 'call', credits: 100 },
    lipSyncPerSecond: 4,
    source: 'operator',
    readOn: '2026-12-01',
  },
  {
    kind: 'musicVideoEdit',
    model: 'generate_video',
    rule: { per: 'call', credits: 20 },
    source: 'operator',
    readOn: '2026-12-01',
  },
  {
    kind: 'musicVideoCompose',
    model: '*',
    rule: { per: 'call', credits: 40 },
    source: 'operator',
    readOn: '2026-12-01',
  },
]);
let app: FastifyInstance;

beforeAll(async () => {
  app = buildApi({
    client: untouchable,
    keys: () => [reader.entry, starter.entry],
    privateUrls: parseAllowPrivate(undefined),
    prices: () => operator,
    log: () => undefined,
  });
  await app.ready();
});
afterAll(() => app.close());

async function post(kind: string, body: unknown, key = reader.key) {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/estimates/${kind}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, json: res.json() as Record<string, any> };
}

const img = { model: 'viduq1', images: ['https://cdn.example.com/a.png'], prompt: 'push in' };

describe('POST /v1/estimates/{kind}', () => {
  it('prices a generation from the table, off-peak and all', async () => {
    const res = await post('img2video', { request: { ...img, off_peak: true } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      credits: 40,
      entry: { kind: 'img2video', model: 'viduq1', readOn: '2026-08-13' },
    });
    expect(res.json.basis).toMatch(/off-peak half, rounded up: 40/);
  });

  it('uses the operator prices the API was given', async () => {
    const res = await post('template', { request: { template: 'hug', images: ['https://cdn.example.com/a.png'] } });
    expect(res.json).toMatchObject({ credits: 35, entry: { override: true } });
  });

  it('says what it cannot price (a source video the API does not read)', async () => {
    const res = await post('upscale', { request: { video_url: 'https://cdn.example.com/v.mp4' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ credits: 0, unpriced: expect.stringMatching(/length is not known/) });
  });

  it('an AD film and a batch: total, by model, unpriced lines (an invalid line is one)', async () => {
    const film = await post('ad-film', {
      request: { images: ['https://cdn.example.com/a.png'], prompt: 'x' },
      edits: [{ type: 'bgm', prompt: 'jazz' }],
    });
    expect(film.status).toBe(200);
    expect(film.json.unpriced.map((u: { label: string }) => u.label)).toEqual(['create', 'edit 1 (bgm)', 'compose']);
    const batch = await post('batch', {
      lines: [
        { kind: 'img2video', request: img },
        { kind: 'img2video', request: { ...img, images: ['/etc/passwd'] } },
        { kind: 'reference2image', request: { model: 'viduq2', prompt: 'p', resolution: '4K' } },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.json).toMatchObject({
      credits: 90,
      byModel: { viduq1: 80, viduq2: 10 },
      unpriced: [{ label: 'line 2', reason: expect.stringMatching(/invalid line/) }],
    });
    expect(JSON.stringify(batch.json)).not.toMatch(/passwd/);
  });

  it('a music video: create, each footage edit, compose; lip sync priced on the longest song (180 s)', async () => {
    const request = {
      images: ['https://cdn.example.com/singer.png'],
      audio_url: 'https://cdn.example.com/song.mp3',
      prompt: 'a singer on a rooftop',
    };
    const edits = [{ type: 'video', storyboard: 0, prompt: 'closer' }];
    const plain = await post('music-video', { request, edits });
    expect(plain.status).toBe(200);
    expect(plain.json.lines.map((l: { label: string }) => l.label)).toEqual(['create', 'edit 1 (video)', 'compose']);
    expect(plain.json).toMatchObject({ credits: 100 + 20 + 40, unpriced: [] });
    // The same figures as the function behind `vidu-flow estimate music-video`, without a song read.
    expect(plain.json).toEqual(JSON.parse(JSON.stringify(estimateMusicVideo({ request, edits }, operator))));
    const synced = await post('music-video', { request: { ...request, lip_sync: true }, edits });
    expect(synced.json.credits - plain.json.credits).toBe(4 * 180);
    // An edit the music video does not take, named by its field; nothing else is estimated.
    const bad = await post('music-video', { request, edits: [{ type: 'bgm', prompt: 'jazz' }] });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { field: string }) => e.field)).toContain('edits[0].type');
  });

  it('takes a batch of many lines (the batch body limit, not the JSON one)', async () => {
    const lines = Array.from({ length: 3000 }, () => ({ kind: 'img2video', request: img }));
    expect(JSON.stringify({ lines }).length).toBeGreaterThan(256 * 1024);
    const res = await post('batch', { lines });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ credits: 3000 * 80, byModel: { viduq1: 3000 * 80 }, unpriced: [] });
  });

  it('refuses an invalid request (422 naming the field), an unknown kind (404), a missing scope (403)', async () => {
    const bad = await post('img2video', { request: { ...img, duration: 'long' } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0].field).toBe('request.duration');
    expect((await post('img2vid', { request: img })).status).toBe(404);
    expect((await post('img2video', { request: img, notify: { url: 'https://x' } })).status).toBe(422);
    expect((await post('img2video', { request: img }, starter.key)).status).toBe(403);
  });
});
