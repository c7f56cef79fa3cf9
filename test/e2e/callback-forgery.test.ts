// A forged and replayed callback, end to end (simulator, receiver and worker as processes).
//
// Vidu signs a callback's method, path, query, Date and nonce, but not its body (docs/vidu-api.md §10). An
// attacker holding one valid header set sends it twice with a body that claims success, zero
// credits and a creation of their own choosing, while the real task is still running. The replay
// must be refused, the forged body must change nothing but cost exactly one Get Generation (the
// workflow confirms a terminal state with Vidu before acting on it), and the workflow must
// still archive Vidu's real result inside its own folder.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackUrlFor } from '../../activities/idempotency';
import type { GenerationHandle } from '../../client';
import { renderPng } from '../../sim/media/render';
import { signCallbackRequest } from '../../vidu/signature';
import type { GenerationResult, GenerationStatus } from '../../core/generation-types';
import { startE2eEnv, until, type E2eEnv } from '../helpers/e2e';

let dir: string;
let e: E2eEnv;
let attacker: Server;
let attackerUrl: string;
let attackerHits = 0;

const IMAGE = `data:image/png;base64,${renderPng('forgery', { width: 320, height: 180 }).toString('base64')}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-forgery-'));
  // The attacker's "creation": the worker must never fetch it.
  attacker = createServer((_req, res) => {
    attackerHits += 1;
    res.writeHead(200, { 'content-type': 'video/mp4' }).end(Buffer.from('attacker bytes'));
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  e = await startE2eEnv('callback-forgery', dir, {
    // A frozen clock holds every task where it is until the test moves it on.
    simEnv: { VIDU_SIM_TIME_SCALE: '0' },
    workerEnv: { VIDU_MAX_IN_FLIGHT: '0', VIDU_FLOW_ALLOW_PRIVATE_URLS: '1' },
  });
});

afterAll(async () => {
  await e?.stack.stop();
  await new Promise((r) => attacker?.close(r));
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

/** Get Generation requests the simulator received for one task. */
async function getsFor(taskId: string): Promise<number> {
  return (await e.sim.requests()).filter((r) => r.endpoint === 'creations' && String(r.path).includes(taskId)).length;
}

async function startHeld(): Promise<{ handle: GenerationHandle; taskId: string }> {
  const handle = await e.client.start('img2video', {
    request: { model: 'viduq2', images: [IMAGE], prompt: 'the camera pushes in', duration: 5 },
    // With callbacks expected the fallback poll first asks Vidu after initialSeconds (10 minutes
    // here), so every Get Generation the simulator counts is a confirmation.
    options: { waitMode: 'callback', poll: { initialSeconds: 600, maxSeconds: 600 } },
  });
  const status = await until(
    () => handle.status(),
    (s) => s.phase === 'waiting' && s.taskId !== undefined,
    'the task to be submitted',
  );
  return { handle, taskId: status.taskId! };
}

/** Lets the held task finish at Vidu (queue 1 s + processing 30 s of simulated time). */
async function finish(handle: GenerationHandle): Promise<{ result: GenerationResult; status: GenerationStatus }> {
  await e.sim.advance(120);
  const result = await handle.result();
  return { result, status: await handle.status() };
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

async function expectVidusRealResult(result: GenerationResult): Promise<void> {
  const task = await e.sim.task(result.taskId);
  expect(result.credits).toBe(task.credits);
  expect(result.credits).toBeGreaterThan(0);
  const archive = result.archive!;
  expect(archive.files.length).toBeGreaterThan(0);
  for (const file of archive.files) {
    const res = await fetch(`${e.sim.url}/_sim/media/${encodeURIComponent(file.creationId)}/sha256`);
    expect(res.ok).toBe(true);
    const served = (await res.json()) as { sha256: string; cover?: { sha256: string } };
    const expected = file.role === 'cover' ? served.cover?.sha256 : served.sha256;
    expect(file.sha256).toBe(expected);
    expect(
      createHash('sha256')
        .update(await readFile(file.location))
        .digest('hex'),
    ).toBe(expected);
    // Inside this workflow's own folder.
    expect(path.relative(archive.root, file.location).startsWith('..')).toBe(false);
  }
}

describe('a forged, replayed callback', () => {
  it('is refused when replayed, changes nothing, and costs exactly one Get Generation', async () => {
    // A comparable generation without any forged callback.
    const base = await startHeld();
    const baseline = await finish(base.handle);
    await expectVidusRealResult(baseline.result);
    const baselineGets = await getsFor(base.taskId);

    const { handle, taskId } = await startHeld();
    const url = callbackUrlFor(e.stack.callbackUrl!, handle.workflowId);
    // One valid header set (as if captured on the wire), sent twice with a forged body.
    const headers = signCallbackRequest({ secret: e.stack.apiKey, url });
    const forged = JSON.stringify({
      state: 'success',
      credits: 0,
      creations: [{ id: '../victim', url: `${attackerUrl}/x.mp4` }],
    });
    const send = () =>
      fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: forged });
    const first = await send();
    const replay = await send();
    console.log(`[forgery] first send: HTTP ${first.status}, replay: HTTP ${replay.status} ${await replay.text()}`);
    // The first one is signed and fresh: it gets through as a wake-up, nothing more.
    expect(first.status).toBe(200);
    expect([401, 409]).toContain(replay.status);

    // The workflow asks Vidu, which says the task still runs: it keeps waiting.
    const confirmed = await until(
      () => handle.status(),
      (s) => (s.confirmations ?? 0) >= 1,
      'the terminal hint to be confirmed',
    );
    expect(confirmed.phase).toBe('waiting');
    expect(['created', 'queueing', 'scheduled', 'processing']).toContain(confirmed.state);

    // Behind a load balancer another receiver could let the replay through: the workflow's own
    // nonce memory refuses it, and an update for a task it does not know is ignored.
    await e.client.temporal.workflow
      .getHandle(handle.workflowId)
      .signal('taskUpdate', { state: 'success', progress: 100, nonce: headers['x-request-nonce'] });
    await e.client.temporal.workflow
      .getHandle(handle.workflowId)
      .signal('taskUpdate', { taskId: '900000000000000001', state: 'success', progress: 100 });
    const counted = await until(
      () => handle.status(),
      (s) => (s.replayedNonces ?? 0) >= 1 && (s.ignoredUpdates ?? 0) >= 1,
      'the replay and the stranger to be counted',
    );
    expect(counted).toMatchObject({ replayedNonces: 1, ignoredUpdates: 1, confirmations: 1, phase: 'waiting' });

    const { result, status } = await finish(handle);
    await expectVidusRealResult(result);
    const forgedGets = await getsFor(taskId);
    console.log(
      `[forgery] Get Generation calls: ${baselineGets} without the forged callback, ${forgedGets} with it; confirmations ${status.confirmations}, updates ${status.updates}`,
    );
    expect(forgedGets).toBe(baselineGets + 1);
    expect(status.confirmations).toBe((await base.handle.status()).confirmations! + 1);

    // The receiver logged the refusal with its reason, and neither the key nor the signature.
    const receiverLog = await until(
      () => readFile(path.join(dir, 'callback-forgery', 'logs', 'callbacks.log'), 'utf8'),
      (text) => text.includes('replayed-nonce'),
      'the receiver to log the replay',
    );
    expect(receiverLog).toContain(headers['x-request-nonce']);
    expect(receiverLog).not.toContain(headers['X-HMAC-SIGNATURE']);
    expect(receiverLog).not.toContain(e.stack.apiKey);

    // Nothing of the forged body was used: no fetch of its URL, no file named after its id.
    expect(attackerHits).toBe(0);
    const archiveRoot = path.join(dir, 'callback-forgery', 'archive');
    const all = await filesUnder(archiveRoot);
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((f) => /victim/i.test(f))).toEqual([]);
    expect(all.filter((f) => !f.startsWith(path.dirname(result.archive!.root)))).toEqual([]);
  });
});
