import { afterEach, describe, expect, it } from 'vitest';
import { CallbackBody } from '../../vidu/schemas';
import { verifyCallbackRequest } from '../../vidu/signature';
import type { RunningSim } from '../../sim';
import { admin, API_KEY, createTask, startReceiver, startTestSim, waitFor, type Receiver } from './helpers';

let sim: RunningSim | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

async function setup(faults?: unknown, retryMs = 20) {
  sim = await startTestSim({ timeScale: 0, callbackRetryMs: retryMs });
  receiver = await startReceiver();
  if (faults) expect((await admin.post(sim, 'faults', faults)).status).toBe(200);
  return { s: sim, r: receiver };
}

describe('callbacks', () => {
  it('POSTs the Get Generation body on every state change, signed over the callback URL’s own path and raw query', async () => {
    const { s, r } = await setup();
    // Unsorted query with an encoded character: signed exactly as written.
    const callbackUrl = `${r.url}/vidu/callback?wf=gen-1&z=1&a=b%20c`;
    const task = await createTask(s, { callback_url: callbackUrl, payload: 'order-7' });
    await admin.advance(s, 1);
    await admin.advance(s, 30);
    await waitFor('3 callbacks', async () => r.received.length >= 3);
    expect(r.received.map((c) => c.body.state)).toEqual(['queueing', 'processing', 'success']);
    for (const c of r.received) {
      expect(c.method).toBe('POST');
      expect(c.url).toBe('/vidu/callback?wf=gen-1&z=1&a=b%20c');
      expect(c.headers['x-hmac-access-key']).toBe('vidu');
      expect(c.headers['x-hmac-signed-headers']).toBe('Date;x-request-nonce');
      expect(
        verifyCallbackRequest({
          secret: API_KEY,
          method: c.method,
          pathWithQuery: c.url,
          headers: c.headers,
          now: new Date(),
        }),
      ).toEqual({
        ok: true,
        nonce: c.headers['x-request-nonce'],
      });
      expect(
        verifyCallbackRequest({
          secret: 'other-key',
          method: c.method,
          pathWithQuery: c.url,
          headers: c.headers,
          now: new Date(),
        }).ok,
      ).toBe(false);
      const body = CallbackBody.parse(c.body);
      expect(body).toMatchObject({ id: task.task_id, payload: 'order-7', err_code: '', credits: 80 });
    }
    const success = r.received[2]!.body;
    expect(success.progress).toBe(100);
    expect(success.creations).toHaveLength(1);
    // The URLs in a callback are live.
    expect((await fetch(success.creations[0].url)).status).toBe(200);
    const stats = (await admin.get(s, 'stats')).body.callbacks;
    expect(stats).toMatchObject({ sent: 3, delivered: 3, failedAttempts: 0, dropped: 0, duplicated: 0 });
  });

  it('retries a failing receiver 3 times with doubling delays', async () => {
    const { s, r } = await setup(undefined, 50);
    r.respond = () => 500;
    await createTask(s, { callback_url: `${r.url}/cb` });
    await admin.advance(s, 31);
    // 3 callbacks × (1 try + 3 retries); retry base 50 ms ⇒ waits of 50, 100 and 200 ms.
    await waitFor('12 attempts', async () => r.received.length >= 12, 5000);
    await new Promise((res) => setTimeout(res, 500));
    expect(r.received).toHaveLength(12);
    const success = r.received.filter((c) => c.body.state === 'success');
    expect(success).toHaveLength(4);
    const gaps = success.slice(1).map((c, i) => c.at - success[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(50 * 2 ** i - 5));
    // Every retry is freshly signed.
    expect(new Set(success.map((c) => c.headers['x-request-nonce'])).size).toBe(4);
    const stats = (await admin.get(s, 'stats')).body.callbacks;
    expect(stats).toMatchObject({ sent: 12, delivered: 0, failedAttempts: 12, gaveUp: 3 });
    const log = (await admin.get(s, 'callbacks')).body as Array<{ state: string; attempt: number; status: number }>;
    expect(log.filter((e) => e.state === 'success').map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('stops retrying once the receiver recovers', async () => {
    const { s, r } = await setup();
    let failures = 2;
    r.respond = (c) => (c.body.state === 'success' && failures-- > 0 ? 503 : 200);
    await createTask(s, { callback_url: `${r.url}/cb` });
    await admin.advance(s, 31);
    await waitFor('delivered', async () => (await admin.get(s, 'stats')).body.callbacks.delivered === 3);
    expect(r.received.filter((c) => c.body.state === 'success')).toHaveLength(3);
    expect((await admin.get(s, 'stats')).body.callbacks).toMatchObject({ failedAttempts: 2, gaveUp: 0 });
  });

  it('treats an unreachable receiver as a failure too', async () => {
    const { s } = await setup();
    await createTask(s, { callback_url: 'http://127.0.0.1:1/cb' });
    await admin.advance(s, 1);
    await waitFor('gave up', async () => (await admin.get(s, 'stats')).body.callbacks.gaveUp === 2);
    expect((await admin.get(s, 'stats')).body.callbacks.failedAttempts).toBe(8);
  });

  it('drop fault: callbacks are never sent', async () => {
    const { s, r } = await setup({ callbacks: { dropRate: 1 } });
    await createTask(s, { callback_url: `${r.url}/cb` });
    await admin.advance(s, 31);
    await new Promise((res) => setTimeout(res, 150));
    expect(r.received).toHaveLength(0);
    expect((await admin.get(s, 'stats')).body.callbacks).toMatchObject({ sent: 0, dropped: 3 });
  });

  it('duplicate fault: each callback arrives twice', async () => {
    const { s, r } = await setup({ callbacks: { duplicateRate: 1 } });
    await createTask(s, { callback_url: `${r.url}/cb` });
    await admin.advance(s, 31);
    await waitFor('6 callbacks', async () => r.received.length >= 6);
    expect(r.received.map((c) => c.body.state)).toEqual([
      'queueing',
      'queueing',
      'processing',
      'processing',
      'success',
      'success',
    ]);
    expect((await admin.get(s, 'stats')).body.callbacks).toMatchObject({ sent: 6, delivered: 6, duplicated: 3 });
  });

  it('reorder fault: a held-back callback arrives after the next one; delay fault adds latency', async () => {
    const { s, r } = await setup({ callbacks: { reorderRate: 1, delayRate: 1, delayMs: [50, 60] } });
    const started = Date.now();
    await createTask(s, { callback_url: `${r.url}/cb` });
    await admin.advance(s, 31);
    await waitFor('3 callbacks', async () => r.received.length >= 3);
    // queueing and processing were held; success (terminal) overtook them.
    expect(r.received.map((c) => c.body.state)).toEqual(['success', 'queueing', 'processing']);
    expect(r.received[0]!.at - started).toBeGreaterThanOrEqual(50);
    expect((await admin.get(s, 'stats')).body.callbacks).toMatchObject({ reordered: 2, delayed: 3 });
  });

  it('a seeded sim drops the same callbacks every run', async () => {
    const run = async () => {
      const { s, r } = await setup({ callbacks: { dropRate: 0.5 } });
      for (let i = 0; i < 4; i++) await createTask(s, { callback_url: `${r.url}/cb/${i}` });
      await admin.advance(s, 31);
      await waitFor('all 12 settled', async () => {
        const c = (await admin.get(s, 'stats')).body.callbacks;
        return c.delivered + c.dropped === 12;
      });
      const got = r.received.map((c) => `${c.url} ${c.body.state}`).sort();
      await s.close();
      await r.close();
      sim = undefined;
      receiver = undefined;
      return got;
    };
    const a = await run();
    const b = await run();
    expect(a.length).toBeGreaterThan(0);
    expect(a.length).toBeLessThan(12);
    expect(b).toEqual(a);
  });
});
