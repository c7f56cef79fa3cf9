// Deferred and recurring starts end to end: the simulator, the callback receiver and the worker as
// their own processes, against the real Temporal dev server of this test run.
import { ScheduleNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientRequestIdFor } from '../../activities/idempotency';
import { ViduFlowClient, ViduFlowSchedules, type ScheduleDetails } from '../../client';
import type { CliIO } from '../../cli/actions';
import { runCli } from '../../cli/program';
import { startStack, type Stack } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import { ViduKind } from '../../core/search-attributes';
import type { GenerationResult } from '../../core/generation-types';
import { SimAdmin } from '../../sim/admin-client';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';

const FAST_POLL = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };

let stack: Stack;
let client: ViduFlowClient;
let sim: SimAdmin;
let dir: string;
let image: string;
let taskQueue: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-e2e-schedules-'));
  image = path.join(dir, 'landscape.png');
  await writeFile(image, renderPng('landscape', { width: 640, height: 360 }));
  const { address, namespace } = temporalServer();
  taskQueue = uniqueTaskQueue('e2e-schedules');
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue,
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    // A schedule's runs read its local image on the worker.
    inputRoots: [dir],
    simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    logDir: path.join(dir, 'logs'),
  });
  sim = new SimAdmin(stack.simUrl);
  client = await ViduFlowClient.connect({ address, namespace, taskQueue, stagingDir: path.join(dir, 'staging') });
});

