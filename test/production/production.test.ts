// The production shape of docker-compose.yml, run on this machine as separate processes: a Temporal
// dev server of its own with an on-disk database, an S3 server (versitygw), two workers that share
// no local folder (archive and staging in the bucket), one callback receiver and the simulator.
// During a batch of generations of every kind and an AD film, one worker is SIGKILLed (and a fresh
// one started in its place) and the Temporal server itself is killed and started again on the same
// database file and port. Everything must complete, each generation must be paid once, every
// archived object must hash to what the simulator served, and the workers' metrics must add up to
// the simulator's counters.
//
// Metrics and a SIGKILL: a killed process's counters die with it (Prometheus loses the increase
// since its last scrape too). So the kill happens in a window where, by construction, that worker
// records nothing countable: every task is submitted (and counted) and none has finished at the
// simulator yet. Its last scrape is then its final count, checked before and after the kill.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViduFlowClient, type AdFilmResult, type ArchivedFile, type GenerationKind } from '../../client';
import { openInputStaging } from '../../platform/stores/open-stores';
import { hashObject, openObject } from '../../platform/stores/s3-objects';
import { splitS3Location } from '../../platform/stores/s3-location';
import type { Manifest } from '../../activities/archive';
import type { GenerationResult } from '../../core/generation-types';
import { CallbackMetric, WorkerMetric } from '../../contract/metric-names';
import { startStack, startWorkerProcess, type ManagedProcess, type Stack } from '../../dev/stack';
import { findTemporalBinary } from '../../dev/temporal-binary';
import { getFreePort, startDevServer, type DevServer } from '../../dev/temporal-server';
import { renderMp4, renderPng } from '../../sim/media/render';
import { until } from '../helpers/e2e';
import { scrape, total } from '../helpers/prometheus';
import { startTestS3, type TestS3 } from '../helpers/s3';
import { SimAdmin } from '../../sim/admin-client';

const KINDS: GenerationKind[] = ['img2video', 'reference2video', 'reference2image', 'image2dance'];
const PER_KIND = 3;
const FAST_POLL = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };
const TASK_QUEUE = 'vidu-flow-production';
/** Real seconds a simulated task runs: the window in which the worker is killed. */
const PROCESSING_SECONDS = 12;
/** How long the workers may take to submit everything (the clock is frozen meanwhile: a bound, not a race). */
const SUBMIT_WINDOW_SECONDS = 90;

interface SimTaskRow {
  id: string;
  kind: string;
  state: string;
  credits: number;
  clientRequestId?: string;
}

interface WorkerSlot {
  name: string;
  process: ManagedProcess;
  metricsUrl: string;
  dirs: string;
}

let dir: string;
let binary: string;
let dbFile: string;
let temporal: DevServer;
let s3: TestS3;
let stack: Stack;
let sim: SimAdmin;
let client: ViduFlowClient;
let receiverMetrics: string;
const workers: WorkerSlot[] = [];
const files: Record<string, string> = {};

async function startWorker(name: string): Promise<WorkerSlot> {
  const port = await getFreePort();
  // Folders of its own, as on another host: nothing here is shared with any other process.
  const dirs = path.join(dir, name);
  const proc = await startWorkerProcess(
    name,
    {
      ...stack.env,
      ARCHIVE_DIR: path.join(dirs, 'archive'),
      STAGING_DIR: path.join(dirs, 'staging'),
      METRICS_PORT: String(port),
      METRICS_HOST: '127.0.0.1',
    },
    path.join(dir, 'logs'),
  );
  const slot = { name, process: proc, metricsUrl: `http://127.0.0.1:${port}`, dirs };
  workers.push(slot);
  return slot;
}

