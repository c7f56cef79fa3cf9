import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSimConfig, SimConfigError, type RunningSim } from '../../sim';
import { admin, api, createTask, img2video, startTestSim } from './helpers';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());
beforeEach(async () => {
  await admin.post(sim, 'reset');
});

const setFaults = async (f: unknown) => {
  const res = await admin.post(sim, 'faults', f);
  expect(res.status).toBe(200);
  return res.body;
};

describe('endpoint faults', () => {
  it('429 with Retry-After, as many times as `count` says, then normal answers', async () => {
    await setFaults({ endpoints: { img2video: { status: 429, count: 2, retryAfterSeconds: 3 } } });
    for (let i = 0; i < 2; i++) {
      const res = await api.post(sim, 'img2video', img2video());
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ code: 429, reason: 'TooManyRequests' });
      expect(res.headers.get('retry-after')).toBe('3');
    }
    expect((await api.post(sim, 'img2video', img2video())).status).toBe(200);
    expect((await admin.get(sim, 'faults')).body.fired).toEqual({ 'img2video.error': 2 });
    // Other endpoints are untouched.
    expect((await api.get(sim, 'credits')).status).toBe(200);
  });

  it('429 QuotaExceeded, 500 InternalServiceFailure and 503 on demand', async () => {
    await setFaults({
      endpoints: {
        credits: { status: 429, reason: 'QuotaExceeded', count: 1 },
        creations: { status: 500 },
        list: { status: 503 },
      },
    });
    expect((await api.get(sim, 'credits')).body).toMatchObject({ code: 429, reason: 'QuotaExceeded' });
    const res = await api.get(sim, 'tasks/1/creations');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 500, reason: 'InternalServiceFailure' });
    expect(res.headers.get('retry-after')).toBeNull();
    expect((await api.get(sim, 'tasks')).status).toBe(503);
  });

  it('a faulted request charges nothing and creates nothing', async () => {
    await setFaults({ endpoints: { img2video: { status: 500 } } });
    await api.post(sim, 'img2video', img2video({ client_request_id: 'k' }));
    const stats = (await admin.get(sim, 'stats')).body;
    expect(stats).toMatchObject({
      creditsSpent: 0,
      submissionsByClientRequestId: { k: 1 },
      requestsByEndpoint: { img2video: 1 },
    });
    expect(stats.tasksByState.created).toBe(0);
  });

  it('dropResponse processes the request, charges it, and cuts the connection without an answer', async () => {
    await setFaults({ endpoints: { img2video: { dropResponse: { count: 1 } } } });
    await expect(
      fetch(`${sim.url}/ent/v2/img2video`, {
        method: 'POST',
        headers: { Authorization: 'Token test-key', 'Content-Type': 'application/json' },
        body: JSON.stringify(img2video({ client_request_id: 'lost' })),
      }),
    ).rejects.toThrow();
    const stats = (await admin.get(sim, 'stats')).body;
    expect(stats.creditsSpent).toBe(80);
    expect(stats.tasksByState.created).toBe(1);
    const log = (await admin.get(sim, 'requests?endpoint=img2video')).body;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 0, clientRequestId: 'lost', method: 'POST', path: '/ent/v2/img2video' });
    expect(log[0].taskId).toMatch(/^\d{18}$/);
    // The caller's retry finds the task the lost answer described.
    const retry = await api.post(sim, 'img2video', img2video({ client_request_id: 'lost' }));
    expect(retry.status).toBe(200);
    expect(retry.body.task_id).toBe(log[0].taskId);
    expect((await admin.get(sim, 'stats')).body.creditsSpent).toBe(80);
  });

  it('latency slows answers down', async () => {
    await setFaults({ endpoints: { credits: { latencyMs: [120, 150] } } });
    const t = Date.now();
    expect((await api.get(sim, 'credits')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(115);
  });

  it('taskFailure makes tasks end failed with the given err_code; "*" covers every endpoint', async () => {
    await setFaults({ '*': { taskFailure: { rate: 1, errCode: 'AuditSubmitIllegal', count: 1 } } });
    const a = await createTask(sim);
    const b = await createTask(sim);
    await admin.advance(sim, 31);
    expect((await api.get(sim, `tasks/${a.task_id}/creations`)).body).toMatchObject({
      state: 'failed',
      err_code: 'AuditSubmitIllegal',
      creations: [],
    });
    expect((await api.get(sim, `tasks/${b.task_id}/creations`)).body.state).toBe('success');
  });

  it('refuses a bad fault configuration with every problem listed', async () => {
    const res = await admin.post(sim, 'faults', { endpoints: { img2video: { status: 404, rate: 2 }, nope: {} } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/img2video\.status/);
    expect(res.body.message).toMatch(/img2video\.rate/);
    expect(res.body.message).toMatch(/nope/);
  });

  it('reset clears faults, tasks, counters, the clock and the balance', async () => {
    await setFaults({ endpoints: { credits: { status: 500 } } });
    await createTask(sim);
    await admin.advance(sim, 100);
    await admin.post(sim, 'reset');
    expect((await api.get(sim, 'credits')).status).toBe(200);
    const stats = (await admin.get(sim, 'stats')).body;
    expect(stats).toMatchObject({
      creditsBalance: 100000,
      creditsSpent: 0,
      maxRunningAtOnce: 0,
      requestsByEndpoint: { credits: 1 },
    });
    expect((await admin.get(sim, 'clock')).body.advancedSeconds).toBe(0);
    expect((await admin.get(sim, 'requests')).body).toHaveLength(1);
  });
});

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const c = loadSimConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8790,
      apiKey: 'sim-key',
      timeScale: 1,
      queueSeconds: 1,
      processingSeconds: 30,
      adFilmSeconds: 60,
      editSeconds: 20,
      composeSeconds: 20,
      maxConcurrency: 5,
      offPeakDelaySeconds: 6 * 3600,
      offPeakWindowSeconds: 48 * 3600,
      credits: 100000,
      urlTtlSeconds: 3600,
      callbackRetryMs: 1000,
      callbackRetries: 3,
    });
  });

  it('reads knobs and fault JSON, and names every bad value', () => {
    const c = loadSimConfig({
      VIDU_SIM_PORT: '8799',
      VIDU_SIM_TIME_SCALE: '3600',
      VIDU_SIM_SEED: '',
      VIDU_SIM_CALLBACK_DROP_RATE: '0.25',
      VIDU_SIM_CALLBACK_DELAY_MS: '10,20',
      VIDU_SIM_FAULTS: '{"img2video":{"status":500,"rate":0.1}}',
    });
    expect(c).toMatchObject({ port: 8799, timeScale: 3600, seed: undefined });
    expect(c.faults).toEqual({
      endpoints: { img2video: { status: 500, rate: 0.1 } },
      callbacks: { dropRate: 0.25, duplicateRate: 0, delayRate: 0, delayMs: [10, 20], reorderRate: 0 },
    });

    let err: unknown;
    try {
      loadSimConfig({ VIDU_SIM_PORT: 'eighty', VIDU_SIM_MAX_CONCURRENCY: '0', VIDU_SIM_CALLBACK_DROP_RATE: '2' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SimConfigError);
    const problems = (err as SimConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/VIDU_SIM_PORT="eighty"/);
    expect(problems.join('\n')).toMatch(/VIDU_SIM_MAX_CONCURRENCY="0"/);
    expect(problems.join('\n')).toMatch(/VIDU_SIM_CALLBACK_DROP_RATE="2"/);
    expect(() => loadSimConfig({ VIDU_SIM_FAULTS: '{"img2video":{"status":418}}' })).toThrow(
      /VIDU_SIM_FAULTS: .*img2video\.status/,
    );
    expect(() => loadSimConfig({ VIDU_SIM_FAULTS: '{oops' })).toThrow(/VIDU_SIM_FAULTS: not valid JSON/);
  });
});
