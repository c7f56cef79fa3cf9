// Records the workflow histories that test/workflow/replay.test.ts replays against the current
// workflow code, so a change that breaks replay of runs already in flight fails `npm test`.
//
//   npx tsx dev/record-histories.ts --version v0.2.0
//       writes test/fixtures/histories/v0.2.0/*.json and index.json, and adds the version to
//       versions.json with the git commit and the build id of the bundle that recorded them.
//
// Record once per released version (a release whose workflow code changed): the folders of older
// versions are kept, never rewritten (test/workflow/replay.test.ts says what replays against what).
//
// A pinned type's history-shape change ships as a new Worker Deployment version (README
// "Upgrading"): record that release as a new version. An auto-upgrade type's (slot manager, batch)
// must replay every kept history: never record a new version just to make a failing replay test
// pass, put the change behind patched(); the failure is the point.
//
// It starts a Temporal dev server and two stacks the way the end-to-end tests do (dev/stack.ts:
// simulator, callback receiver and worker as processes): one with an in-flight cap of 1 (so the
// `viduSlots` slot manager is used and a second generation has to wait), one without a cap. Each
// history is written in Temporal's JSON history format (dev/history-json.ts says why not with the
// SDK's historyToJSON); index.json names each file's workflow id and type.
import type { WorkflowHandle } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accountIdFor, slotManagerId } from '../activities/admission';
import { budgetLedgerId } from '../core/budget-messages';
import { ViduFlowClient } from '../client';
import type { AdFilmHandle } from '../client/ad-film';
import type { AdFilmInput } from '../core/ad-film-types';
import type { GenerationInput } from '../core/generation-types';
import { renderPng } from '../sim/media/render';
import { buildIdOf } from '../worker/versioning-config';
import { WORKFLOW_BUNDLE_ENV } from '../worker/workflow-bundle';
import {
  HISTORY_FIXTURES_DIR,
  historyToJson,
  VERSIONS_FILE,
  type HistoryFixture,
  type RecordedVersion,
} from './history-json';
import { defaultWorkflowBundle, startStack, type Stack } from './stack';
import { findTemporalBinary } from './temporal-binary';
import { startDevServer, type DevServer } from './temporal-server';

const FAST_POLL = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };
const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** Polls `probe` until `ok` accepts its value (probe errors count as "not yet"). */
async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    last = v ?? last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

/** The run's end, success or failure; the recorder wants the history, not the outcome. */
const settled = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'completed',
    (err: unknown) =>
      `failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`,
  );

