// The AD-film workflow end to end: simulator, callback receiver and worker as processes, against
// the real Temporal dev server of this run.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPng } from '../../sim/media/render';
import type { AdFilmEdit, AdFilmInput } from '../../core/ad-film-types';
import { SimAdmin } from '../../sim/admin-client';
import { failureOf, startE2eEnv, until, type E2eEnv } from '../helpers/e2e';
import { withinOrReport } from '../helpers/stuck-report';

const FAST_POLL = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };

type Env = E2eEnv;

let dir: string;
let product: string;

async function startEnv(
  name: string,
  simEnv: Record<string, string>,
  workerEnv?: Record<string, string>,
): Promise<Env> {
  return startE2eEnv(name, dir, {
    simEnv: { VIDU_SIM_TIME_SCALE: '60', ...simEnv },
    ...(workerEnv ? { workerEnv } : {}),
  });
}

function film(edits: AdFilmEdit[], options: AdFilmInput['options'] = {}): AdFilmInput {
  // 15 s ⇒ three storyboards in the simulator (one per started 5 s).
  return {
    request: { images: [product], prompt: 'A bottle of cold brew on a desk', duration: 15, language: 'en' },
    edits,
    options: { waitMode: 'callback', poll: FAST_POLL, ...options },
  };
}

async function composeBodies(sim: SimAdmin): Promise<Array<Record<string, unknown>>> {
  return (await sim.requests())
    .filter((r) => r.endpoint === 'ad-compose' && r.status === 200)
    .map((r) => r.body as Record<string, unknown>);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-ad-'));
  product = path.join(dir, 'product.png');
  await writeFile(product, renderPng('product', { width: 800, height: 800 }));
});

