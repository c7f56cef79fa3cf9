// The receiver under a burst (receiver/signal-gate.ts): a bounded number of signals in flight, a
// bounded queue, 503 with Retry-After beyond it, and a refused or undelivered callback that Vidu
// retries with the same signed headers is accepted, not taken for a replay. The signal is a
// recorder whose calls the test holds open, standing in for a slow Temporal.
import type { Client } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUSY_RETRY_AFTER_SECONDS, createCallbackServer } from '../../receiver/server';
import { SignalGate } from '../../receiver/signal-gate';
import { signCallbackRequest } from '../../vidu/signature';

const KEY = 'receiver-busy-test-key-0123456789';
const TASK = '911045603801182208';

/** A signal that stays open until the test releases it (or fails it). */
function heldSignals() {
  const open: Array<{ workflowId: string; release: () => void; fail: (e: Error) => void }> = [];
  const delivered: string[] = [];
  let peak = 0;
  const client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        signal: () =>
          new Promise<void>((resolve, reject) => {
            open.push({
              workflowId,
              release: () => {
                delivered.push(workflowId);
                resolve();
              },
              fail: reject,
            });
            peak = Math.max(peak, open.length - delivered.length);
          }),
      }),
    },
  } as unknown as Client;
  return { client, open, delivered, peak: () => peak };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

/** Polls until `cond` holds: a loaded machine may take longer than any fixed pause (a CI run did). */
async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function callback(app: ReturnType<typeof createCallbackServer>, workflowId: string, headers?: Record<string, string>) {
  const url = `/vidu/callback?workflowId=${workflowId}`;
  const h = headers ?? signCallbackRequest({ secret: KEY, url: `http://127.0.0.1:8788${url}` });
  const res = app.inject({
    method: 'POST',
    url,
    headers: { ...h, 'content-type': 'application/json' },
    payload: JSON.stringify({ id: TASK, state: 'success', progress: 100 }),
  });
  return { headers: h, res };
}

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('SignalGate', () => {
  it('runs at most maxInFlight at once, in arrival order, and frees a slot when a run throws', async () => {
    const gate = new SignalGate(2, 10);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    let running = 0;
    let peak = 0;
    const runs = [0, 1, 2, 3, 4].map((i) =>
      gate.run(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => finish.push(r));
        running -= 1;
        if (i === 1) throw new Error('signal failed');
        return i;
      }),
    );
    for (const run of runs) run.catch(() => undefined); // judged by allSettled below
    await settle();
    expect(started).toEqual([0, 1]);
    expect(gate.queued).toBe(3);
    while (finish.length > 0) {
      finish.shift()!();
      await settle();
    }
    const outcomes = await Promise.allSettled(runs);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(gate.inFlight).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it('is full only when every slot runs and the queue holds maxWaiting', async () => {
    const gate = new SignalGate(1, 1);
    let release!: () => void;
    expect(gate.full).toBe(false);
    const first = gate.run(() => new Promise<void>((r) => (release = r)));
    expect(gate.full).toBe(false);
    const second = gate.run(async () => undefined);
    expect(gate.full).toBe(true);
    release();
    await Promise.all([first, second]);
    expect(gate.full).toBe(false);
    expect(() => new SignalGate(0, 1)).toThrow(/maxInFlight must be a whole number of at least 1/);
    expect(() => new SignalGate(1, -1)).toThrow(/maxWaiting must be a whole number of at least 0/);
  });
});

describe('callback receiver under a burst', () => {
  it('keeps at most CALLBACK_MAX_SIGNALS_IN_FLIGHT signals open, queues CALLBACK_MAX_WAITING, refuses the rest with 503 + Retry-After, and accepts their retry', async () => {
    const temporal = heldSignals();
    const app = createCallbackServer({
      apiKey: KEY,
      client: temporal.client,
      maxSkewMs: 300_000,
      onReject: () => undefined,
      maxSignalsInFlight: 2,
      maxWaiting: 1,
    });
    close = () => app.close();
    await app.ready();
    const calls = ['a', 'b', 'c', 'd', 'e'].map((x) => callback(app, `img2video-${x}`));
    await waitFor(() => temporal.open.length === 2, 'two signals open');
    // a and b are being signalled, c waits, d and e are refused at once.
    expect(temporal.open.map((o) => o.workflowId)).toEqual(['img2video-a', 'img2video-b']);
    const refused = await Promise.all([calls[3]!.res, calls[4]!.res]);
    for (const res of refused) {
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe(String(BUSY_RETRY_AFTER_SECONDS));
      expect(res.json()).toEqual({ error: 'the receiver is busy; please retry', reason: 'receiver-busy' });
    }
    temporal.open[0]!.release();
    temporal.open[1]!.release();
    await waitFor(() => temporal.open.length === 3, 'the queued callback to get a slot');
    temporal.open[2]!.release();
    expect((await Promise.all(calls.slice(0, 3).map((c) => c.res))).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(temporal.peak()).toBe(2);
    // Vidu retries d with the very same signed headers: its nonce was never spent.
    const retry = callback(app, 'img2video-d', calls[3]!.headers);
    await waitFor(() => temporal.open.length === 4, 'the retry to be signalled');
    temporal.open[3]!.release();
    expect((await retry.res).statusCode).toBe(200);
    expect(temporal.delivered).toEqual(['img2video-a', 'img2video-b', 'img2video-c', 'img2video-d']);
  });

  it('still refuses a forged callback with 401 while busy: only verified callbacks wait or are told to retry', async () => {
    const temporal = heldSignals();
    const rejections: string[] = [];
    const app = createCallbackServer({
      apiKey: KEY,
      client: temporal.client,
      maxSkewMs: 300_000,
      onReject: (r) => rejections.push(r.reason),
      maxSignalsInFlight: 1,
      maxWaiting: 0,
    });
    close = () => app.close();
    await app.ready();
    const holding = callback(app, 'img2video-held');
    await waitFor(() => temporal.open.length === 1, 'the held signal');
    const url = '/vidu/callback?workflowId=img2video-victim';
    const forged = callback(
      app,
      'img2video-victim',
      signCallbackRequest({ secret: 'not-the-key', url: `http://127.0.0.1:8788${url}` }),
    );
    const res = await forged.res;
    expect(res.statusCode).toBe(401);
    expect(rejections).toEqual(['bad-signature']);
    expect((await callback(app, 'img2video-genuine').res).statusCode).toBe(503);
    temporal.open[0]!.release();
    expect((await holding.res).statusCode).toBe(200);
    expect(temporal.delivered).toEqual(['img2video-held']);
  });

  it('answers 503 when the signal fails, and accepts the retry of that same request (its nonce is forgotten, not spent)', async () => {
    const temporal = heldSignals();
    const app = createCallbackServer({
      apiKey: KEY,
      client: temporal.client,
      maxSkewMs: 300_000,
      onReject: () => undefined,
    });
    close = () => app.close();
    await app.ready();
    const first = callback(app, 'img2video-x');
    await waitFor(() => temporal.open.length === 1, 'the first signal');
    temporal.open[0]!.fail(new Error('deadline exceeded'));
    expect((await first.res).statusCode).toBe(503);
    const retry = callback(app, 'img2video-x', first.headers);
    await waitFor(() => temporal.open.length === 2, 'the retry to be signalled');
    temporal.open[1]!.release();
    expect((await retry.res).statusCode).toBe(200);
    // Delivered once, and now spent: a third copy is a replay.
    const replay = await callback(app, 'img2video-x', first.headers).res;
    expect(replay.statusCode).toBe(409);
    expect(temporal.delivered).toEqual(['img2video-x']);
  });
});
