// The rolling-upgrade lane (issue 18 §4), as separate processes: simulator, callback receiver and
// worker v1 (dev/stack.ts), then worker v2 and v3 from bundles this test builds, each with a
// deliberately incompatible change to img2video and the AD film (test/workflow/fixtures/variants/).
// The simulator's clock is frozen (VIDU_SIM_TIME_SCALE=0) and moved by hand, so runs wait exactly
// where the lane wants them: off-peak generations at Vidu, an AD film in review, a batch after its
// first continue-as-new, and interactive generations holding both slots of the slot manager with
// more queued. v2 is promoted with `vidu-flow deploy promote`; then:
//   - new starts run on v2; every run started on v1 finishes on v1 (pinned); no workflow task fails
//     anywhere (a v1 run replayed by v2 code would fail its task: the variants cannot replay v1);
//   - the slot manager (auto-upgrade) moves to v2 at its next workflow task with the same slots and
//     queue; the batch (auto-upgrade) finishes on v2 with every line exactly once;
//   - `deploy status` reports v1 drained once its last pinned run ends, and v1 is stopped;
//   - each task is paid once and the credits match the simulator's;
//   - v3 promoted, a run started on it, `deploy rollback` to v2: the v3 run still finishes on v3.
import { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdFor, slotManagerId } from '../../activities/admission';
import { ViduFlowClient } from '../../client';
import { describeDeployment, type DeploymentStatus } from '../../platform/temporal/deployments';
import { type CliIO } from '../../cli/io';
import { runCli } from '../../cli/program';
import { slotsQuery, type SlotsState } from '../../core/admission-messages';
import type { GenerationInput } from '../../core/generation-types';
import { startWorkerProcess, type ManagedProcess } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import { buildIdOf } from '../../worker/versioning-config';
import { startE2eEnv, until, type E2eEnv } from '../helpers/e2e';
import { temporalServer } from '../helpers/temporal';

const HOUR = 3600;
const VARIANTS = path.join(__dirname, '..', 'workflow', 'fixtures', 'variants');
let dir: string;
let image: string;
let product: string;
let e: E2eEnv;
let temporal: Client;
let deploymentName: string;
const extraWorkers: ManagedProcess[] = [];

/** A variant bundle (workflows/ with a deliberate change) as the worker reads one: code and manifest. */
async function variantBundle(name: string): Promise<{ file: string; buildId: string }> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(VARIANTS, `${name}.ts`),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  const file = path.join(dir, `${name}.js`);
  await writeFile(file, code);
  await writeFile(`${file}.json`, JSON.stringify({ workflowModules: [] }));
  return { file, buildId: buildIdOf(code) };
}

/** `vidu-flow <args>` in this process, against the run's Temporal, with its output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => void (stdout += s) } as unknown as CliIO['stdout'],
    stderr: { write: (s: string) => void (stderr += s) } as unknown as CliIO['stderr'],
    cwd: dir,
    readFile: () => '',
    fileExists: () => false,
    connect: (opts) => ViduFlowClient.connect(opts),
    onInterrupt: () => () => undefined,
  };
  const { address, namespace } = temporalServer();
  const code = await runCli(
    [...args, '--deployment', deploymentName, '--address', address, '--namespace', namespace],
    io,
  );
  return { code, stdout, stderr };
}

const status = (): Promise<DeploymentStatus> => describeDeployment({ client: temporal, deploymentName });

/** The build id a run's workflow tasks ran on (its versioning info), once it has one. */
async function versionOf(workflowId: string, runId?: string): Promise<string | undefined> {
  const d = await temporal.workflow.getHandle(workflowId, runId).describe();
  return d.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? undefined;
}

function img2video(
  prompt: string,
  extra: Partial<GenerationInput['request']> = {},
  options: GenerationInput['options'] = {},
): GenerationInput {
  return {
    request: { model: 'viduq2', images: [image], prompt, duration: 5, ...extra },
    options: { waitMode: 'callback', ...options },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-rolling-'));
  await mkdir(path.join(dir, 'media'));
  image = path.join(dir, 'still.png');
  product = path.join(dir, 'product.png');
  await writeFile(image, renderPng('rolling', { width: 320, height: 180 }));
  await writeFile(product, renderPng('rolling-product', { width: 400, height: 400 }));
  e = await startE2eEnv('rolling', dir, {
    simEnv: {
      VIDU_SIM_TIME_SCALE: '0',
      VIDU_SIM_PROCESSING_SECONDS: '600',
      VIDU_SIM_AD_FILM_SECONDS: '60',
      VIDU_SIM_MAX_CONCURRENCY: '50',
      VIDU_SIM_URL_TTL_SECONDS: String(700 * HOUR),
    },
    // Two slots: four interactive generations hold both and queue two.
    workerEnv: { VIDU_MAX_IN_FLIGHT: '2' },
  });
  temporal = e.client.temporal;
  deploymentName = e.stack.env.VIDU_FLOW_DEPLOYMENT_NAME!;
});

