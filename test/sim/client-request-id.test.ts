// VIDU_SIM_REFUSE_CLIENT_REQUEST_ID: an endpoint that refuses client_request_id the way Vidu refuses
// any field it does not take (docs/vidu-api.md §9), so the worker's fallback can be tested.
import { afterEach, describe, expect, it } from 'vitest';
import { loadSimConfig, SimConfigError, type RunningSim } from '../../sim';
import { admin, api, img2video, pngUri, startTestSim } from './helpers';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const image = { model: 'viduq2', images: [pngUri()], prompt: 'a still life' };

describe('VIDU_SIM_REFUSE_CLIENT_REQUEST_ID', () => {
  it('parses a comma list of endpoints, empty by default', () => {
    expect(loadSimConfig({}).refuseClientRequestId).toEqual([]);
    expect(
      loadSimConfig({ VIDU_SIM_REFUSE_CLIENT_REQUEST_ID: 'reference2image, image2dance' }).refuseClientRequestId,
    ).toEqual(['reference2image', 'image2dance']);
  });

  it('refuses an endpoint that never takes the field, naming the variable', () => {
    let err: unknown;
    try {
      loadSimConfig({ VIDU_SIM_REFUSE_CLIENT_REQUEST_ID: 'reference2image,ad-edit' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SimConfigError);
    expect((err as SimConfigError).problems.join('\n')).toMatch(
      /VIDU_SIM_REFUSE_CLIENT_REQUEST_ID.*must list endpoints among img2video, reference2video/,
    );
  });

  it('answers 400 FieldUnwanted naming client_request_id, worded like any unknown field, and creates nothing', async () => {
    sim = await startTestSim({ refuseClientRequestId: ['reference2image'] });
    const refused = await api.post(sim, 'reference2image', { ...image, client_request_id: 'vf-1' });
    const unknown = await api.post(sim, 'reference2image', { ...image, colour: 'red' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 400, reason: 'FieldUnwanted' });
    expect(refused.body.message).toBe(
      'client_request_id: unknown field "client_request_id" is not accepted by reference2image',
    );
    expect(refused.body.message).toBe(String(unknown.body.message).replaceAll('colour', 'client_request_id'));
    // Even an empty value is refused: the field itself is unwanted.
    expect((await api.post(sim, 'reference2image', { ...image, client_request_id: '' })).body.reason).toBe(
      'FieldUnwanted',
    );
    const stats = (await admin.get(sim, 'stats')).body;
    expect(stats.creditsSpent).toBe(0);
    expect(Object.values(stats.tasksByState as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(0);

    const accepted = await api.post(sim, 'reference2image', image);
    expect(accepted.status).toBe(200);
    // Other endpoints keep taking it.
    const i2v = await api.post(sim, 'img2video', img2video({ client_request_id: 'vf-2' }));
    expect(i2v.status).toBe(200);
    expect(i2v.body.client_request_id).toBe('vf-2');
  });
});