async function setFaults(stack: Stack, faults: unknown): Promise<void> {
  const res = await fetch(`${stack.simUrl}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!res.ok) throw new Error(`POST /_sim/faults: HTTP ${res.status} ${await res.text()}`);
}

class Recorder {
  readonly fixtures: HistoryFixture[] = [];

  constructor(private readonly outDir: string) {}

  async save(name: string, workflow: WorkflowHandle, scenario: string): Promise<void> {
    const history = await workflow.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const file = `${name}.json`;
    await writeFile(path.join(this.outDir, file), `${historyToJson(history)}\n`);
    const fixture = {
      file,
      workflowId: workflow.workflowId,
      workflowType: started?.workflowType?.name ?? '?',
      scenario,
      events: history.events?.length ?? 0,
    };
    this.fixtures.push(fixture);
    say(`  ${file}: ${fixture.workflowType} ${fixture.workflowId}, ${fixture.events} events`);
  }
}

interface Env {
  stack: Stack;
  client: ViduFlowClient;
}

async function startEnv(
  server: DevServer,
  dir: string,
  name: string,
  simEnv: Record<string, string>,
  workerEnv: Record<string, string>,
): Promise<Env> {
  const taskQueue = `record-${name}`;
  const stagingDir = path.join(dir, name, 'staging');
  const stack = await startStack({
    temporalAddress: server.address,
    namespace: server.namespace,
    taskQueue,
    callbacks: true,
    archiveDir: path.join(dir, name, 'archive'),
    stagingDir,
    simEnv: { VIDU_SIM_CALLBACK_RETRY_MS: '200', ...simEnv },
    workerEnv,
    // Batch files (recordBatch) are read by the worker: the recording's folder only.
    inputRoots: [dir],
    logDir: path.join(dir, name, 'logs'),
  });
  const client = await ViduFlowClient.connect({
    address: server.address,
    namespace: server.namespace,
    taskQueue,
    stagingDir,
  });
  return { stack, client };
}

/** Cap 1: one generation holds the slot, a second waits for it and is cancelled there. */
async function recordAdmission(env: Env, image: string, rec: Recorder): Promise<void> {
  const input = (prompt: string): GenerationInput => ({
    request: { model: 'viduq2', images: [image], prompt, duration: 5 },
    options: { waitMode: 'callback', poll: FAST_POLL },
  });
  const holder = await env.client.start('img2video', input('holds the only slot'));
  await until(
    () => holder.status(),
    (s) => s.taskId !== undefined,
    'the first generation to submit',
  );
  const waiter = await env.client.start('img2video', input('waits for the slot'));
  await until(
    () => waiter.status(),
    (s) => s.phase === 'waiting_for_slot',
    'the second generation to wait for a slot',
  );
  await waiter.cancel();
  say(`  cancelled while waiting for a slot: ${await settled(waiter.result())}`);
  say(`  holder: ${await settled(holder.result())}`);
  await rec.save(
    'img2video-callback-admission',
    holder.workflow,
    'img2video, callback mode, VIDU_MAX_IN_FLIGHT=1: slot granted at once, task succeeds and is archived, slot released',
  );
  await rec.save(
    'img2video-cancelled-waiting-for-slot',
    waiter.workflow,
    'img2video, callback mode, VIDU_MAX_IN_FLIGHT=1: queued behind another generation, cancelled while waiting for the slot',
  );
  // The worker's account id: its VIDU_BASE_URL (this stack's simulator) and API key.
  const managerId = slotManagerId(accountIdFor(env.stack.apiKey, env.stack.simUrl));
  await rec.save(
    'viduSlots',
    env.client.temporal.workflow.getHandle(managerId),
    'the slot manager of the two generations above (admit updates, a queued request, its withdrawal, releases); still running',
  );
  // This stack's worker has a budgets file (RECORDING_BUDGETS): both generations reserved before
  // asking for a slot, the holder settled what Vidu charged.
  await rec.save(
    'viduBudgets',
    env.client.temporal.workflow.getHandle(budgetLedgerId(accountIdFor(env.stack.apiKey, env.stack.simUrl))),
    'the budget ledger of the two generations above (reserve updates-with-start, the holder settled at its charge); still running',
  );
}

/** The admission stack's budgets (VIDU_FLOW_BUDGETS_FILE), so the ledger (viduBudgets) is recorded too. */
const RECORDING_BUDGETS = [{ name: 'recording-day', limitCredits: 100_000, period: 'day' }];

/**
 * A batch of 3 lines, 2 per run: one run that continued as new and the run that finished, so the
 * gate replays batch (an auto-upgrade type) across its continue-as-new too.
 */
async function recordBatch(env: Env, image: string, rec: Recorder): Promise<void> {
  const file = path.join(path.dirname(image), 'batch.jsonl');
  const line = (n: number) =>
    JSON.stringify({
      kind: 'img2video',
      request: { model: 'viduq2', images: [path.basename(image)], prompt: `batch line ${n}`, duration: 5 },
      options: { poll: FAST_POLL },
    });
  await writeFile(file, [1, 2, 3].map(line).join('\n'));
  const batch = await env.client.startBatch(file, { window: 2, linesPerRun: 2 });
  say(`  batch: ${await settled(batch.result())}`);
  const runs: Array<{ runId: string; startTime: Date }> = [];
  for await (const info of env.client.temporal.workflow.list({ query: `WorkflowId = '${batch.workflowId}'` }))
    runs.push({ runId: info.runId, startTime: info.startTime });
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const [first, last] = [runs[0], runs.at(-1)];
  if (!first || !last || first === last)
    throw new Error(`batch ${batch.workflowId}: expected two runs, found ${runs.length}`);
  const run = (runId: string) => env.client.temporal.workflow.getHandle(batch.workflowId, runId);
  await rec.save(
    'batch-continued',
    run(first.runId),
    'batch of 3 img2video lines, window 2, 2 lines per run: the first run, 2 lines done, continued as new',
  );
  await rec.save(
    'batch-finished',
    run(last.runId),
    'batch of 3 img2video lines: the second run, the last line, results file written, summary returned',
  );
}

/** No cap: poll mode, a Vidu failure, a cancel while Vidu queues the task, AD films. */
async function recordPlain(env: Env, image: string, product: string, rec: Recorder): Promise<void> {
  const request = { model: 'viduq2', images: [image], prompt: 'the camera slowly pushes in', duration: 5 };
  const poll = await env.client.start('img2video', { request, options: { waitMode: 'poll', poll: FAST_POLL } });
  // Off-peak tasks wait hours in queueing, where Vidu allows a cancel.
  const queued = await env.client.start('img2video', {
    request: { ...request, off_peak: true },
    options: { waitMode: 'callback' },
  });
  // 10 s ⇒ two storyboards in the simulator (one per started 5 s): enough to edit one and keep one.
  const film = (options: AdFilmInput['options'], edits: AdFilmInput['edits']): AdFilmInput => ({
    request: { images: [product], prompt: 'A bottle of cold brew on a desk', duration: 10, language: 'en' },
    edits,
    options: { waitMode: 'callback', poll: FAST_POLL, ...options },
  });
  const fanOut = await env.client.startAdFilm(
    film({}, [
      { type: 'video', storyboard: 0, prompt: 'Close-up of the bottle, condensation' },
      { type: 'bgm', prompt: 'Warm acoustic guitar' },
    ]),
  );
  const review = await env.client.startAdFilm(film({ review: true }, []));

  // Submitted: Vidu holds it (created/queueing); the receiver forwards no queueing callback.
  await until(
    () => queued.status(),
    (s) => s.taskId !== undefined && s.phase === 'waiting',
    'the off-peak task to be submitted',
  );
  await queued.cancel();
  say(`  poll: ${await settled(poll.result())}; cancelled while queueing: ${await settled(queued.result())}`);
  await rec.save(
    'img2video-poll',
    poll.workflow,
    'img2video, poll-only mode: no callbacks, the poll activity waits; succeeds and is archived',
  );
  await rec.save(
    'img2video-cancelled-queueing',
    queued.workflow,
    'img2video off-peak, callback mode: cancelled while Vidu queues the task; Vidu cancels it',
  );

  // After the others submitted: the fault hits only the next img2video task.
  await setFaults(env.stack, {
    endpoints: { img2video: { taskFailure: { rate: 1, errCode: 'CreationPolicyViolation', count: 1 } } },
  });
  const failing = await env.client.start('img2video', { request, options: { waitMode: 'callback', poll: FAST_POLL } });
  say(`  Vidu failure: ${await settled(failing.result())}`);
  await setFaults(env.stack, {});
  await rec.save(
    'img2video-vidu-failed',
    failing.workflow,
    'img2video, callback mode: Vidu fails the task (CreationPolicyViolation), ViduTaskFailed',
  );

  await recordReview(review, rec);
  await recordBatch(env, image, rec);
  say(`  AD film with edits: ${await settled(fanOut.result())}`);
  await rec.save(
    'adFilm-edits',
    fanOut.workflow,
    'adFilm, callback mode, edits of storyboard 0 and the BGM in parallel (adFilmEdit children), composed and archived',
  );
  const child = await firstChildId(fanOut);
  await rec.save(
    'adFilmEdit',
    env.client.temporal.workflow.getHandle(child),
    'the first adFilmEdit child of adFilm-edits',
  );
}

/** Review mode: one round of edits by update, then approval by signal. */
async function recordReview(review: AdFilmHandle, rec: Recorder): Promise<void> {
  await until(
    () => review.status(),
    (s) => s.phase === 'reviewing',
    'the review phase',
  );
  await review.requestEdits([{ type: 'video', storyboard: 1, prompt: 'The bottle in rain' }]);
  await until(
    () => review.status(),
    (s) => s.phase === 'reviewing' && s.editsRunning === 0 && s.edits.length > 0,
    'the edit to finish',
  );
  await review.approve();
  say(`  AD film in review: ${await settled(review.result())}`);
  await rec.save(
    'adFilm-review',
    review.workflow,
    'adFilm, review mode: requestEdits update (one storyboard), approve signal, composed and archived',
  );
}

async function firstChildId(handle: AdFilmHandle): Promise<string> {
  const history = await handle.workflow.fetchHistory();
  const child = history.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
    ?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
  if (!child) throw new Error(`${handle.workflowId} started no child workflow`);
  return child;
}

/** `--version <name>`: the folder the recording goes to (a new one; earlier versions are kept). */
function versionArg(argv: readonly string[]): string {
  const i = argv.indexOf('--version');
  const version = i >= 0 ? argv[i + 1] : undefined;
  if (!version || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version)) {
    throw new Error(
      'usage: npx tsx dev/record-histories.ts --version <name, e.g. v0.2.0> (a folder under test/fixtures/histories)',
    );
  }
  return version;
}

async function main(): Promise<void> {
  const version = versionArg(process.argv.slice(2));
  const versionDir = path.join(HISTORY_FIXTURES_DIR, version);
  const versions = JSON.parse(await readFile(VERSIONS_FILE, 'utf8')) as RecordedVersion[];
  if (versions.some((v) => v.version === version))
    throw new Error(
      `${version} is recorded already (versions.json): kept histories are never rewritten; name a new version`,
    );
  const started = Date.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-record-'));
  const image = path.join(dir, 'still.png');
  const product = path.join(dir, 'product.png');
  await writeFile(image, renderPng('record-still', { width: 640, height: 360 }));
  await writeFile(product, renderPng('record-product', { width: 800, height: 800 }));
  const budgetsFile = path.join(dir, 'budgets.json');
  await writeFile(budgetsFile, JSON.stringify(RECORDING_BUDGETS));

  const binary = await findTemporalBinary({ build: true, log: say });
  const server = await startDevServer({ binary: binary.path, headless: true });
  say(`Temporal dev server at ${server.address}; logs in ${dir}`);
  const envs: Env[] = [];
  try {
    const [admission, plain] = await Promise.all([
      // 30 simulated seconds of processing = 3 real seconds: time to queue a second generation.
      startEnv(
        server,
        dir,
        'admission',
        { VIDU_SIM_TIME_SCALE: '10' },
        { VIDU_MAX_IN_FLIGHT: '1', VIDU_SLOT_RECONCILE_SECONDS: '2', VIDU_FLOW_BUDGETS_FILE: budgetsFile },
      ),
      startEnv(server, dir, 'plain', { VIDU_SIM_TIME_SCALE: '60' }, { VIDU_MAX_IN_FLIGHT: '0' }),
    ]);
    envs.push(admission, plain);
    await mkdir(versionDir, { recursive: true });
    const rec = new Recorder(versionDir);
    await Promise.all([recordAdmission(admission, image, rec), recordPlain(plain, image, product, rec)]);
    rec.fixtures.sort((a, b) => a.file.localeCompare(b.file));
    await writeFile(path.join(versionDir, 'index.json'), `${JSON.stringify(rec.fixtures, null, 2)}\n`);
    // The code that recorded them: a pinned type's histories replay against this ref's bundle only.
    const gitRef = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: path.resolve(__dirname, '..'),
      encoding: 'utf8',
    }).trim();
    const buildId = buildIdOf(await readFile(process.env[WORKFLOW_BUNDLE_ENV] ?? (await defaultWorkflowBundle())));
    versions.push({ version, gitRef, buildId });
    await writeFile(VERSIONS_FILE, `${JSON.stringify(versions, null, 2)}\n`);
    say(
      `${rec.fixtures.length} histories in ${path.relative(process.cwd(), versionDir)}, recorded by ${gitRef} (build id ${buildId}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await Promise.all(envs.map((e) => e.stack.stop()));
    await server.stop();
    if (process.env.KEEP_RECORD_DIR === undefined) await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(`record-histories failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}
