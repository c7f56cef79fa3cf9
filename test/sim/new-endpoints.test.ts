// The simulator answers every endpoint of the registry: the ones added from docs/vidu-api-more-endpoints.md
// are validated with their registry schema, priced, run and served (audio as WAV, no cover).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim';
import { ENDPOINTS } from '../../vidu/endpoints';
import { renderWav } from '../../sim/media/wav';
import { makeMp4, makePng, toDataUri } from '../helpers/media-fixtures';
import { admin, api, call, pngUri, startTestSim, waitFor } from './helpers';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

const mp4Uri = (seconds: number, w = 320, h = 180) =>
  toDataUri(makeMp4({ durationSeconds: seconds, width: w, height: h }), 'video/mp4');
const post = (kind: keyof typeof ENDPOINTS, body: unknown) => call(sim, 'POST', ENDPOINTS[kind].path, body);

async function finished(taskId: string): Promise<any> {
  return waitFor(`task ${taskId}`, async () => {
    await admin.advance(sim, 120);
    const g = (await api.get(sim, `tasks/${taskId}/creations`)).body;
    return g.state === 'success' || g.state === 'failed' ? g : undefined;
  });
}

const REQUESTS: Record<string, () => Record<string, unknown>> = {
  text2video: () => ({ model: 'viduq2', prompt: 'a lighthouse', duration: 4, aspect_ratio: '9:16' }),
  startEnd2video: () => ({
    model: 'viduq2-turbo',
    images: [pngUri(320, 180, 'a'), pngUri(640, 360, 'b')],
    duration: 3,
  }),
  multiframe: () => ({
    model: 'viduq2-pro',
    start_image: pngUri(),
    image_settings: [{ key_image: pngUri(320, 180, 'k1'), duration: 3 }, { key_image: pngUri(320, 180, 'k2') }],
  }),
  upscale: () => ({ video_url: mp4Uri(2), upscale_resolution: '2K' }),
  text2audio: () => ({ model: 'audio1.0', prompt: 'rain', duration: 3 }),
  audioTts: () => ({ text: 'Hello from the simulator, this is a test.', voice_setting_voice_id: 'v1' }),
  template: () => ({ template: 'hugging', images: [pngUri(320, 320)] }),
  extend: () => ({ model: 'viduq2-turbo', video_url: mp4Uri(4), duration: 2 }),
  lipSync: () => ({ video_url: mp4Uri(2, 640, 360), audio_url: toDataUri(renderWav('voice', 2), 'audio/wav') }),
};

describe('new endpoints in the simulator', () => {
  it.each(Object.keys(REQUESTS))('%s: creates, prices, runs and serves its result', async (kind) => {
    const res = await post(kind as keyof typeof ENDPOINTS, REQUESTS[kind]!());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.type).toBe(ENDPOINTS[kind as keyof typeof ENDPOINTS].result.taskType);
    expect(res.body.credits).toBeGreaterThan(0);
    const done = await finished(res.body.task_id);
    expect(done.state).toBe('success');
    const [creation] = done.creations;
    const file = await fetch(creation.url);
    const audio = ENDPOINTS[kind as keyof typeof ENDPOINTS].result.media === 'audio';
    expect(file.headers.get('content-type')).toBe(audio ? 'audio/wav' : 'video/mp4');
    expect(creation.cover_url === '').toBe(audio);
    console.log(`[sim] ${kind}: ${res.body.credits} credits, ${(await file.arrayBuffer()).byteLength} bytes`);
  });

  it('multiframe lasts the sum of its segments; extend adds its duration to the source creation', async () => {
    const mf = await post('multiframe', REQUESTS.multiframe!());
    const mfTask = (await admin.get(sim, `tasks/${mf.body.task_id}`)).body;
    expect(mfTask.durationSeconds).toBe(3 + 5);

    const src = await post('text2video', { model: 'viduq2', prompt: 'source', duration: 6 });
    const done = await finished(src.body.task_id);
    const ext = await post('extend', { model: 'viduq2-pro', video_creation_id: done.creations[0].id, duration: 3 });
    expect(ext.status).toBe(200);
    expect((await admin.get(sim, `tasks/${ext.body.task_id}`)).body.durationSeconds).toBe(9);
    const up = await post('upscale', { video_creation_id: done.creations[0].id, upscale_resolution: '4K' });
    expect(up.status).toBe(200);
    expect((await admin.get(sim, `tasks/${up.body.task_id}`)).body.durationSeconds).toBe(6);
  });

  it('answers the older template path (/ent/v2/template2video, used by the official MCP) too', async () => {
    const res = await call(sim, 'POST', '/ent/v2/template2video', REQUESTS.template!());
    expect(res.status).toBe(200);
    expect(res.body.template).toBe('hugging');
  });

  it('refuses bad input the way Vidu does', async () => {
    const cases: Array<[keyof typeof ENDPOINTS, Record<string, unknown>, number, string, RegExp]> = [
      ['text2video', { model: 'viduq2' }, 400, 'FieldLacking', /prompt is required/],
      ['startEnd2video', { model: 'viduq1', images: [pngUri()] }, 400, 'FieldItemCountOutOfRange', /exactly 2 images/],
      // Frames of very different shapes (docs/vidu-api-more-endpoints.md §2: ratios within 0.8–1.25).
      [
        'startEnd2video',
        { model: 'viduq1', images: [pngUri(320, 180), pngUri(180, 320)] },
        400,
        'PageSizeOutOfRange',
        /close aspect ratios/,
      ],
      [
        'multiframe',
        { model: 'viduq2-pro', start_image: pngUri(), image_settings: [{ key_image: pngUri() }] },
        400,
        'FieldItemCountOutOfRange',
        /2–9 key frames/,
      ],
      [
        'upscale',
        { video_creation_id: '424242', upscale_resolution: '2K' },
        404,
        'CreationNotFound',
        /no video creation 424242/,
      ],
      [
        'upscale',
        { video_url: toDataUri(makePng(64, 64), 'image/png') },
        400,
        'ImageFormatInvalid',
        /png image is not accepted/,
      ],
      ['text2audio', { model: 'audio1.0', prompt: 'p', duration: 12 }, 400, 'FieldInvalid', /between 2 and 10/],
      ['audioTts', { text: 'hi' }, 400, 'FieldLacking', /voice_setting_voice_id is required/],
      ['template', { template: 'hugging', images: [pngUri(100, 100)] }, 400, 'PageSizeOutOfRange', /at least 128×128/],
      ['extend', { model: 'viduq2-pro', video_url: mp4Uri(2) }, 400, 'PageSizeOutOfRange', /accepts 4–60 s/],
      [
        'lipSync',
        { video_url: mp4Uri(2, 320, 180), text: 'hello there' },
        400,
        'PageSizeOutOfRange',
        /between 360 and 4096 px/,
      ],
      [
        'lipSync',
        { video_url: mp4Uri(2, 640, 360), audio_url: toDataUri(renderWav('v', 0.5), 'audio/wav') },
        400,
        'PageSizeOutOfRange',
        /audio lasts 0.5 s/,
      ],
      ['lipSync', { video_url: mp4Uri(2, 640, 360) }, 400, 'FieldLacking', /audio_url is required unless text/],
    ];
    for (const [kind, body, status, reason, message] of cases) {
      const res = await post(kind, body);
      expect({ kind, status: res.status, reason: res.body.reason }).toEqual({ kind, status, reason });
      expect(res.body.message).toMatch(message);
    }
  });
});
