// The callback receiver as an HTTP server (fastify inject), in front of a recorder standing in
// for the Temporal client: what it accepts, what it refuses and with which reason, and that only
// the small update reaches the signal. The real receiver process against real Temporal is
// covered end to end in test/e2e/callback-forgery.test.ts.
import type { Client } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { signCallbackRequest } from '../../vidu/signature';
import { toTaskUpdate } from '../../receiver/callback-body';
import { CALLBACK_BODY_LIMIT_BYTES, createCallbackServer, type CallbackRejection } from '../../receiver/server';
import { NonceCache } from '../../receiver/nonce-cache';
import { CallbackForwarding, parseForwardStates, type NonTerminalState } from '../../receiver/forwarding';

const KEY = 'receiver-test-key-0123456789';
const URL_PATH = '/vidu/callback?workflowId=img2video-abc';
const URL = `http://127.0.0.1:8788${URL_PATH}`;
const TASK = '911045603801182208';

interface Sent {
  workflowId: string;
  args: unknown[];
}

function setup(forwardStates?: ReadonlySet<NonTerminalState>) {
  const sent: Sent[] = [];
  const rejections: CallbackRejection[] = [];
  const client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        signal: async (_def: unknown, ...args: unknown[]) => {
          sent.push({ workflowId, args });
        },
      }),
    },
  } as unknown as Client;
  const app = createCallbackServer({
    apiKey: KEY,
    client,
    maxSkewMs: 300_000,
    onReject: (r) => rejections.push(r),
    ...(forwardStates ? { forwardStates } : {}),
  });
  return { app, sent, rejections };
}

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function post(app: ReturnType<typeof setup>['app'], headers: Record<string, string>, body: unknown, url = URL_PATH) {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('callback receiver', () => {
  it('forwards only task id, state, progress and the signed nonce', async () => {
    const { app, sent } = setup();
    close = () => app.close();
    const headers = signCallbackRequest({ secret: KEY, url: URL, nonce: 'nonce-1' });
    const body = {
      id: TASK,
      state: 'processing',
      progress: 40,
      credits: 99,
      err_code: '',
      creations: [{ id: 'c', url: 'http://evil/x.mp4', cover_url: '' }],
    };
    const res = await post(app, headers, body);
    expect(res.statusCode).toBe(200);
    expect(sent).toEqual([
      { workflowId: 'img2video-abc', args: [{ taskId: TASK, state: 'processing', progress: 40, nonce: 'nonce-1' }] },
    ]);
  });

  it('refuses a replayed nonce with 409 replayed-nonce, whatever the body, and logs why', async () => {
    const { app, sent, rejections } = setup();
    close = () => app.close();
    const headers = signCallbackRequest({ secret: KEY, url: URL });
    const forged = { state: 'success', credits: 0, creations: [{ id: '../victim', url: 'http://127.0.0.1:9/x.mp4' }] };
    expect((await post(app, headers, { id: TASK, state: 'processing', progress: 10 })).statusCode).toBe(200);
    const replay = await post(app, headers, forged);
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ reason: 'replayed-nonce' });
    expect(sent).toHaveLength(1);
    expect(rejections).toEqual([
      expect.objectContaining({
        status: 409,
        reason: 'replayed-nonce',
        nonce: headers['x-request-nonce'],
        workflowId: 'img2video-abc',
      }),
    ]);
  });

  it('refuses a bad signature, a stale date and an unsigned nonce with 401 and the reason, never logging the key or signature', async () => {
    const { app, sent, rejections } = setup();
    close = () => app.close();
    const good = signCallbackRequest({ secret: KEY, url: URL });
    const cases: Array<[Record<string, string>, string]> = [
      [signCallbackRequest({ secret: 'another-key', url: URL }), 'bad-signature'],
      [signCallbackRequest({ secret: KEY, url: URL, date: new Date(Date.now() - 10 * 60_000) }), 'stale-date'],
      [{ ...good, 'X-HMAC-SIGNED-HEADERS': 'Date' }, 'unsigned-nonce'],
      [
        signCallbackRequest({ secret: KEY, url: 'http://127.0.0.1:8788/vidu/callback?workflowId=someone-else' }),
        'bad-signature',
      ],
    ];
    for (const [headers, reason] of cases) {
      const res = await post(app, headers, { id: TASK, state: 'success', progress: 100 });
      expect(res.statusCode, reason).toBe(401);
      expect(res.json()).toMatchObject({ reason });
    }
    expect(sent).toHaveLength(0);
    expect(rejections.map((r) => r.reason)).toEqual(cases.map(([, reason]) => reason));
    const logged = JSON.stringify(rejections);
    expect(logged).not.toContain(KEY);
    for (const [headers] of cases) expect(logged).not.toContain(headers['X-HMAC-SIGNATURE']);
  });

  it(`refuses a body over ${CALLBACK_BODY_LIMIT_BYTES / 1024} KiB with 413 and logs it`, async () => {
    const { app, sent, rejections } = setup();
    close = () => app.close();
    const headers = signCallbackRequest({ secret: KEY, url: URL });
    const res = await post(app, headers, {
      id: TASK,
      state: 'success',
      payload: 'x'.repeat(CALLBACK_BODY_LIMIT_BYTES),
    });
    expect(res.statusCode).toBe(413);
    expect(sent).toHaveLength(0);
    expect(rejections).toEqual([expect.objectContaining({ status: 413, reason: 'body-too-large' })]);
  });

  it('refuses a body that is not a task with 400 bad-body, and a task id that could become a path', async () => {
    const { app, sent, rejections } = setup();
    close = () => app.close();
    for (const body of [
      { credits: 1 },
      { id: '../victim', state: 'success' },
      { id: TASK, state: 'suc cess' },
      [1, 2],
    ]) {
      const res = await post(app, signCallbackRequest({ secret: KEY, url: URL }), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(sent).toHaveLength(0);
    expect(rejections.every((r) => r.reason === 'bad-body')).toBe(true);
  });

  it('refuses a signed URL whose workflowId breaks the workflow-id rule with 400 no-workflow-id', async () => {
    const { app, sent, rejections } = setup();
    close = () => app.close();
    for (const id of ['x/../victim', '..', '/etc/passwd', '', 'a'.repeat(256)]) {
      const url = `https://hooks.example.com/vidu/callback?workflowId=${encodeURIComponent(id)}`;
      const path = url.slice('https://hooks.example.com'.length);
      const res = await post(
        app,
        signCallbackRequest({ secret: KEY, url }),
        { id: TASK, state: 'processing', progress: 1 },
        path,
      );
      expect(res.statusCode, id).toBe(400);
    }
    expect(sent).toHaveLength(0);
    expect(rejections.map((r) => r.reason)).toEqual(Array(5).fill('no-workflow-id'));
  });

  it('answers 202 when the workflow is gone and 503 when the signal cannot be delivered', async () => {
    const { WorkflowNotFoundError } = await import('@temporalio/client');
    let failWith: Error = new WorkflowNotFoundError('gone', 'wf', undefined);
    const client = {
      workflow: { getHandle: () => ({ signal: async () => Promise.reject(failWith) }) },
    } as unknown as Client;
    const app = createCallbackServer({ apiKey: KEY, client, maxSkewMs: 300_000, onReject: () => undefined });
    close = () => app.close();
    expect(
      (await post(app, signCallbackRequest({ secret: KEY, url: URL }), { id: TASK, state: 'success' })).statusCode,
    ).toBe(202);
    failWith = new Error('unavailable');
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => errors.push(a);
    try {
      expect(
        (await post(app, signCallbackRequest({ secret: KEY, url: URL }), { id: TASK, state: 'success' })).statusCode,
      ).toBe(503);
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });
});

describe('toTaskUpdate', () => {
  it("reads Vidu's body: id or task_id, state or status, progress as number or text", () => {
    expect(toTaskUpdate({ task_id: TASK, status: 'processing', progress: '55' }, 'n')).toEqual({
      ok: true,
      update: { taskId: TASK, state: 'processing', progress: 55, nonce: 'n' },
    });
    expect(toTaskUpdate({ id: 911045603801182, state: 'queueing' }, 'n')).toEqual({
      ok: true,
      update: { taskId: '911045603801182', state: 'queueing', progress: 0, nonce: 'n' },
    });
    // No id: the workflow applies it to its one unfinished task (a terminal state is only a hint anyway).
    expect(toTaskUpdate({ state: 'success', credits: 0, creations: [{ id: '../victim' }] }, 'n')).toEqual({
      ok: true,
      update: { state: 'success', progress: 0, nonce: 'n' },
    });
    expect(toTaskUpdate({ id: TASK, state: 'processing', progress: 250 }, 'n')).toMatchObject({
      update: { progress: 100 },
    });
    expect(toTaskUpdate({ id: TASK, state: 'paused' }, 'n')).toMatchObject({ ok: true, update: { state: 'paused' } });
  });

  it('names the field and the rule when it refuses', () => {
    expect(toTaskUpdate({ id: TASK }, 'n')).toEqual({ ok: false, issues: [expect.stringMatching(/^state: /)] });
    expect(toTaskUpdate({ id: 'a/b', state: 'success' }, 'n')).toEqual({
      ok: false,
      issues: [expect.stringMatching(/^id: /)],
    });
  });
});

describe('NonceCache', () => {
  it('refuses a nonce seen within its TTL and accepts it again after', () => {
    const cache = new NonceCache(1000);
    expect(cache.add('a', 0)).toBe(true);
    expect(cache.add('a', 999)).toBe(false);
    expect(cache.add('a', 1000)).toBe(true);
  });

  it('stays bounded: expired entries go first, then the oldest', () => {
    const cache = new NonceCache(1000, 3);
    for (const [i, n] of ['a', 'b', 'c', 'd'].entries()) cache.add(n, i);
    expect(cache.size).toBe(3);
    expect(cache.add('b', 10)).toBe(false);
    expect(cache.add('a', 10)).toBe(true); // dropped to stay within 3
    cache.add('e', 5000);
    expect(cache.size).toBe(1);
  });
});

describe('callback forwarding (CALLBACK_FORWARD_STATES)', () => {
  it('parses all, none and lists, and names the rule for anything else', () => {
    expect([...parseForwardStates('all')]).toEqual(['created', 'queueing', 'scheduled', 'processing']);
    expect([...parseForwardStates('none')]).toEqual([]);
    expect([...parseForwardStates(' Processing, queueing ')]).toEqual(['processing', 'queueing']);
    expect(() => parseForwardStates('processing,success')).toThrow(
      /comma list of created, queueing, scheduled, processing; got "success"/,
    );
  });

  it('by default forwards every state once per task: progress-only repeats cost nothing', async () => {
    const { app, sent } = setup();
    close = () => app.close();
    const send = async (state: string, progress: number) =>
      (await post(app, signCallbackRequest({ secret: KEY, url: URL }), { id: TASK, state, progress })).json() as Record<
        string,
        unknown
      >;
    expect(await send('queueing', 0)).toEqual({ delivered: true });
    expect(await send('processing', 10)).toEqual({ delivered: true });
    expect(await send('processing', 60)).toEqual({ delivered: false, reason: 'state-already-forwarded' });
    expect(await send('success', 100)).toEqual({ delivered: true });
    expect(sent.map((s) => (s.args[0] as { state: string }).state)).toEqual(['queueing', 'processing', 'success']);
  });

  it('with CALLBACK_FORWARD_STATES=processing forwards terminal and unknown states, and the first processing callback of a task only', async () => {
    const { app, sent } = setup(new Set(['processing']));
    close = () => app.close();
    const send = async (body: Record<string, unknown>) => {
      const res = await post(app, signCallbackRequest({ secret: KEY, url: URL }), { id: TASK, ...body });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    };
    expect(await send({ state: 'queueing', progress: 0 })).toEqual({
      status: 200,
      body: { delivered: false, reason: 'state-not-forwarded' },
    });
    expect(await send({ state: 'processing', progress: 10 })).toEqual({ status: 200, body: { delivered: true } });
    expect(await send({ state: 'processing', progress: 60 })).toEqual({
      status: 200,
      body: { delivered: false, reason: 'state-already-forwarded' },
    });
    expect(await send({ state: 'rendering_v2', progress: 70 })).toMatchObject({ body: { delivered: true } });
    expect(await send({ state: 'success', progress: 100 })).toMatchObject({ body: { delivered: true } });
    // A repeated terminal callback is forwarded too: the workflow's nonce memory and its one
    // confirmation decide, not this process.
    expect(await send({ state: 'success', progress: 100 })).toMatchObject({ body: { delivered: true } });
    expect(sent.map((s) => (s.args[0] as { state: string }).state)).toEqual([
      'processing',
      'rendering_v2',
      'success',
      'success',
    ]);
  });

  it('tries a state again after its signal could not be delivered, and keeps per-task memory bounded', () => {
    const f = new CallbackForwarding(new Set(['processing']), 2);
    const up = (taskId: string) => ({ taskId, state: 'processing', progress: 1, nonce: 'n' });
    expect(f.decide('w', up('t1'))).toEqual({ forward: true });
    f.undo('w', up('t1'));
    expect(f.decide('w', up('t1'))).toEqual({ forward: true });
    expect(f.decide('w', up('t1'))).toEqual({ forward: false, reason: 'state-already-forwarded' });
    f.decide('w', up('t2'));
    f.decide('w', up('t3')); // evicts t1, the oldest
    expect(f.decide('w', up('t1'))).toEqual({ forward: true });
  });
});