beforeAll(async () => {
  const t0 = Date.now();
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-production-'));
  binary = (await findTemporalBinary({ build: true })).path;
  dbFile = path.join(dir, 'temporal.sqlite');
  s3 = await startTestS3('vidu-production');
  temporal = await startDevServer({ binary, dbFile, headless: true });
  const stores = { ARCHIVE_URL: `s3://${s3.bucket}/archive`, STAGING_URL: `s3://${s3.bucket}/staging` };
  const receiverPort = await getFreePort();
  receiverMetrics = `http://127.0.0.1:${receiverPort}`;
  stack = await startStack({
    temporalAddress: temporal.address,
    taskQueue: TASK_QUEUE,
    callbacks: true,
    workers: 0, // started one by one below, each with folders of its own
    archiveDir: path.join(dir, 'unused-archive'),
    stagingDir: path.join(dir, 'unused-staging'),
    simEnv: {
      // Frozen: every task waits at Vidu until the test lets time run (after the kills), so how
      // fast a loaded machine submits cannot decide whether a task finishes before the kill.
      VIDU_SIM_TIME_SCALE: '0',
      VIDU_SIM_QUEUE_SECONDS: '0.5',
      VIDU_SIM_PROCESSING_SECONDS: String(PROCESSING_SECONDS),
      VIDU_SIM_AD_FILM_SECONDS: String(PROCESSING_SECONDS),
      VIDU_SIM_EDIT_SECONDS: '3',
      VIDU_SIM_COMPOSE_SECONDS: '3',
      VIDU_SIM_MAX_CONCURRENCY: '20',
      VIDU_SIM_CALLBACK_RETRY_MS: '300',
    },
    workerEnv: { ...s3.env, ...stores },
    receiverEnv: { METRICS_PORT: String(receiverPort), METRICS_HOST: '127.0.0.1' },
    logDir: path.join(dir, 'logs'),
  });
  sim = new SimAdmin(stack.simUrl);
  await Promise.all([startWorker('worker-a'), startWorker('worker-b')]);
  // The client shares nothing with the workers but the bucket: it stages callers' files there.
  client = await ViduFlowClient.connect({
    address: temporal.address,
    namespace: temporal.namespace,
    taskQueue: TASK_QUEUE,
    staging: openInputStaging({ ...s3.env, ...stores }),
  });

  const media: Record<string, Buffer> = {
    'landscape.png': renderPng('production-landscape', { width: 640, height: 360 }),
    'portrait.png': renderPng('production-portrait', { width: 400, height: 600 }),
    'product.png': renderPng('production-product', { width: 800, height: 800 }),
    'dance.mp4': renderMp4('production-dance', { durationSeconds: 5, width: 400, height: 600 }),
  };
  await mkdir(path.join(dir, 'media'));
  for (const [name, bytes] of Object.entries(media)) {
    files[name] = path.join(dir, 'media', name);
    await writeFile(files[name]!, bytes);
  }
  console.log(
    `[production] stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s: Temporal ${temporal.address} (db ${dbFile}), S3 ${s3.server.endpoint}, sim ${stack.simUrl}, 2 workers; logs in ${path.join(dir, 'logs')}`,
  );
});

