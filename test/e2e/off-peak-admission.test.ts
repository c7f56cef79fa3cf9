// Off-peak work never blocks interactive work (issue 8 §5): off-peak generations take no slot from
// VIDU_MAX_IN_FLIGHT. With a cap of 3, twenty off-peak tasks that Vidu holds for hours are all
// submitted at once, and three interactive generations that come after them run straight away.
import { CancelledFailure } from '@temporalio/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdFor, slotManagerId } from '../../activities/admission';
import type { GenerationHandle } from '../../client';
import { slotsQuery } from '../../core/admission-messages';
import type { GenerationInput } from '../../core/generation-types';
import { failureOf, startE2eEnv, until, type E2eEnv } from '../helpers/e2e';
import { makePng, toDataUri } from '../helpers/media-fixtures';

let dir: string;
let e: E2eEnv;
const image = toDataUri(makePng(320, 180, 'off-peak-admission'), 'image/png');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-offpeak-admission-'));
  e = await startE2eEnv('offpeak-admission', dir, {
    // 10× speed: an interactive task processes in 3 real seconds; an off-peak one waits the
    // simulator's default 6 simulated hours (36 real minutes) before Vidu schedules it.
    simEnv: { VIDU_SIM_TIME_SCALE: '10', VIDU_SIM_MAX_CONCURRENCY: '50' },
    workerEnv: { VIDU_MAX_IN_FLIGHT: '3' },
  });
});

afterAll(async () => {
  await e?.stack.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

function generation(prompt: string, offPeak: boolean): GenerationInput {
  return {
    request: { model: 'viduq2', images: [image], prompt, duration: 5, ...(offPeak ? { off_peak: true } : {}) },
    options: { waitMode: 'callback', poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 3 } },
  };
}

interface SimTaskRow {
  id: string;
  state: string;
  offPeak: boolean;
}

describe('off-peak admission', () => {
  it('submits twenty off-peak generations at once beside a cap of 3, and interactive ones still run at once', async () => {
    const started = Date.now();
    const offPeak: GenerationHandle[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) => e.client.start('img2video', generation(`night ${i}`, true))),
    );

    // All twenty reach Vidu although none of them finishes: nothing serialises them.
    const tasks = async () => (await fetch(`${e.stack.simUrl}/_sim/tasks`).then((r) => r.json())) as SimTaskRow[];
    await until(tasks, (rows) => rows.filter((t) => t.offPeak).length === 20, 'twenty off-peak tasks at Vidu', 45_000);
    const allSubmittedMs = Date.now() - started;
    console.log(`[off-peak admission] all 20 at Vidu after ${allSubmittedMs} ms`);

    const interactiveStart = Date.now();
    const interactive = await Promise.all(
      [0, 1, 2].map((i) => e.client.start('img2video', generation(`now ${i}`, false))),
    );
    const results = await Promise.all(interactive.map((h) => h.result()));
    const interactiveMs = Date.now() - interactiveStart;
    expect(results.map((r) => r.state)).toEqual(['success', 'success', 'success']);

    // The off-peak ones are still waiting at Vidu while the interactive ones are done.
    const rows = await tasks();
    const offPeakRows = rows.filter((t) => t.offPeak);
    expect(offPeakRows).toHaveLength(20);
    expect(offPeakRows.every((t) => t.state === 'queueing' || t.state === 'created')).toBe(true);
    const statuses = await Promise.all(offPeak.map((h) => h.status()));
    expect(statuses.every((s) => s.phase === 'waiting' && s.taskId !== undefined)).toBe(true);

    // The cap's manager granted exactly the three interactive slots, and nobody queued for one;
    // with no VIDU_MAX_OFF_PEAK_IN_FLIGHT there is no off-peak manager at all.
    const accountId = accountIdFor(e.stack.apiKey, e.stack.simUrl);
    const slots = await e.client.temporal.workflow.getHandle(slotManagerId(accountId)).query(slotsQuery);
    expect(slots).toMatchObject({ maxInFlight: 3, granted: 3, holders: [], waiting: [] });
    const offPeakManager = await e.client.temporal.workflow
      .getHandle(slotManagerId(accountId, 'off-peak'))
      .describe()
      .then(
        () => 'exists',
        (err: Error) => err.name,
      );
    expect(offPeakManager).toBe('WorkflowNotFoundError');
    console.log(
      `[off-peak admission] 20 off-peak tasks at Vidu ${allSubmittedMs} ms after the first start; ` +
        `3 interactive generations done ${interactiveMs} ms after theirs, with all 20 off-peak still queueing`,
    );

    // Clean up: Vidu cancels (and refunds) off-peak tasks still queueing.
    await Promise.all(offPeak.map((h) => h.cancel()));
    for (const h of offPeak) expect(await failureOf(h)).toBeInstanceOf(CancelledFailure);
  });
});