afterAll(async () => {
  await Promise.all(extraWorkers.map((w) => w.stop()));
  await e?.client.temporal.connection.close();
  await e?.stack.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

describe('rolling upgrade with Worker Versioning', () => {
  it('v1 runs finish on v1, the slot manager and the batch move to v2, nothing fails, paid once; rollback v3 → v2 loses nothing', async () => {
    const t0 = Date.now();
    const v2Bundle = variantBundle('pinned-changed');
    // v1: the stack's worker, current by itself (VIDU_FLOW_PROMOTE=first).
    const before = await until(status, (s) => s.current !== undefined, 'v1 to be current');
    const v1 = before.current!;

    // In flight on v1: two off-peak generations (6 simulated hours away), an AD film in review, a
    // batch of 3 lines one per run (continue-as-new after each), then four interactive generations.
    const offPeak = await Promise.all(
      [1, 2].map((n) => e.client.start('img2video', img2video(`off-peak ${n}`, { off_peak: true }))),
    );
    const film = await e.client.startAdFilm({
      request: { images: [product], prompt: 'A bottle on a desk', duration: 15, language: 'en' },
      edits: [],
      options: { waitMode: 'callback', review: true },
    });
    const batchFile = path.join(dir, 'batch.jsonl');
    await writeFile(
      batchFile,
      [1, 2, 3]
        .map((n) =>
          JSON.stringify({
            kind: 'img2video',
            request: { model: 'viduq2', images: [image], prompt: `batch line ${n}`, duration: 5 },
          }),
        )
        .join('\n'),
    );
    const batch = await e.client.startBatch(batchFile, { window: 1, linesPerRun: 1 });
    await until(
      async () => {
        await e.sim.advance(100);
        const [f, b] = await Promise.all([film.status(), batch.status()]);
        return f.phase === 'reviewing' && b.done >= 1;
      },
      (ok) => ok,
      'the film in review and the batch past its first line',
      60_000,
    );
    const interactive = await Promise.all(
      [1, 2, 3, 4].map((n) => e.client.start('img2video', img2video(`interactive ${n}`))),
    );
    const manager = temporal.workflow.getHandle(slotManagerId(accountIdFor(e.stack.apiKey, e.stack.simUrl)));
    const slotsOnV1 = await until(
      () => manager.query(slotsQuery),
      (s: SlotsState) => s.holders.length === 2 && s.waiting.length === 3,
      'both slots held and a queue (2 interactive, the batch line)',
    );

    // v2, promoted with the CLI; its worker runs beside v1's.
    const v2 = await v2Bundle;
    expect(v2.buildId).not.toBe(v1);
    extraWorkers.push(
      await startWorkerProcess(
        'worker-v2',
        { ...e.stack.env, VIDU_FLOW_WORKFLOW_BUNDLE: v2.file, VIDU_FLOW_PROMOTE: 'never' },
        path.join(dir, 'rolling', 'logs'),
      ),
    );
    // As an operator does: promote once `deploy status` lists the version (its workers' polls reached the server).
    await until(status, (s) => s.versions.some((v) => v.buildId === v2.buildId), 'v2 to be seen polling');
    const promoted = await cli(['deploy', 'promote', v2.buildId]);
    expect(promoted.stderr).toBe('');
    expect(promoted.code).toBe(0);
    expect((await status()).current).toBe(v2.buildId);

    // The slot manager answers from v2 with the same slots and queue; its next task runs on v2.
    expect(await manager.query(slotsQuery)).toEqual(slotsOnV1);
    const late = await e.client.start('img2video', img2video('started after the upgrade'));
    await until(
      () => versionOf(late.workflowId),
      (v) => v === v2.buildId,
      'the new start on v2',
    );
    await until(
      () => versionOf(manager.workflowId),
      (v) => v === v2.buildId,
      'the slot manager on v2',
    );
    const slotsOnV2 = await manager.query(slotsQuery);
    expect(slotsOnV2.holders).toEqual(slotsOnV1.holders);
    expect(slotsOnV2.waiting.map((w) => w.workflowId)).toEqual([
      ...slotsOnV1.waiting.map((w) => w.workflowId),
      late.workflowId,
    ]);

    // Everything finishes: approve the film, move Vidu's clock.
    await film.approve();
    const v1Runs = [...offPeak, ...interactive].map((h) => h.workflowId).concat(film.workflowId);
    const results = Promise.all([...offPeak, ...interactive, late].map((h) => h.result()));
    const filmResult = film.result();
    const summary = batch.result();
    let settled = false;
    void Promise.allSettled([results, filmResult, summary]).then(() => (settled = true));
    while (!settled && Date.now() - t0 < 150_000) {
      await e.sim.advance(HOUR);
      await new Promise((r) => setTimeout(r, 300));
    }
    const [gens, filmDone, batchDone] = await Promise.all([results, filmResult, summary]);

    for (const id of v1Runs) expect(await versionOf(id), id).toBe(v1);
    expect(gens.every((g) => g.state === 'success')).toBe(true);
    expect(batchDone).toMatchObject({ total: 3, succeeded: 3, failed: 0 });
    expect(batchDone.runs).toBe(3);
    const lines = (await import('node:fs'))
      .readFileSync(batchDone.resultsFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number });
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3]);

    // v1 is drained once its last pinned run ended (a visibility count: wait for it to catch up).
    const drained = await until(
      status,
      (s) => s.versions.find((v) => v.buildId === v1)?.drained === true,
      'v1 drained',
      30_000,
    );
    const shown = await cli(['deploy', 'status']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`${v1}\\s+\\S+\\s+0\\s+yes`));
    await e.stack.stopWorker();

    // Rollback: v3 promoted, a run started on it, back to v2; the v3 run still ends on v3.
    const v3 = await variantBundle('pinned-changed-v3');
    extraWorkers.push(
      await startWorkerProcess(
        'worker-v3',
        { ...e.stack.env, VIDU_FLOW_WORKFLOW_BUNDLE: v3.file, VIDU_FLOW_PROMOTE: 'never' },
        path.join(dir, 'rolling', 'logs'),
      ),
    );
    await until(status, (s) => s.versions.some((v) => v.buildId === v3.buildId), 'v3 to be seen polling');
    const toV3 = await cli(['deploy', 'promote', v3.buildId]);
    expect(toV3.code, toV3.stderr).toBe(0);
    const onV3 = await e.client.start('img2video', img2video('started on v3'));
    await until(
      () => versionOf(onV3.workflowId),
      (v) => v === v3.buildId,
      'the run on v3',
    );
    const back = await cli(['deploy', 'rollback']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(`${v2.buildId} is current again (was ${v3.buildId})`);
    const afterRollback = await e.client.start('img2video', img2video('started after the rollback'));
    let ended = false;
    void Promise.allSettled([onV3.result(), afterRollback.result()]).then(() => (ended = true));
    while (!ended) {
      await e.sim.advance(HOUR);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect((await onV3.result()).state).toBe('success');
    expect(await versionOf(onV3.workflowId)).toBe(v3.buildId);
    expect(await versionOf(afterRollback.workflowId)).toBe(v2.buildId);

    // Every run on this task queue: its version, and no failed workflow task in any history.
    const perVersion: Record<string, number> = {};
    let failedTasks = 0;
    let runs = 0;
    for await (const info of temporal.workflow.list({ query: `TaskQueue = '${e.stack.env.VIDU_TASK_QUEUE}'` })) {
      runs += 1;
      // "name:buildId" of the version its last workflow task ran on (visibility carries no versioning info).
      const key = (info.searchAttributes?.TemporalWorkerDeploymentVersion as string[] | undefined)?.[0];
      const version = key?.slice(key.indexOf(':') + 1) ?? 'none';
      perVersion[version] = (perVersion[version] ?? 0) + 1;
      const history = await temporal.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
      failedTasks += (history.events ?? []).filter((ev) => ev.workflowTaskFailedEventAttributes).length;
    }
    // Paid once: one submission per client request id; credits charged = credits reported.
    const stats = await e.sim.stats();
    const repeated = Object.values(stats.submissionsByClientRequestId).filter((n) => n > 1).length;
    const reported =
      gens.reduce((n, g) => n + g.credits, 0) +
      (await filmDone).credits +
      batchDone.credits +
      (await onV3.result()).credits +
      (await afterRollback.result()).credits;
    const charged = stats.creditsSpent - stats.creditsRefunded;
    const names = (id: string) => (id === v1 ? 'v1' : id === v2.buildId ? 'v2' : id === v3.buildId ? 'v3' : id);
    console.log(
      `[rolling-upgrade] ${runs} runs: ${Object.entries(perVersion)
        .map(([v, n]) => `${names(v)} ${n}`)
        .join(', ')}; failed workflow tasks ${failedTasks}; ` +
        `Vidu submissions ${Object.values(stats.submissionsByClientRequestId).reduce((a, b) => a + b, 0)} (${repeated} repeated); credits reported ${reported}, charged ${charged}; ` +
        `v1 drained with ${drained.versions.find((v) => v.buildId === v1)?.pinnedRunning} pinned runs; ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(failedTasks).toBe(0);
    expect(repeated).toBe(0);
    expect(reported).toBe(charged);
    expect(perVersion[v1]).toBeGreaterThanOrEqual(v1Runs.length);
    expect(perVersion.none).toBeUndefined();
  });
});
