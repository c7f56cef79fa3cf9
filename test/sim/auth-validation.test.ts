import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskCreatedResponse, ViduErrorBody } from '../../vidu/schemas';
import type { RunningSim } from '../../sim';
import { makeGif, makeMp4, makePng, toDataUri } from '../helpers/media-fixtures';
import { api, call, img2video, pngUri, startTestSim } from './helpers';

let sim: RunningSim;
let files: Server;
let filesUrl: string;

beforeAll(async () => {
  sim = await startTestSim();
  // Inputs given as URLs are downloaded by the sim, like Vidu does.
  const png = makePng(400, 300, 'url-input');
  files = createServer((req, res) => {
    if (req.url?.split('?')[0] === '/ok.png') {
      res.setHeader('Content-Type', 'image/png');
      res.end(png);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => files.close(r));
});

function expectViduError(res: { status: number; body: unknown }, status: number, reason: string): string {
  expect(res.status).toBe(status);
  const body = ViduErrorBody.parse(res.body);
  expect(body).toMatchObject({ code: status, reason });
  expect(body.metadata?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  return body.message;
}

describe('authentication', () => {
  it.each([
    ['missing', {}],
    ['Bearer', { Authorization: 'Bearer test-key' }],
    ['wrong key', { Authorization: 'Token nope' }],
    ['no key', { Authorization: 'Token' }],
  ])('refuses %s with 401 Unauthorized in Vidu’s error shape', async (_name, headers) => {
    const res = await call(sim, 'POST', '/ent/v2/img2video', img2video(), headers);
    expectViduError(res, 401, 'Unauthorized');
    expect(Object.keys(res.body as object).sort()).toEqual(['code', 'message', 'metadata', 'reason']);
  });

  it('gives every error a fresh trace id, and counts refused requests', async () => {
    const a = await call(sim, 'GET', '/ent/v2/credits', undefined, {});
    const b = await call(sim, 'GET', '/ent/v2/credits', undefined, {});
    expect(a.body.metadata.trace_id).not.toBe(b.body.metadata.trace_id);
    const stats = await call(sim, 'GET', '/_sim/stats', undefined, {});
    expect(stats.body.requestsByEndpoint.credits).toBeGreaterThanOrEqual(2);
  });

  it('accepts the documented Token scheme', async () => {
    const res = await api.post(sim, 'img2video', img2video());
    expect(res.status).toBe(200);
    const task = TaskCreatedResponse.parse(res.body);
    expect(task).toMatchObject({
      type: 'img2video',
      state: 'created',
      credits: 80,
      wm_position: 'unspecified',
      client_request_id: '',
    });
    expect(task.task_id).toMatch(/^\d{18}$/);
    expect(task.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });
});

describe('validation', () => {
  it('missing required field → FieldLacking naming it', async () => {
    const { model: _omit, ...rest } = img2video();
    const message = expectViduError(await api.post(sim, 'img2video', rest), 400, 'FieldLacking');
    expect(message).toMatch(/^model: /);
  });

  it('empty required prompt → FieldLacking', async () => {
    const message = expectViduError(
      await api.post(sim, 'reference2video', { model: 'viduq1', images: [pngUri()], prompt: '' }),
      400,
      'FieldLacking',
    );
    expect(message).toContain('prompt');
  });

  it('unknown field → FieldUnwanted naming it', async () => {
    const message = expectViduError(
      await api.post(sim, 'img2video', img2video({ colour: 'red' })),
      400,
      'FieldUnwanted',
    );
    expect(message).toContain('colour');
  });

  it('array count out of range → FieldItemCountOutOfRange', async () => {
    const message = expectViduError(
      await api.post(sim, 'img2video', img2video({ images: [pngUri(), pngUri()] })),
      400,
      'FieldItemCountOutOfRange',
    );
    expect(message).toMatch(/^images: /);
  });

  it('bad value → FieldInvalid naming the field', async () => {
    const message = expectViduError(await api.post(sim, 'img2video', img2video({ duration: 8 })), 400, 'FieldInvalid');
    expect(message).toMatch(/^duration: .*viduq1/);
    const m2 = expectViduError(
      await api.post(sim, 'img2video', img2video({ movement_amplitude: 'standard' })),
      400,
      'FieldInvalid',
    );
    expect(m2).toContain('movement_amplitude');
  });

  it('a data-URI GIF → ImageFormatInvalid', async () => {
    const gif = toDataUri(makeGif(300, 200), 'image/gif');
    const message = expectViduError(
      await api.post(sim, 'img2video', img2video({ images: [gif] })),
      400,
      'ImageFormatInvalid',
    );
    expect(message).toMatch(/images\[0\].*gif/);
  });

  it('undecodable bytes → ImageFormatInvalid', async () => {
    const junk = `data:image/png;base64,${Buffer.from('not an image at all').toString('base64')}`;
    expectViduError(await api.post(sim, 'img2video', img2video({ images: [junk] })), 400, 'ImageFormatInvalid');
  });

  it('ratio, pixel size and duration limits → PageSizeOutOfRange', async () => {
    const thin = pngUri(100, 500);
    expect(
      expectViduError(await api.post(sim, 'img2video', img2video({ images: [thin] })), 400, 'PageSizeOutOfRange'),
    ).toMatch(/images\[0\].*aspect ratio/);
    const tiny = pngUri(100, 100);
    const m = expectViduError(
      await api.post(sim, 'reference2video', { model: 'viduq1', images: [tiny], prompt: 'p' }),
      400,
      'PageSizeOutOfRange',
    );
    expect(m).toMatch(/images\[0\].*128/);
    const long = toDataUri(makeMp4({ durationSeconds: 31, width: 320, height: 480 }), 'video/mp4');
    const m3 = expectViduError(
      await api.post(sim, 'image2dance', { image_url: pngUri(400, 600), video_url: long }),
      400,
      'PageSizeOutOfRange',
    );
    expect(m3).toMatch(/video_url.*30/);
  });

  it('an unreachable URL → ImageDownloadFailure; a reachable one is downloaded and accepted', async () => {
    const m = expectViduError(
      await api.post(sim, 'img2video', img2video({ images: ['http://127.0.0.1:1/none.png'] })),
      400,
      'ImageDownloadFailure',
    );
    expect(m).toMatch(/images\[0\]: could not download/);
    expectViduError(
      await api.post(sim, 'img2video', img2video({ images: [`${filesUrl}/missing.png`] })),
      400,
      'ImageDownloadFailure',
    );
    const ok = await api.post(sim, 'img2video', img2video({ images: [`${filesUrl}/ok.png?sig=secret`] }));
    expect(ok.status).toBe(200);
  });

  it('a body over 20 MB → BadRequest', async () => {
    const big = 'A'.repeat(21 * 1024 * 1024);
    const res = await api.post(sim, 'img2video', img2video({ images: [`data:image/png;base64,${big}`] }));
    expectViduError(res, 400, 'BadRequest');
  });

  it('malformed JSON → BadRequest', async () => {
    expectViduError(
      await call(sim, 'POST', '/ent/v2/img2video', '{"model":', { Authorization: 'Token test-key' }),
      400,
      'BadRequest',
    );
  });

  it('every create endpoint validates with its own schema', async () => {
    expectViduError(
      await api.post(sim, 'reference2image', { model: 'viduq2', prompt: 'p', resolution: '8K' }),
      400,
      'FieldInvalid',
    );
    expectViduError(await api.post(sim, 'image2dance', { image_url: pngUri(400, 600) }), 400, 'FieldLacking');
    expectViduError(await api.post(sim, 'ad-one-click', { images: [], prompt: 'p' }), 400, 'FieldItemCountOutOfRange');
    expectViduError(await api.post(sim, 'ad-one-click', { images: [pngUri()], duration: 5 }), 400, 'FieldInvalid');
  });

  it('unknown routes answer 404 in the same shape', async () => {
    expectViduError(await api.get(sim, 'nope'), 404, 'NotFound');
  });
});
