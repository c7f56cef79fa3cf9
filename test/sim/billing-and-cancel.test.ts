import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreditsResponse, ViduErrorBody } from '../../vidu/schemas';
import type { RunningSim } from '../../sim';
import { admin, api, createTask, img2video, pngUri, startReceiver, startTestSim, waitFor } from './helpers';

let sim: RunningSim;
beforeEach(async () => {
  sim = await startTestSim();
});
afterEach(() => sim.close());

const balance = async () => (await admin.get(sim, 'stats')).body.creditsBalance as number;
const generation = async (id: string) => (await api.get(sim, `tasks/${id}/creations`)).body;

describe('client_request_id', () => {
  it('the same key gives the same task and the same response, charged once', async () => {
    const a = await api.post(sim, 'img2video', img2video({ client_request_id: 'wf-1' }));
    const b = await api.post(sim, 'img2video', img2video({ client_request_id: 'wf-1' }));
    expect(b.body).toEqual(a.body);
    expect(a.body.client_request_id).toBe('wf-1');
    const stats = (await admin.get(sim, 'stats')).body;
    expect(stats.submissionsByClientRequestId).toEqual({ 'wf-1': 2 });
    expect(stats.creditsSpent).toBe(80);
    expect(stats.tasksByState.created).toBe(1);
    // Even a different body with the same key finds the original task.
    const c = await api.post(sim, 'img2video', img2video({ client_request_id: 'wf-1', prompt: 'changed' }));
    expect(c.body.task_id).toBe(a.body.task_id);
    const d = await api.post(sim, 'img2video', img2video({ client_request_id: 'wf-2' }));
    expect(d.body.task_id).not.toBe(a.body.task_id);
  });

  it('concurrent requests with one key create one task', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api.post(sim, 'img2video', img2video({ client_request_id: 'race' }))),
    );
    expect(new Set(answers.map((a) => a.body.task_id)).size).toBe(1);
    expect((await admin.get(sim, 'stats')).body.creditsSpent).toBe(80);
  });
});

describe('cancel', () => {
  it('cancels a queueing task: 200 {}, failed UserCancelled, refund, callback', async () => {
    const r = await startReceiver();
    try {
      // Fill the 5 slots so the sixth waits in queueing.
      for (let i = 0; i < 5; i++) await createTask(sim);
      const t = await createTask(sim, { callback_url: `${r.url}/cb` });
      await admin.advance(sim, 1);
      expect((await generation(t.task_id)).state).toBe('queueing');
      const before = await balance();
      const res = await api.post(sim, `tasks/${t.task_id}/cancel`, { id: t.task_id });
      expect(res).toMatchObject({ status: 200, body: {} });
      expect(await generation(t.task_id)).toMatchObject({ state: 'failed', err_code: 'UserCancelled', credits: 0 });
      expect(await balance()).toBe(before + 80);
      expect((await admin.get(sim, 'stats')).body.creditsRefunded).toBe(80);
      await waitFor('failed callback', async () => r.received.find((c) => c.body.state === 'failed'));
      expect(r.received.map((c) => c.body.state)).toEqual(['queueing', 'failed']);
      expect(r.received[1]!.body).toMatchObject({ err_code: 'UserCancelled', credits: 0 });
    } finally {
      await r.close();
    }
  });

  it('cancels a created task, and a bare POST without a body works', async () => {
    const t = await createTask(sim);
    const res = await fetch(`${sim.url}/ent/v2/tasks/${t.task_id}/cancel`, {
      method: 'POST',
      headers: { Authorization: 'Token test-key' },
    });
    expect(res.status).toBe(200);
    expect((await generation(t.task_id)).err_code).toBe('UserCancelled');
  });

  it('refuses a scheduled off-peak task with the documented message', async () => {
    await admin.post(sim, 'faults', { endpoints: { img2video: { offPeakDelaySeconds: 10 } } });
    for (let i = 0; i < 5; i++) await createTask(sim);
    const t = await createTask(sim, { off_peak: true });
    await admin.advance(sim, 11);
    expect((await generation(t.task_id)).state).toBe('scheduled');
    const res = await api.post(sim, `tasks/${t.task_id}/cancel`);
    expect(res.status).toBe(400);
    expect(ViduErrorBody.parse(res.body)).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'task state is scheduled, can not cancel',
    });
  });

  it('refuses processing and finished tasks, naming the state; unknown ids → 404', async () => {
    const t = await createTask(sim);
    await admin.advance(sim, 2);
    let res = await api.post(sim, `tasks/${t.task_id}/cancel`);
    expect(res.body).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'task state is processing, can not cancel',
    });
    await admin.advance(sim, 30);
    res = await api.post(sim, `tasks/${t.task_id}/cancel`);
    expect(res.body.message).toBe('task state is success, can not cancel');
    res = await api.post(sim, 'tasks/123456789012345678/cancel');
    expect(res.status).toBe(404);
    expect(res.body.reason).toBe('TaskNotFound');
    expect((await api.get(sim, 'tasks/123456789012345678/creations')).body).toMatchObject({
      code: 404,
      reason: 'TaskNotFound',
    });
  });
});

