// Records the histories test/workflow/replay-stub-histories.test.ts replays: the branches the
// recorded stack histories (dev/record-histories.ts) do not reach, run by the REAL workflow code
// against a fake Vidu (dev/stub-vidu-activities.ts) on a dev server of its own, in seconds: a batch
// over three runs (continue-as-new, an invalid line, a failed child), a cancelled batch, the
// upscale follow-up, a timeout, a cancel Vidu refuses, a cancel while running, a failed task.
//
//   npx tsx dev/record-stub-histories.ts      (writes test/fixtures/stub-histories/*.json and index.json)
//
// They were first recorded from the workflow code before generation and batch were rewritten as
// phases over a state object (issue 17 item 2), as the proof that the rewrite issues the same
// commands. Re-record only with a deliberate history-shape change, as dev/record-histories.ts says.
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJson, type HistoryFixture } from './history-json';
import { findTemporalBinary } from './temporal-binary';
import { startDevServer } from './temporal-server';
import { workflowCodeOption } from '../worker/workflow-bundle';
import * as activities from './stub-vidu-activities';

const out = path.resolve(__dirname, '../test/fixtures/stub-histories');
const FAST = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };
const img = (prompt: string) => ({ model: 'viduq2', images: ['https://cdn.example/a.png'], prompt, duration: 5 });
/** What each recorded run does, for a reader of a failing replay (index.json). */
const SCENARIOS: Record<string, string> = {
  'batch-multi-run1':
    'batch of 7 lines, window 2, linesPerRun 3: run 1 starts lines 1–2, records invalid line 3, drains, continues as new',
  'batch-multi-run2': 'the same batch, run 2: lines 4–6, line 5 child fails (ViduTaskFailed), drains, continues as new',
  'batch-multi-run3': 'the same batch, run 3: line 7, end of file, joins the result parts, succeeds',
  'batch-multi-child-1': 'child generation of batch line 1 (poll mode, no archive)',
  'batch-multi-child-2': 'child generation of batch line 2',
  'batch-multi-child-4': 'child generation of batch line 4',
  'batch-multi-child-5': 'child generation of batch line 5: Vidu fails the task',
  'batch-cancelled-run1':
    'batch of 3 lines, window 2, both children never finish: the batch is cancelled, children cancel, drain, finish, Cancelled',
  'img2video-upscale': 'img2video with options.upscale: success, archived, then the upscale follow-up child',
  'upscale-child': 'the upscale child of the run above',
  'img2video-timeout': 'img2video, timeoutSeconds 3, the task never finishes: final check, cancel at Vidu, ViduTimeout',
  'img2video-cancel-refused':
    'img2video cancelled while running, Vidu refuses the cancel: the run keeps waiting, succeeds and is archived',
  'img2video-cancelled-running': 'img2video cancelled while running, Vidu cancels: Cancelled',
  'img2video-failed-poll': 'img2video, poll mode: Vidu fails the task, ViduTaskFailed',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  await mkdir(out, { recursive: true });
  const binary = await findTemporalBinary({ build: false, log: () => undefined });
  const server = await startDevServer({ binary: binary.path, headless: true });
  const index: HistoryFixture[] = [];
  try {
    const nc = await NativeConnection.connect({ address: server.address });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    const taskQueue = 'record-extra';
    const { note: _n, ...code } = workflowCodeOption({});
    const worker = await Worker.create({ connection: nc, namespace: server.namespace, taskQueue, ...code, activities });
    const running = worker.run();
    const save = async (name: string, h: WorkflowHandle, runId?: string) => {
      const scenario = SCENARIOS[name] ?? '';
      const history = await client.workflow.getHandle(h.workflowId, runId).fetchHistory();
      const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?';
      await writeFile(path.join(out, `${name}.json`), `${historyToJson(history)}\n`);
      index.push({
        file: `${name}.json`,
        workflowId: h.workflowId,
        workflowType: type,
        scenario,
        events: history.events?.length ?? 0,
      });
      console.log(`${name}: ${type}, ${history.events?.length} events`);
    };
    const settle = (p: Promise<unknown>) =>
      p.then(
        (v) => `ok ${JSON.stringify(v).slice(0, 200)}`,
        (e: Error) => `failed ${e.message} / ${(e.cause as Error)?.message}`,
      );
    const all = async (name: string, h: WorkflowHandle) => {
      // every run of a chain (continue-as-new)
      const runs: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = '${h.workflowId}'` })) runs.push(w.runId);
      runs.reverse();
      for (const [i, r] of runs.entries()) await save(`${name}-run${i + 1}`, h, r);
    };

    // Batches
    const multi = await client.workflow.start('batch', {
      taskQueue,
      workflowId: 'batch-multi',
      args: [{ source: { path: 'multi' }, window: 2, linesPerRun: 3 }],
    });
    console.log('batch-multi', await settle(multi.result()));
    await all('batch-multi', multi);
    for (const n of [1, 2, 4, 5]) await save(`batch-multi-child-${n}`, client.workflow.getHandle(`batch-multi~${n}`));
    const hang = await client.workflow.start('batch', {
      taskQueue,
      workflowId: 'batch-cancelled',
      args: [{ source: { path: 'hang' }, window: 2 }],
    });
    await sleep(4000);
    await hang.cancel();
    console.log('batch-cancelled', await settle(hang.result()));
    await all('batch-cancelled', hang);

    // Generations
    const up = await client.workflow.start('img2video', {
      taskQueue,
      workflowId: 'gen-upscale',
      args: [
        { request: img('upscale me'), options: { waitMode: 'poll', poll: FAST, upscale: { resolution: '1080p' } } },
      ],
    });
    console.log('gen-upscale', await settle(up.result()));
    await save('img2video-upscale', up);
    await save('upscale-child', client.workflow.getHandle('gen-upscale~upscale'));
    const timeout = await client.workflow.start('img2video', {
      taskQueue,
      workflowId: 'gen-timeout',
      args: [{ request: img('hang forever'), options: { waitMode: 'poll', poll: FAST, timeoutSeconds: 3 } }],
    });
    console.log('gen-timeout', await settle(timeout.result()));
    await save('img2video-timeout', timeout);
    const refused = await client.workflow.start('img2video', {
      taskQueue,
      workflowId: 'gen-cancel-refused',
      args: [{ request: img('refuse cancel'), options: { waitMode: 'poll', poll: FAST } }],
    });
    await sleep(3000);
    await refused.cancel();
    console.log('gen-cancel-refused', await settle(refused.result()));
    await save('img2video-cancel-refused', refused);
    const cancelled = await client.workflow.start('img2video', {
      taskQueue,
      workflowId: 'gen-cancelled-running',
      args: [{ request: img('hang'), options: { waitMode: 'poll', poll: FAST } }],
    });
    await sleep(3000);
    await cancelled.cancel();
    console.log('gen-cancelled-running', await settle(cancelled.result()));
    await save('img2video-cancelled-running', cancelled);
    const failed = await client.workflow.start('img2video', {
      taskQueue,
      workflowId: 'gen-failed',
      args: [{ request: img('fail'), options: { waitMode: 'poll', poll: FAST } }],
    });
    console.log('gen-failed', await settle(failed.result()));
    await save('img2video-failed-poll', failed);

    await writeFile(path.join(out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
    worker.shutdown();
    await running;
    await nc.close();
    await connection.close();
  } finally {
    await server.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