afterAll(async () => {
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

describe('AD-film workflow end to end', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv('ad-film', {});
  });
  afterAll(async () => {
    await env?.stack.stop();
  });

  it('applies edits of two storyboards, narration and BGM in parallel and composes with exactly the right ids', async () => {
    const edits: AdFilmEdit[] = [
      { type: 'video', storyboard: 0, prompt: 'Close-up of the bottle, condensation' },
      { type: 'video', storyboard: 2, prompt: 'The bottle on a beach at sunset' },
      { type: 'narration', text: 'Cold brew, ready when you are.' },
      { type: 'bgm', prompt: 'Warm acoustic guitar' },
    ];
    const handle = await env.client.startAdFilm(film(edits));
    const result = await handle.result();

    const detail = await env.sim.task(result.taskId);
    expect(result.edits).toHaveLength(4);
    expect(result.edits.every((e) => e.state === 'success')).toBe(true);
    const subTaskOf = (i: number) => result.edits[i]!.subTaskIds.at(-1)!;
    // Storyboard 1 was not edited: compose must use its original footage.
    const storyboards = await handle.storyboards();
    expect(storyboards).toHaveLength(3);
    expect(result.videoTaskIds).toEqual([subTaskOf(0), storyboards[1]!.subTaskId, subTaskOf(1)]);
    expect(result.narrationTaskId).toBe(subTaskOf(2));
    expect(result.bgmTaskId).toBe(subTaskOf(3));
    expect(storyboards[1]!.edits).toBe(0);

    const composed = await composeBodies(env.sim);
    const ours = composed.filter((b) => b.ad_one_click_task_id === result.taskId);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({
      video_task_ids: [subTaskOf(0), storyboards[1]!.subTaskId, subTaskOf(1)],
      narration_task_id: subTaskOf(2),
      bgm_task_id: subTaskOf(3),
    });
    expect(JSON.stringify(detail)).toContain(result.taskId);

    // The film and one cover per storyboard are archived, byte for byte.
    const files = result.archive!.files;
    expect(files.filter((f) => f.role === 'video')).toHaveLength(1);
    expect(files.filter((f) => f.role === 'cover').length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      expect(
        createHash('sha256')
          .update(await readFile(f.location))
          .digest('hex'),
      ).toBe(f.sha256);
    }
  });

  it('review mode: two rounds of edits, then approval', async () => {
    const handle = await env.client.startAdFilm(film([], { review: true }));
    await until(
      () => handle.status(),
      (s) => s.phase === 'reviewing',
      'the review phase',
    );
    const before = await handle.storyboards();

    await handle.requestEdits([{ type: 'video', storyboard: 1, prompt: 'Round one: the bottle in rain' }]);
    const afterOne = await until(
      () => handle.storyboards(),
      (s) => s[1]?.lastEdit === 'success',
      'round one',
    );
    expect(afterOne[1]!.prompt).toBe('Round one: the bottle in rain');
    expect(afterOne[1]!.subTaskId).not.toBe(before[1]!.subTaskId);

    await handle.requestEdits([
      { type: 'video', storyboard: 1, prompt: 'Round two: the bottle in snow' },
      { type: 'bgm', prompt: 'Lo-fi beat' },
    ]);
    const afterTwo = await until(
      () => handle.storyboards(),
      (s) => s[1]?.edits === 2 && s[1]?.lastEdit === 'success',
      'round two',
    );
    expect(afterTwo[1]!.prompt).toBe('Round two: the bottle in snow');
    await until(
      () => handle.status(),
      (s) => s.phase === 'reviewing' && s.editsRunning === 0,
      'edits to settle',
    );

    // Nothing is composed before approval.
    const mainId = (await handle.status()).taskId;
    expect((await composeBodies(env.sim)).filter((b) => b.ad_one_click_task_id === mainId)).toEqual([]);
    await handle.approve();
    const result = await handle.result();
    expect(result.videoTaskIds[1]).toBe(afterTwo[1]!.subTaskId);
    expect(result.edits).toHaveLength(3);
  });

  it('rejects an invalid edit at the update, before it reaches history or Vidu', async () => {
    const handle = await env.client.startAdFilm(film([], { review: true }));
    await until(
      () => handle.status(),
      (s) => s.phase === 'reviewing',
      'the review phase',
    );
    const editsBefore = (await env.sim.requests()).filter((r) => r.endpoint === 'ad-edit').length;
    for (const bad of [
      [{ type: 'video', storyboard: 7, prompt: 'there is no storyboard 7' }],
      [{ type: 'sound', prompt: 'unknown type' }],
      [{ type: 'narration', text: 'x'.repeat(2001) }],
    ]) {
      const err = await handle.requestEdits(bad as AdFilmEdit[]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(String((err as WorkflowUpdateFailedError).cause?.message)).toMatch(/storyboard|type|2000/);
      // Typed, with the problem structured (issue 22): a caller branches on type, field and rule.
      const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('InvalidEdits');
      expect((cause.details?.[0] as { problems: Array<{ field: string; rule: string }> }).problems[0]).toMatchObject({
        field: expect.stringMatching(/^edits\[0\]\./),
        rule: expect.stringMatching(/^(not-found|enum|limit)$/),
      });
    }
    expect((await env.sim.requests()).filter((r) => r.endpoint === 'ad-edit').length).toBe(editsBefore);
    const history = await handle.workflow.fetchHistory();
    expect((history.events ?? []).some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
    await handle.cancel();
  });

  it('retries a failing edit a bounded number of times, then fails naming the storyboard', async () => {
    await env.sim.setFaults({
      endpoints: { 'ad-edit': { taskFailure: { rate: 1, errCode: 'CreationPolicyViolation', count: 2 } } },
    });
    try {
      const handle = await env.client.startAdFilm(
        film([{ type: 'video', storyboard: 1, prompt: 'A forbidden shot' }], { editAttempts: 2 }),
      );
      const failure = (await failureOf(handle)) as ApplicationFailure;
      expect(failure.type).toBe('AdEditFailed');
      expect(failure.message).toContain('storyboard 1');
      expect(failure.message).toContain('CreationPolicyViolation');
      const mainId = (await handle.status()).taskId;
      expect((await composeBodies(env.sim)).filter((b) => b.ad_one_click_task_id === mainId)).toEqual([]);
    } finally {
      await env.sim.setFaults({});
    }
  });

  it('submits no edit twice when the worker is SIGKILLed during the fan-out', async () => {
    const edits: AdFilmEdit[] = [
      { type: 'video', storyboard: 0, prompt: 'Kill test: storyboard zero' },
      { type: 'video', storyboard: 1, prompt: 'Kill test: storyboard one' },
      { type: 'narration', text: 'Kill test narration' },
    ];
    const handle = await env.client.startAdFilm(film(edits));
    await until(
      () => handle.status(),
      (s) => s.phase === 'editing',
      'the fan-out',
      90_000,
    );
    await env.stack.stopWorker('SIGKILL');
    await env.stack.startWorker();
    // This case hung to its timeout in some full runs on a loaded machine, never alone (README
    // "Limits and known gaps"): past 200 s, say where the film stands before failing.
    const result = await withinOrReport(env, handle.workflowId, handle.result(), 200_000);
    const mainId = result.taskId;
    const editPosts = (await env.sim.requests()).filter(
      (r) =>
        r.endpoint === 'ad-edit' && (r.body as Record<string, unknown> | undefined)?.ad_one_click_task_id === mainId,
    );
    expect(editPosts).toHaveLength(3);
    expect(result.edits.map((e) => e.subTaskIds.length)).toEqual([1, 1, 1]);
    // A real crash is noticed when the activities in flight miss their heartbeats (10 s:
    // activities/heartbeats.ts); the edit children's requestSlot waited out 45 s before.
  }, 300_000);
});

describe('AD-film cancellation', () => {
  let env: Env;
  beforeAll(async () => {
    // One task at a time and slow edits, so edits are still queued at Vidu when the film is
    // cancelled (vidu-flow's own cap is off here, or it would hold the edits back itself).
    env = await startEnv(
      'ad-film-cancel',
      { VIDU_SIM_MAX_CONCURRENCY: '1', VIDU_SIM_EDIT_SECONDS: '600' },
      { VIDU_MAX_IN_FLIGHT: '0' },
    );
  });
  afterAll(async () => {
    await env?.stack.stop();
  });

  it('cancels the edits in flight at Vidu and never composes', async () => {
    const edits: AdFilmEdit[] = [0, 1, 2].map((i) => ({ type: 'video', storyboard: i, prompt: `Cancel test ${i}` }));
    const handle = await env.client.startAdFilm(film(edits));
    const status = await until(
      () => handle.status(),
      (s) => s.phase === 'editing' && s.editsRunning === 3,
      'the edits to start',
      90_000,
    );
    // Let every edit reach Vidu before cancelling.
    await until(
      () => env.sim.requests(),
      (log) =>
        log.filter(
          (r) =>
            r.endpoint === 'ad-edit' && (r.body as Record<string, unknown>)?.ad_one_click_task_id === status.taskId,
        ).length === 3,
      'three edit submissions',
    );
    await handle.cancel();
    expect(await failureOf(handle)).toBeInstanceOf(CancelledFailure);

    const editResponses = (await env.sim.requests()).filter((r) => r.endpoint === 'ad-edit' && r.taskId);
    const states = await Promise.all(
      editResponses.map(async (r) => JSON.stringify(await env.sim.task(String(r.taskId)))),
    );
    const cancelled = states.filter((s) => s.includes('UserCancelled'));
    // With one slot, at most one edit was processing (Vidu refuses to cancel that one); the queued ones are cancelled.
    expect(cancelled.length).toBeGreaterThanOrEqual(2);
    expect((await composeBodies(env.sim)).filter((b) => b.ad_one_click_task_id === status.taskId)).toEqual([]);
  });
});
