// Account-wide admission control, end to end: two workers share VIDU_MAX_IN_FLIGHT=5 for one
// API key; the simulator would run 50 tasks at once, so any cap it observes is vidu-flow's.
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientRequestIdFor } from '../../activities/idempotency';
import { ViduFlowClient, type GenerationHandle } from '../../client';
import { startStack, type Stack } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import type { GenerationInput } from '../../core/generation-types';
import { SimAdmin } from '../../sim/admin-client';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';

let dir: string;
let stack: Stack;
let client: ViduFlowClient;
let sim: SimAdmin;
let image: string;
/** Batch generations started at once in the first case: five times the cap. */
const BATCH = 25;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-admission-'));
  image = path.join(dir, 'still.png');
  await writeFile(image, renderPng('admission', { width: 320, height: 180 }));
  const { address, namespace } = temporalServer();
  const taskQueue = uniqueTaskQueue('admission');
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue,
    callbacks: true,
    workers: 2,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    // 30 simulated seconds of processing = 3 real seconds: five rounds of five for the batch.
    simEnv: { VIDU_SIM_TIME_SCALE: '10', VIDU_SIM_MAX_CONCURRENCY: '50', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    // Off-peak tasks have a pool of their own; capped here so a test can fill it.
    workerEnv: { VIDU_MAX_IN_FLIGHT: '5', VIDU_MAX_OFF_PEAK_IN_FLIGHT: '5', VIDU_SLOT_RECONCILE_SECONDS: '2' },
    logDir: path.join(dir, 'logs'),
  });
  sim = new SimAdmin(stack.simUrl);
  client = await ViduFlowClient.connect({ address, namespace, taskQueue, stagingDir: path.join(dir, 'staging') });
});

