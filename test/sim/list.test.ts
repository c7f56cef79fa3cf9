import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskListResponse } from '../../vidu/schemas';
import type { RunningSim } from '../../sim';
import { admin, api, createTask, pngUri, startTestSim } from './helpers';

let sim: RunningSim;
const ids: Record<string, string> = {};
let createdAt = '';

beforeAll(async () => {
  // A crawling clock gives created_at a sub-millisecond fraction, as real time does.
  sim = await startTestSim({ timeScale: 0.001 });
  // An old task, outside the default 7-day window once the clock moves on.
  ids.old = (await createTask(sim, { client_request_id: 'old' })).task_id;
  await admin.advance(sim, 8 * 24 * 3600);
  ids.q1 = (await createTask(sim)).task_id;
  createdAt = (await admin.get(sim, `tasks/${ids.q1}`)).body.createdAtText;
  await admin.advance(sim, 60);
  ids.q2 = (await createTask(sim, { model: 'viduq2', resolution: '540p' })).task_id;
  ids.ref = (
    await api.post(sim, 'reference2video', {
      model: 'viduq2-pro',
      images: [pngUri()],
      prompt: 'p',
      client_request_id: 'wf-ref',
    })
  ).body.task_id;
  ids.image = (await api.post(sim, 'reference2image', { model: 'viduq2', prompt: 'poster' })).body.task_id;
});
afterAll(() => sim.close());

const list = async (query: string) => {
  const res = await api.get(sim, `tasks${query ? `?${query}` : ''}`);
  expect(res.status).toBe(200);
  return TaskListResponse.parse(res.body);
};

describe('GET /ent/v2/tasks', () => {
  it('lists the last 7 days, newest first, with state, credits and client_request_id', async () => {
    const r = await list('');
    expect(r.tasks.map((t) => t.id)).toEqual([ids.image, ids.ref, ids.q2, ids.q1]);
    expect(r.next_page_token).toBe('');
    const ref = r.tasks.find((t) => t.id === ids.ref)!;
    expect(ref).toMatchObject({
      type: 'reference2video',
      model: 'viduq2-pro',
      state: 'created',
      credits: 55,
      client_request_id: 'wf-ref',
      resolution: '720p',
    });
    expect(ref.key_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('filters by states, task_ids, model_versions and resolutions (arrays as repeated keys)', async () => {
    expect((await list(`task_ids=${ids.q1}&task_ids=${ids.ref}`)).tasks.map((t) => t.id)).toEqual([ids.ref, ids.q1]);
    expect((await list('model_versions=q1')).tasks.map((t) => t.id)).toEqual([ids.q1]);
    expect((await list('model_versions=q2-pro&model_versions=q2')).tasks.map((t) => t.id)).toEqual([
      ids.image,
      ids.ref,
      ids.q2,
    ]);
    expect((await list('resolutions=540p')).tasks.map((t) => t.id)).toEqual([ids.q2]);
    await admin.advance(sim, 31);
    expect((await list('states=success')).tasks).toHaveLength(4);
    expect((await list('states=queueing&states=processing')).tasks).toHaveLength(0);
    const done = (await list(`task_ids=${ids.q1}`)).tasks[0]!;
    expect(done.state).toBe('success');
    expect(done.creations).toHaveLength(1);
  });

  it('filters by created_at.from/to (RFC 3339)', async () => {
    expect((await list('created_at.from=2000-01-01T00:00:00Z')).tasks).toHaveLength(5);
    const to = encodeURIComponent(createdAt);
    expect((await list(`created_at.from=2000-01-01T00:00:00Z&created_at.to=${to}`)).tasks.map((t) => t.id)).toEqual([
      ids.q1,
      ids.old,
    ]);
    expect((await list('created_at.from=2999-01-01T00:00:00%2B08:00')).tasks).toHaveLength(0);
    const bad = await api.get(sim, 'tasks?created_at.from=yesterday');
    expect(bad.body).toMatchObject({ code: 400, reason: 'FieldInvalid' });
    expect(bad.body.message).toContain('created_at.from');
  });

  it('pages with paper.page/paper.pagesz and with pager.page_token', async () => {
    const first = await list('paper.pagesz=2');
    expect(first.tasks.map((t) => t.id)).toEqual([ids.image, ids.ref]);
    expect(first.next_page_token).not.toBe('');
    const second = await list(`paper.pagesz=2&pager.page_token=${first.next_page_token}`);
    expect(second.tasks.map((t) => t.id)).toEqual([ids.q2, ids.q1]);
    expect(second.next_page_token).toBe('');
    expect((await list('paper.pagesz=2&paper.page=1')).tasks.map((t) => t.id)).toEqual([ids.q2, ids.q1]);
    expect((await list('paper.pagesz=2&paper.page=5')).tasks).toEqual([]);
  });

  it('refuses a page size over 100, a foreign page token and unknown parameters', async () => {
    expect((await api.get(sim, 'tasks?paper.pagesz=101')).body).toMatchObject({ code: 400, reason: 'FieldInvalid' });
    expect((await api.get(sim, 'tasks?pager.page_token=garbage')).body).toMatchObject({
      code: 400,
      reason: 'FieldInvalid',
    });
    expect((await api.get(sim, 'tasks?colour=red')).body).toMatchObject({ code: 400, reason: 'FieldUnwanted' });
  });
});