afterAll(async () => {
  await client?.temporal.connection.close();
  await stack?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function millis(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
}

async function submissionsOf(workflowId: string): Promise<number> {
  return (await sim.stats()).submissionsByClientRequestId[clientRequestIdFor(workflowId)] ?? 0;
}

/** Runs the CLI in-process against the test server; returns exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  const { address, namespace } = temporalServer();
  const io: CliIO = {
    stdout,
    stderr,
    cwd: dir,
    readFile: () => {
      throw new Error('no files');
    },
    fileExists: () => true,
    connect: (opts) => ViduFlowClient.connect(opts),
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(['--address', address, '--namespace', namespace, '--task-queue', taskQueue, ...args], io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: o, stderr: e };
}

describe('deferred and recurring starts', () => {
  it('a deferred start: nothing runs and nothing reaches Vidu before notBefore, then it completes', async () => {
    const delayMs = 3_000;
    const calledAt = Date.now();
    const notBefore = new Date(calledAt + delayMs);
    const handle = await client.start(
      'img2video',
      {
        request: { model: 'viduq2', images: [image], prompt: 'a deferred push-in', duration: 5, resolution: '720p' },
        options: { waitMode: 'callback', poll: FAST_POLL },
      },
      { notBefore },
    );

    // The execution exists at once, with its first workflow task held back by the start delay.
    const d = await handle.workflow.describe();
    expect(d.status.name).toBe('RUNNING');
    // Held until notBefore itself: the delay is computed when the start is sent, after the client
    // has staged the inputs, so it is measured against notBefore, not against the start time.
    expect(d.executionTime!.getTime()).toBeGreaterThanOrEqual(notBefore.getTime() - 250);
    expect(d.executionTime!.getTime() - d.startTime.getTime()).toBeGreaterThan(0);

    // Meanwhile the simulator sees no submission from this workflow.
    let checks = 0;
    while (Date.now() < notBefore.getTime() - 250) {
      expect(await submissionsOf(handle.workflowId)).toBe(0);
      checks += 1;
      await sleep(250);
    }
    expect(checks).toBeGreaterThan(0);

    const result: GenerationResult = await handle.result();
    expect(result.state).toBe('success');
    expect(await submissionsOf(handle.workflowId)).toBe(1);

    // History: the start event carries the backoff; the first workflow task and the submit
    // activity are scheduled no earlier than notBefore (and ≥ 3 s after the start call).
    const events = (await handle.workflow.fetchHistory()).events ?? [];
    const started = events[0]!;
    const backoff = millis(started.workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff);
    expect(backoff).toBeGreaterThan(0);
    expect(millis(started.eventTime) + backoff).toBeGreaterThanOrEqual(notBefore.getTime() - 250);
    const firstTask = events.find((e) => e.workflowTaskScheduledEventAttributes)!;
    const submit = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'submitWhenAdmitted',
    )!;
    expect(submit).toBeDefined();
    for (const e of [firstTask, submit]) {
      expect(millis(e.eventTime)).toBeGreaterThanOrEqual(notBefore.getTime() - 20);
      expect(millis(e.eventTime) - calledAt).toBeGreaterThanOrEqual(delayMs - 20);
    }
    console.log(
      `[deferred] first workflow task ${millis(firstTask.eventTime) - millis(started.eventTime)} ms after the start event`,
    );
  });

  it('a schedule that fires twice: both runs complete, each submitted once, then it is deleted', async () => {
    const scheduleId = `e2e-every-2s-${randomUUID().slice(0, 8)}`;
    const created = await cli([
      'schedule',
      'create',
      scheduleId,
      '--kind',
      'img2video',
      '--model',
      'viduq2',
      '--image',
      image,
      '--prompt',
      'a scheduled push-in',
      '--duration',
      '5',
      '--resolution',
      '720p',
      '--wait-mode',
      'callback',
      '--poll-initial',
      '1',
      '--every',
      '2s',
      '--note',
      'e2e',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      scheduleId,
      action: 'img2video',
      spec: 'every 2s',
      overlap: 'SKIP',
      note: 'e2e',
    });

    const schedules = new ViduFlowSchedules(client);
    let d: ScheduleDetails | undefined;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      d = await schedules.describeSchedule(scheduleId);
      const firstTwo = d.recentRuns.slice(0, 2);
      if (firstTwo.length === 2 && firstTwo.every((r) => r.status !== 'RUNNING')) break;
      await sleep(500);
    }
    // The first two runs, in the order the schedule took them, both succeeded.
    const done = d!.recentRuns.slice(0, 2);
    expect(
      done.map((r) => r.status),
      JSON.stringify(d),
    ).toEqual(['COMPLETED', 'COMPLETED']);
    expect(d!.actionsTaken).toBeGreaterThanOrEqual(2);
    expect(d!.nextRunTimes.length).toBeGreaterThan(0);
    expect(d!.input).toMatchObject({ options: { priority: 'batch', waitMode: 'callback' } });

    for (const run of done) {
      // Temporal names each run <scheduleId>-<scheduled time>.
      expect(run.workflowId).toBe(`${scheduleId}-${run.scheduledAt.toISOString().replace(/\.000Z$/, 'Z')}`);
      const result = await client.getHandle(run.workflowId).result();
      expect(result).toMatchObject({ kind: 'img2video', state: 'success', workflowId: run.workflowId });
      expect(result.archive?.files.length).toBeGreaterThan(0);
      expect(await submissionsOf(run.workflowId)).toBe(1);
      const w = await client.temporal.workflow.getHandle(run.workflowId).describe();
      expect(w.typedSearchAttributes.get(ViduKind)).toBe('img2video');
    }

    // The CLI sees it: list and describe.
    const listed = await cli(['schedule', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { scheduleId: string }[]).map((r) => r.scheduleId)).toContain(scheduleId);
    const described = await cli(['schedule', 'describe', scheduleId]);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toContain(`schedule ${scheduleId}: img2video · every 2s · active · e2e`);
    expect(described.stdout).toContain(`${done[0]!.workflowId}  COMPLETED`);

    const deleted = await cli(['schedule', 'delete', scheduleId]);
    expect(deleted.code, deleted.stderr).toBe(0);
    await expect(schedules.describeSchedule(scheduleId)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    let stillListed = true;
    for (let i = 0; i < 40 && stillListed; i++) {
      stillListed = (await schedules.listSchedules()).some((r) => r.scheduleId === scheduleId);
      if (stillListed) await sleep(250);
    }
    expect(stillListed).toBe(false);
    const again = await cli(['schedule', 'describe', scheduleId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no schedule ${scheduleId}`);

    // Runs it started before the delete finish on their own.
    for (const run of d!.recentRuns) await client.getHandle(run.workflowId).result();
  }, 180_000);
});