afterAll(async () => {
  await stack?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

function input(prompt: string, priority: 'batch' | 'interactive'): GenerationInput {
  return {
    request: { model: 'viduq2', images: [image], prompt, duration: 5 },
    options: { waitMode: 'callback', priority, poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 3 } },
  };
}

describe('admission control', () => {
  it('keeps at most 5 tasks in flight across two workers, lets interactive work overtake batch work, and cancels a waiting one for free', async () => {
    // All 25 at once: started one by one on a loaded machine, the first ones could finish before
    // the last ones arrived, and nothing would be left waiting. (25, five times the cap, leave 15
    // waiting when the interactive work arrives; 50 cost ~30 s more of a 2-core run for nothing more.)
    const batch: GenerationHandle[] = await Promise.all(
      Array.from({ length: BATCH }, (_, i) => client.start('img2video', input(`batch ${i}`, 'batch'))),
    );
    // Interactive work arrives once batch work already holds the slots and the rest of it waits.
    for (let i = 0; i < 300 && (await sim.createRequests()) < 5; i += 1) await new Promise((r) => setTimeout(r, 100));
    const interactive = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => client.start('img2video', input(`interactive ${i}`, 'interactive'))),
    );

    // A batch generation still waiting for a slot is visible as such, and free to cancel. The
    // latest started are looked at first: they queue longest, so none is granted while cancelled.
    let last: GenerationHandle | undefined;
    let waiting: Awaited<ReturnType<GenerationHandle['status']>> | undefined;
    for (let round = 0; round < 100 && last === undefined; round += 1) {
      for (const h of [...batch].reverse()) {
        const s = await h.status().catch(() => undefined);
        if (s?.phase === 'waiting_for_slot') {
          [last, waiting] = [h, s];
          break;
        }
      }
      if (last === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(waiting?.phase).toBe('waiting_for_slot');
    if (last === undefined) throw new Error('no batch generation was waiting for a slot');
    batch.splice(batch.indexOf(last), 1);
    const described = await last.workflow.describe();
    expect(described.typedSearchAttributes.get({ name: 'ViduState', type: 'KEYWORD' } as never)).toBe(
      'waiting_for_slot',
    );
    await last.cancel();
    const err = await last.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    const results = await Promise.all([...batch, ...interactive].map((h) => h.result()));
    expect(results.every((r) => r.state === 'success')).toBe(true);

    const stats = await sim.stats();
    expect(stats.maxRunningAtOnce).toBeLessThanOrEqual(5);
    expect(stats.maxRunningAtOnce).toBeGreaterThanOrEqual(2);
    // The cancelled generation never reached Vidu.
    expect(stats.submissionsByClientRequestId[clientRequestIdFor(last.workflowId)]).toBeUndefined();

    // Interactive submissions came before the batch ones that were still waiting when they arrived.
    const creates = (await sim.requests()).filter((r) => r.endpoint === 'img2video' && r.method === 'POST');
    const prompts = creates.map((r) => String((r.body as Record<string, unknown>).prompt));
    const lastInteractive = Math.max(...[0, 1, 2, 3, 4].map((i) => prompts.indexOf(`interactive ${i}`)));
    const batchBefore = prompts.slice(0, lastInteractive).filter((p) => p.startsWith('batch')).length;
    console.log(
      `[admission] ${batchBefore} of ${BATCH - 1} batch submissions came before the last interactive one; max in flight at Vidu ${stats.maxRunningAtOnce}`,
    );
    expect(batchBefore).toBeGreaterThanOrEqual(5);
    expect(batchBefore).toBeLessThanOrEqual(15);
  });

  it('frees the slot of a generation that is terminated while it holds one', async () => {
    // Five off-peak holders that will sit in Vidu's off-peak queue for hours fill the off-peak
    // pool (VIDU_MAX_OFF_PEAK_IN_FLIGHT=5); a sixth off-peak generation must wait…
    const offPeak = (prompt: string): GenerationInput => ({
      ...input(prompt, 'interactive'),
      request: { ...input(prompt, 'interactive').request, off_peak: true },
    });
    const holders = await Promise.all([0, 1, 2, 3, 4].map((i) => client.start('img2video', offPeak(`holder ${i}`))));
    for (const h of holders) {
      for (let i = 0; i < 200 && (await h.status().catch(() => undefined))?.state !== 'queueing'; i += 1)
        await new Promise((r) => setTimeout(r, 100));
    }
    const sixth = await client.start('img2video', offPeak('sixth'));
    for (let i = 0; i < 100 && (await sixth.status().catch(() => undefined))?.phase !== 'waiting_for_slot'; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    expect((await sixth.status()).phase).toBe('waiting_for_slot');
    // …while interactive work is not held up by them at all.
    expect(
      (await (await client.start('img2video', input('beside the off-peak pool', 'interactive'))).result()).state,
    ).toBe('success');
    // …until one holder is terminated (no workflow code runs, so only the manager can notice).
    await holders[0]!.workflow.terminate('test: free the slot');
    let submitted = await sixth.status();
    for (let i = 0; i < 300 && submitted.taskId === undefined; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      submitted = await sixth.status();
    }
    expect(submitted.taskId).toBeDefined();
    for (const h of [...holders.slice(1), sixth]) await h.cancel();
  });

  it('counts AD-film tasks (main, edits, compose) against the same cap', async () => {
    const film = await client.startAdFilm({
      request: { images: [image], prompt: 'admission film', duration: 15, language: 'en' },
      edits: [0, 1, 2].map((i) => ({ type: 'video' as const, storyboard: i, prompt: `capped edit ${i}` })),
      options: { waitMode: 'callback', poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 3 } },
    });
    const others = await Promise.all(
      [0, 1, 2, 3].map((i) => client.start('img2video', input(`alongside ${i}`, 'interactive'))),
    );
    const result = await film.result();
    expect(result.edits.every((e) => e.state === 'success')).toBe(true);
    for (const h of others) expect((await h.result()).state).toBe('success');
    expect((await sim.stats()).maxRunningAtOnce).toBeLessThanOrEqual(5);
  });
});