describe('off-peak', () => {
  it('costs half, waits for its window, is scheduled, then runs', async () => {
    const t = await createTask(sim, { off_peak: true });
    expect(t).toMatchObject({ off_peak: true, credits: 40 });
    await admin.advance(sim, 3600);
    expect((await generation(t.task_id)).state).toBe('queueing');
    await admin.advance(sim, 5 * 3600);
    const record = (await admin.get(sim, `tasks/${t.task_id}`)).body;
    expect(record.history.map((h: { state: string }) => h.state)).toEqual([
      'created',
      'queueing',
      'scheduled',
      'processing',
    ]);
    await admin.advance(sim, 30);
    expect(await generation(t.task_id)).toMatchObject({ state: 'success', off_peak: true, credits: 40 });
  });

  it('a task that misses its 48 h window fails OffPeakTimeout and is refunded', async () => {
    // The delay fault pushes the window past the 48 h deadline.
    await admin.post(sim, 'faults', { endpoints: { img2video: { offPeakDelaySeconds: 50 * 3600 } } });
    const start = await balance();
    const t = await createTask(sim, { off_peak: true });
    expect(await balance()).toBe(start - 40);
    // Cancellable while it waits (not this one: it must expire).
    await admin.advance(sim, 48 * 3600 - 1);
    expect((await generation(t.task_id)).state).toBe('queueing');
    await admin.advance(sim, 2);
    expect(await generation(t.task_id)).toMatchObject({ state: 'failed', err_code: 'OffPeakTimeout', credits: 0 });
    expect(await balance()).toBe(start);
    expect((await admin.get(sim, 'stats')).body.creditsRefunded).toBe(40);
  });
});

describe('credits', () => {
  it('GET /credits shows the metered balance; show_detail adds the package', async () => {
    const plain = CreditsResponse.parse((await api.get(sim, 'credits')).body);
    expect(plain.remains).toEqual([
      { type: 'metered', credit_remain: 100000, concurrency_limit: 5, current_concurrency: 0, queue_count: 0 },
    ]);
    expect(plain.packages).toEqual([]);
    await createTask(sim, { is_rec: true });
    const detail = CreditsResponse.parse((await api.get(sim, 'credits?show_detail=true')).body);
    expect(detail.remains[0]).toMatchObject({ credit_remain: 100000 - 90, queue_count: 1 });
    expect(detail.packages[0]).toMatchObject({ type: 'metered', credit_amount: 100000, credit_remain: 99910 });
  });

  it('prices by model, duration and resolution (+10 for is_rec)', async () => {
    const q2 = await createTask(sim, { model: 'viduq2', duration: 8, resolution: '540p' });
    // viduq2 img2video is priced as viduq2-pro (docs/vidu-pricing.md): 540p, 8 s = 10 + 5·(8 − 2).
    expect(q2.credits).toBe(40);
    const ref = await api.post(sim, 'reference2video', { model: 'viduq2-pro', images: [pngUri()], prompt: 'p' });
    expect(ref.body).toMatchObject({
      type: 'reference2video',
      credits: 55,
      duration: 5,
      resolution: '720p',
      aspect_ratio: '16:9',
    });
  });

  it('refuses a task the balance cannot cover with CreditInsufficient', async () => {
    await admin.post(sim, 'credits', { balance: 79 });
    const res = await api.post(sim, 'img2video', img2video());
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('CreditInsufficient');
    expect((await admin.get(sim, 'stats')).body.tasksByState.created).toBe(0);
    await admin.post(sim, 'credits', { balance: 80 });
    expect((await api.post(sim, 'img2video', img2video())).status).toBe(200);
    expect(await balance()).toBe(0);
  });

  it('refunds every failed task, content failures included (docs/vidu-pricing.md)', async () => {
    await admin.post(sim, 'faults', {
      endpoints: { img2video: { taskFailure: { errCode: ['InternalServiceFailure'], count: 1 } } },
    });
    const sys = await createTask(sim);
    await admin.post(sim, 'faults', {
      endpoints: { img2video: { taskFailure: { errCode: 'CreationPolicyViolation' } } },
    });
    const content = await createTask(sim);
    await admin.advance(sim, 31);
    expect(await generation(sys.task_id)).toMatchObject({
      state: 'failed',
      err_code: 'InternalServiceFailure',
      credits: 0,
    });
    expect(await generation(content.task_id)).toMatchObject({
      state: 'failed',
      err_code: 'CreationPolicyViolation',
      credits: 0,
    });
    expect(await balance()).toBe(100000);
    expect((await admin.get(sim, 'stats')).body.creditsRefunded).toBe(160);
  });
});