afterAll(async () => {
  await client?.temporal.connection.close().catch(() => undefined);
  await Promise.all(workers.map((w) => w.process.stop()));
  await stack?.stop();
  await temporal?.stop();
  await s3?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

function requestFor(kind: GenerationKind, i: number): Record<string, unknown> {
  const prompt = `production run ${kind} ${i}`;
  const dataUri = `data:image/png;base64,${renderPng(`production-${kind}-${i}`, { width: 256, height: 256 }).toString('base64')}`;
  switch (kind) {
    case 'img2video': // local files (staged by the client into the bucket) and a data URI
      return {
        model: 'viduq2',
        images: [i === 1 ? dataUri : files['landscape.png']],
        prompt,
        duration: 5,
        resolution: '720p',
      };
    case 'reference2video':
      return { model: 'viduq1', images: [files['portrait.png'], files['landscape.png']], prompt, duration: 5 };
    case 'reference2image':
      return { model: 'viduq2', images: [dataUri], prompt, aspect_ratio: '1:1' };
    case 'image2dance':
      return { image_url: files['portrait.png'], video_url: files['dance.mp4'] };
    default: // KINDS above lists the kinds this lane runs
      throw new Error(`no production request for ${kind}`);
  }
}

/** Retries `fn` while Temporal is unreachable (the server restart), for up to a minute. */
async function acrossRestart<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: number; cause?: { code?: number } };
      const unavailable = [e.code, e.cause?.code].some((c) => c === 14 || c === 4); // UNAVAILABLE, DEADLINE_EXCEEDED
      if (!unavailable || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const simTasks = async (): Promise<SimTaskRow[]> =>
  (await fetch(`${stack.simUrl}/_sim/tasks`)).json() as Promise<SimTaskRow[]>;
const finished = (tasks: SimTaskRow[]) => tasks.filter((t) => t.state === 'success' || t.state === 'failed');
const countKind = (tasks: SimTaskRow[], kind: string) => tasks.filter((t) => t.kind === kind).length;

/** sha256 of a creation's file as the simulator served it (the cover for a cover). */
async function simSha256(file: ArchivedFile): Promise<string | undefined> {
  const res = await fetch(`${stack.simUrl}/_sim/media/${encodeURIComponent(file.creationId)}/sha256`);
  const body = (await res.json()) as { file?: { sha256: string }; cover?: { sha256: string } };
  return file.role === 'cover' ? body.cover?.sha256 : body.file?.sha256;
}

describe('production-shaped run', () => {
  it('completes a batch and an AD film through a worker SIGKILL and a Temporal restart, paying each once, archiving intact, metrics agreeing', async () => {
    const started = Date.now();
    const generations = await Promise.all(
      KINDS.flatMap((kind) =>
        Array.from({ length: PER_KIND }, (_, i) =>
          client.start(kind, { request: requestFor(kind, i), options: { poll: FAST_POLL } }),
        ),
      ),
    );
    const film = await client.startAdFilm({
      request: {
        images: [files['product.png']],
        prompt: 'A bottle of cold brew on a desk',
        duration: 15,
        language: 'en',
      },
      edits: [{ type: 'video', storyboard: 0, prompt: 'Close-up of the bottle, condensation' }],
      options: { poll: FAST_POLL },
    });
    const total13 = generations.length + 1;

    // 1. The quiet window (Vidu's clock is frozen): every task submitted and counted by the workers' metrics, none finished.
    const [a, b] = workers as [WorkerSlot, WorkerSlot];
    const windowEnds = Date.now() + SUBMIT_WINDOW_SECONDS * 1000;
    for (;;) {
      const tasks = await simTasks();
      if (finished(tasks).length > 0) throw new Error('a task finished while the simulator clock was frozen');
      const metrics = [await scrape(a.metricsUrl), await scrape(b.metricsUrl)];
      const counted =
        KINDS.every(
          (k) =>
            countKind(tasks, k) === PER_KIND && total(metrics, WorkerMetric.tasksSubmitted, { kind: k }) === PER_KIND,
        ) &&
        countKind(tasks, 'ad-one-click') === 1 &&
        total(metrics, WorkerMetric.generationsStarted) === total13;
      if (counted) break;
      if (Date.now() > windowEnds)
        throw new Error(`not every task was submitted and counted within ${SUBMIT_WINDOW_SECONDS} s`);
      await new Promise((r) => setTimeout(r, 150));
    }
    const beforeKill = await scrape(a.metricsUrl);
    await a.process.stop('SIGKILL');
    const killedAt = Date.now();
    const afterKill = await simTasks();
    // Nothing finished between the last scrape and the kill, so worker A's last scrape is its final count.
    expect(finished(afterKill)).toEqual([]);
    console.log(
      `[production] ${afterKill.length} tasks at Vidu, none finished; SIGKILLed ${a.name} (pid ${a.process.child.pid}) ${((killedAt - started) / 1000).toFixed(1)} s after the first start`,
    );

    // 2. The Temporal server itself: killed, then started again on the same database file and port.
    const port = Number(temporal.address.split(':').pop());
    process.kill(temporal.pid, 'SIGKILL');
    await temporal.exited;
    const down = Date.now();
    temporal = await startDevServer({ binary, port, dbFile, headless: true });
    console.log(
      `[production] Temporal server SIGKILLed and restarted on ${temporal.address} with ${path.basename(dbFile)}: down ${((Date.now() - down) / 1000).toFixed(1)} s`,
    );
    const receiverAfterRestart = await scrape(receiverMetrics);

    // 3. A fresh worker in the killed one's place (a new host: empty folders of its own).
    const a2 = await startWorker('worker-a2');

    // 4. Let Vidu's time run again, one simulated second per second.
    const ticker = setInterval(() => void sim.advance(1).catch(() => undefined), 1000);
    let results: GenerationResult[];
    let filmResult: AdFilmResult;
    try {
      results = await Promise.all(generations.map((h) => acrossRestart(() => h.result())));
      filmResult = await acrossRestart(() => film.result());
    } finally {
      clearInterval(ticker);
    }
    const seconds = (Date.now() - started) / 1000;
    // Workflow-side counters are emitted when workflow code runs for the first time, not when it
    // replays; a workflow task that failed or timed out after its code ran (e.g. UNHANDLED_COMMAND:
    // a late callback arrived while the workflow was completing) runs that code again. Each such
    // task may count once more, so the metrics below must agree within exactly these.
    const retriedTasks = new Map<string, number>();
    for (const h of generations) {
      const { events } = await client.temporal.workflow.getHandle(h.workflowId).fetchHistory();
      const retried = events!.filter(
        (e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes,
      ).length;
      const kind = h.workflowId.split('-')[0]!;
      retriedTasks.set(kind, (retriedTasks.get(kind) ?? 0) + retried);
    }
    // The same for the AD film: a late event (e.g. its abandoned fallback poll completing) while
    // it completes fails that workflow task (UNHANDLED_COMMAND), and its finish, credits metric
    // included, runs again.
    const filmEvents = (await client.temporal.workflow.getHandle(film.workflowId).fetchHistory()).events!;
    const filmRetried = filmEvents.filter(
      (e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes,
    ).length;

    // Everything completed.
    for (const r of results) expect(r.state).toBe('success');
    expect(filmResult.edits.every((e) => e.state === 'success')).toBe(true);

    // Each generation paid once: one task per generation at Vidu, and the AD film's steps once each.
    const tasks = await simTasks();
    const stats = await sim.stats();
    for (const kind of KINDS) expect(countKind(tasks, kind), kind).toBe(PER_KIND);
    expect(new Set(results.map((r) => r.taskId)).size).toBe(generations.length);
    expect(countKind(tasks, 'ad-one-click')).toBe(1);
    expect(countKind(tasks, 'ad-edit')).toBe(1);
    expect(countKind(tasks, 'ad-compose')).toBe(1);
    const creditsOf = (pick: (t: SimTaskRow) => boolean) => tasks.filter(pick).reduce((n, t) => n + t.credits, 0);
    for (const r of results) expect(r.credits, r.workflowId).toBe(creditsOf((t) => t.id === r.taskId));
    const spent = stats.creditsSpent - stats.creditsRefunded;
    expect(creditsOf(() => true)).toBe(spent);
    // The film's credits include its edits (charged by the adFilmEdit children, reported back in their outcomes).
    const editCredits = creditsOf((t) => t.kind === 'ad-edit');
    expect(editCredits).toBeGreaterThan(0);
    expect(filmResult.edits.reduce((n, e) => n + e.credits, 0)).toBe(editCredits);
    expect(filmResult.credits).toBe(
      creditsOf(
        (t) => t.kind === 'ad-one-click' || t.kind === 'ad-compose' || t.kind === 'ad-record' || t.kind === 'ad-edit',
      ),
    );
    const repeatedKeys = Object.values(stats.submissionsByClientRequestId).filter((n) => n > 1).length;

    // Every archived object hashes to its manifest, and the manifest to what the simulator served.
    const archived = [...results.map((r) => r.archive!), filmResult.archive!];
    const listed = new Set<string>();
    let bytes = 0;
    for (const archive of archived) {
      const where = splitS3Location(archive.manifest)!;
      expect(where.bucket).toBe(s3.bucket);
      listed.add(where.key);
      const manifest = JSON.parse(
        Buffer.concat(await chunks(await openObject(s3.s3, where.bucket, where.key))).toString('utf8'),
      ) as Manifest;
      expect(manifest.files).toEqual(archive.files);
      expect(manifest.files.length).toBeGreaterThan(0);
      for (const file of manifest.files) {
        const loc = splitS3Location(file.location)!;
        listed.add(loc.key);
        expect(await hashObject(s3.s3, loc.bucket, loc.key), file.location).toEqual({
          sha256: file.sha256,
          bytes: file.bytes,
        });
        expect(await simSha256(file), file.location).toBe(file.sha256);
        bytes += file.bytes;
      }
    }
    // …and nothing else is in the archive: no second copy, no half-written object.
    const objects = await listKeys(s3, 'archive/');
    expect(objects.sort()).toEqual([...listed].sort());
    // The workers kept nothing in their own folders: the bucket is the archive.
    for (const w of workers) expect(await filesUnder(path.join(w.dirs, 'archive')), w.name).toEqual([]);

    // The receiver and the surviving workers reconnected and are ready.
    for (const base of [receiverMetrics, b.metricsUrl, a2.metricsUrl]) {
      await until(
        () => fetch(`${base}/readyz`),
        (r) => r.status === 200,
        `${base}/readyz`,
        30_000,
      );
    }

    // Metrics: worker A's last scrape before its kill plus the live workers' counters equal the simulator's.
    const finalScrapes = await until(
      async () => [beforeKill, await scrape(b.metricsUrl), await scrape(a2.metricsUrl)],
      (m) => total(m, WorkerMetric.generationsSucceeded) === total13,
      'the workers to count every success',
      15_000,
    ).catch(async () => [beforeKill, await scrape(b.metricsUrl), await scrape(a2.metricsUrl)]);
    const receiverEnd = await scrape(receiverMetrics);
    const perKind = Object.fromEntries(
      KINDS.map((k) => {
        const ofKind = tasks.filter((t) => t.kind === k);
        return [
          k,
          {
            submitted: total(finalScrapes, WorkerMetric.tasksSubmitted, { kind: k }),
            finished: total(finalScrapes, WorkerMetric.tasksFinished, { kind: k }),
            succeeded: total(finalScrapes, WorkerMetric.generationsSucceeded, { kind: k }),
            credits: total(finalScrapes, WorkerMetric.creditsCharged, { kind: k }),
            simTasks: ofKind.length,
            simCredits: ofKind.reduce((n, t) => n + t.credits, 0),
          },
        ];
      }),
    );
    const adCredits = total(finalScrapes, WorkerMetric.creditsCharged, { kind: 'adFilm' });
    const metricCredits = total(finalScrapes, WorkerMetric.creditsCharged);
    const accepted = (m: Map<string, number>) => total(m, CallbackMetric.callbacks, { outcome: 'accepted' });
    const figures = {
      seconds: Number(seconds.toFixed(1)),
      generations: generations.length,
      adFilms: 1,
      simTasks: tasks.length,
      simCreditsSpent: stats.creditsSpent,
      simCreditsRefunded: stats.creditsRefunded,
      adFilmEditCredits: editCredits,
      metricCredits,
      adFilmMetricCredits: adCredits,
      submissionKeysRepeated: repeatedKeys,
      archivedFiles: objects.length - archived.length,
      archivedBytes: bytes,
      callbacksAcceptedAfterRestart: accepted(receiverEnd) - accepted(receiverAfterRestart),
      workerAMetricsAtKill: {
        submitted: total(beforeKill, WorkerMetric.tasksSubmitted),
        started: total(beforeKill, WorkerMetric.generationsStarted),
      },
    };
    console.log(`[production] figures: ${JSON.stringify(figures)}`);
    console.log(`[production] per kind: ${JSON.stringify(perKind)}`);

    console.log(
      `[production] workflow tasks run again (failed or timed out) per kind: ${JSON.stringify(Object.fromEntries(retriedTasks))}; AD film: ${filmRetried}`,
    );
    const agrees = (measured: number, truth: number, kind: string) => {
      const slack = retriedTasks.get(kind) ?? 0;
      return measured >= truth && measured <= truth + slack;
    };
    for (const [kind, f] of Object.entries(perKind)) {
      const ctx = `${kind}: ${JSON.stringify(f)}, workflow tasks run again: ${retriedTasks.get(kind) ?? 0}`;
      expect(agrees(f.submitted, f.simTasks, kind), `tasks submitted, ${ctx}`).toBe(true);
      expect(agrees(f.finished, f.simTasks, kind), `tasks finished, ${ctx}`).toBe(true);
      expect(agrees(f.succeeded, PER_KIND, kind), `generations succeeded, ${ctx}`).toBe(true);
      expect(
        f.credits >= f.simCredits && (f.credits === f.simCredits || (retriedTasks.get(kind) ?? 0) > 0),
        `credits, ${ctx}`,
      ).toBe(true);
    }
    // The film's credits are counted once per run of its finish: once, or once more for each of
    // its workflow tasks that failed or timed out.
    const filmExtra = (adCredits - filmResult.credits) / filmResult.credits;
    expect(
      Number.isInteger(filmExtra) && filmExtra >= 0 && filmExtra <= filmRetried,
      `AD film credits metric ${adCredits} for a film of ${filmResult.credits}, workflow tasks run again: ${filmRetried}`,
    ).toBe(true);
    // Every credit counted beyond what Vidu charged is one of those re-runs, film or generation.
    const rerunCredits =
      adCredits - filmResult.credits + Object.values(perKind).reduce((n, f) => n + f.credits - f.simCredits, 0);
    expect(metricCredits - spent).toBe(rerunCredits);
    // The receiver signalled workflows again once Temporal was back.
    expect(figures.callbacksAcceptedAfterRestart).toBeGreaterThan(0);
  });
});

async function chunks(body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer[]> {
  if (!body) throw new Error('object not found');
  const out: Buffer[] = [];
  for await (const c of body) out.push(Buffer.from(c));
  return out;
}

async function listKeys(store: TestS3, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.s3.send(
      new ListObjectsV2Command({
        Bucket: store.bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function filesUnder(folder: string): Promise<string[]> {
  return readdir(folder, { recursive: true }).then(
    (names) => names.map(String),
    () => [],
  );
}
