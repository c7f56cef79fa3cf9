// The simulator's subject library (sim/routes/subjects.ts) driven through the real ViduClient
// methods (vidu/client.ts): create is synchronous and charges 5 credits, the documented limits are
// refused, list pages and gets by subject_ids, edit replaces, no delete and no get by id exist, and
// reference2video refuses a server_id the library does not hold.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim';
import { ViduApiError } from '../../vidu/errors';
import { ViduClient } from '../../vidu/client';
import { API_KEY, api, call, pngUri, startTestSim } from './helpers';

let sim: RunningSim;
let vidu: ViduClient;

beforeAll(async () => {
  sim = await startTestSim();
  vidu = new ViduClient({ baseUrl: sim.url, apiKey: API_KEY, getRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const refused = async (p: Promise<unknown>): Promise<ViduApiError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ViduApiError);
  return err as ViduApiError;
};

describe('subjects in the simulator', () => {
  it('creates synchronously, charges 5 credits, and answers the subject with its server id', async () => {
    const before = sim.context.ledger.balance;
    const s = await vidu.createSubject({ name: 'hero', images: [pngUri()] });
    expect(s.id).toMatch(/^\d+$/);
    expect(s).toMatchObject({ name: 'hero', credits: 5, videos: [] });
    expect(s.images).toHaveLength(1);
    expect(before - sim.context.ledger.balance).toBe(5);
    console.log(`[subjects] create charged ${before - sim.context.ledger.balance} credits`);
  });

  it('refuses what the documentation refuses, charging nothing', async () => {
    const before = sim.context.ledger.balance;
    const cases: Array<[unknown, RegExp]> = [
      [{ images: [pngUri()] }, /name/],
      [{ name: 'x' }, /images is required/],
      [{ name: 'x', images: [pngUri(), pngUri(), pngUri(), pngUri()] }, /images must contain 1–3 images \(got 4\)/],
      [{ name: 'x', images: [pngUri()], videos: ['https://example.com/a.mp4', 'https://example.com/b.mp4'] }, /videos/],
      [{ name: 'x', images: [pngUri()], style: 'noir' }, /unknown field "style"/],
      [{ name: 'x', images: [pngUri(100, 1000)] }, /aspect|ratio/i],
    ];
    for (const [body, message] of cases) {
      const res = await api.post(sim, 'subjects', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    expect(sim.context.ledger.balance).toBe(before);
  });

  it('lists page by page and gets by subject_ids', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await vidu.createSubject({ name, images: [pngUri()] })).id);
    const first = await vidu.listSubjects({ count: 2 });
    expect(first.subjects.map((s) => s.id)).toEqual(ids.slice(0, 2));
    expect(first.next_page_token).not.toBe('');
    const second = await vidu.listSubjects({ count: 2, next_page_token: first.next_page_token });
    expect(second.subjects.map((s) => s.id)).toEqual([ids[2]]);
    expect(second.next_page_token).toBe('');
    const got = await vidu.listSubjects({ subject_ids: [ids[1]!, ids[2]!] });
    expect(got.subjects.map((s) => s.name)).toEqual(['b', 'c']);
    expect((await vidu.listSubjects({ subject_ids: ['1'] })).subjects).toEqual([]);
    expect((await vidu.listSubjects({ ownership: 'system' })).subjects).toEqual([]);
  });

  it('edits for free, replaces images, refuses videos on an image subject and a mismatched id', async () => {
    const s = await vidu.createSubject({ name: 'hero', images: [pngUri()] });
    const before = sim.context.ledger.balance;
    const edited = await vidu.updateSubject({ id: s.id, name: 'villain', style: 'noir', images: [pngUri(), pngUri()] });
    expect(edited).toMatchObject({ id: s.id, name: 'villain', style: 'noir' });
    const [now] = (await vidu.listSubjects({ subject_ids: [s.id] })).subjects;
    expect(now?.images).toHaveLength(2);
    expect(sim.context.ledger.balance).toBe(before);
    expect(
      (await refused(vidu.updateSubject({ id: s.id, videos: ['https://example.com/v.mp4'] }))).viduMessage,
    ).toMatch(/created without a video/);
    expect((await refused(vidu.updateSubject({ id: '42', name: 'x' }))).status).toBe(404);
    const mismatched = await call(sim, 'PUT', `/ent/v2/subjects/${s.id}`, { id: '42', name: 'x' });
    expect(mismatched.status).toBe(400);
  });

  it('has no delete and no get by id (undocumented)', async () => {
    const s = await vidu.createSubject({ name: 'hero', images: [pngUri()] });
    expect((await call(sim, 'DELETE', `/ent/v2/subjects/${s.id}`)).status).toBe(404);
    expect((await call(sim, 'GET', `/ent/v2/subjects/${s.id}`)).status).toBe(404);
  });

  it('reference2video takes a stored subject by server_id and refuses an unknown one', async () => {
    const s = await vidu.createSubject({ name: 'hero', images: [pngUri()] });
    const body = (serverId: string) => ({
      model: 'viduq2',
      subjects: [{ name: '1', server_id: serverId }],
      prompt: '[@1] walks in the rain',
      duration: 5,
    });
    const ok = await api.post(sim, 'reference2video', body(s.id));
    expect(ok.status).toBe(200);
    expect(ok.body.task_id).toBeTruthy();
    const unknown = await api.post(sim, 'reference2video', body('123'));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ reason: 'FieldInvalid' });
    expect(unknown.body.message).toMatch(/subjects\[0\]\.server_id/);
    const wrongModel = await api.post(sim, 'reference2video', { ...body(s.id), model: 'viduq2-pro' });
    expect(wrongModel.status).toBe(400);
    expect(wrongModel.body.message).toMatch(/subjects\[0\]\.server_id: a stored subject is accepted with viduq2/);
  });
});
