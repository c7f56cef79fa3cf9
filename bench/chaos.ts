// `npm run chaos`: many generations through everything that goes wrong in production at once —
// callbacks dropped, duplicated, delayed and reordered; Vidu answering 429 and 500, or processing
// a submission and losing the answer; every worker SIGKILLed again and again — then checks that no
// generation was lost and none was paid twice, and prints the figures.
import { Command } from 'commander';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ViduFlowClient } from '../client';
import { startStack } from '../dev/stack';
import { findTemporalBinary } from '../dev/temporal-binary';
import { startDevServer } from '../dev/temporal-server';
import { renderPng } from '../sim/media/render';
import { SimAdmin } from '../sim/admin-client';

const flags = new Command('chaos')
  .option('--generations <n>', 'generations to run', '40')
  .option('--kill-every <s>', 'seconds between worker SIGKILLs', '12')
  .option('--time-scale <n>', 'simulator time scale', '30')
  .parse()
  .opts<{ generations: string; killEvery: string; timeScale: string }>();

const FAULTS = {
  endpoints: {
    img2video: { status: 429, reason: 'TooManyRequests', rate: 0.2, retryAfterSeconds: 1 },
    reference2image: { status: 500, rate: 0.15 },
    creations: { status: 500, rate: 0.1 },
  },
  callbacks: { dropRate: 0.3, duplicateRate: 0.3, delayRate: 0.3, delayMs: [200, 3000], reorderRate: 0.3 },
};
// A lost answer after the task was created: the case that makes naive clients pay twice.
const DROPS = { endpoints: { ...FAULTS.endpoints, reference2video: { dropResponse: { rate: 0.2 } } } };

async function main(): Promise<number> {
  const n = Number(flags.generations);
  const dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-chaos-'));
  const image = path.join(dir, 'still.png');
  await writeFile(image, renderPng('chaos', { width: 320, height: 180 }));
  const binary = await findTemporalBinary({ build: true, log: (l) => console.log(l) });
  const server = await startDevServer({ binary: binary.path, headless: true });
  const taskQueue = 'vidu-flow-chaos';
  const stack = await startStack({
    temporalAddress: server.address,
    taskQueue,
    callbacks: true,
    workers: 2,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    simEnv: { VIDU_SIM_TIME_SCALE: flags.timeScale, VIDU_SIM_CALLBACK_RETRY_MS: '300', VIDU_SIM_SEED: '7' },
    logDir: path.join(dir, 'logs'),
  });
  const sim = new SimAdmin(stack.simUrl);
  await sim.setFaults({ ...FAULTS, ...DROPS });
  const client = await ViduFlowClient.connect({
    address: server.address,
    taskQueue,
    stagingDir: path.join(dir, 'staging'),
  });
  console.log(
    `chaos: ${n} generations, workers SIGKILLed every ${flags.killEvery} s; logs in ${path.join(dir, 'logs')}`,
  );

  const started = Date.now();
  let kills = 0;
  let stopKilling = false;
  const killer = (async () => {
    while (!stopKilling) {
      await new Promise((r) => setTimeout(r, Number(flags.killEvery) * 1000));
      if (stopKilling) break;
      await stack.stopWorker('SIGKILL');
      kills += 1;
      await stack.startWorker();
    }
  })();

  const kinds = ['img2video', 'reference2video', 'reference2image'] as const;
  const handles = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const kind = kinds[i % kinds.length]!;
      const request =
        kind === 'reference2image'
          ? { model: 'viduq2', images: [image], prompt: `chaos ${i}` }
          : {
              model: kind === 'img2video' ? 'viduq2' : 'viduq1',
              images: [image],
              prompt: `chaos ${i}`,
              ...(kind === 'img2video' ? { duration: 5 } : {}),
            };
      return client.start(kind, { request, options: { poll: { initialSeconds: 2, factor: 1.5, maxSeconds: 10 } } });
    }),
  );
  const outcomes = await Promise.all(
    handles.map((h) =>
      h.result().then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      ),
    ),
  );
  stopKilling = true;
  await killer;
  const seconds = (Date.now() - started) / 1000;

  const stats = await sim.stats();
  const submissions = Object.values(stats.submissionsByClientRequestId);
  const paidTwice = submissions.filter((c) => c > 1).length;
  const tasks = Object.values(stats.tasksByState).reduce((a, b) => a + b, 0);
  const events = await Promise.all(handles.map(async (h) => (await h.workflow.fetchHistory()).events?.length ?? 0));
  const failed = outcomes.filter((o) => !o.ok);

  console.log('\n== chaos figures');
  console.log(`generations: ${n}, succeeded ${n - failed.length}, failed ${failed.length}, in ${seconds.toFixed(1)} s`);
  console.log(
    `worker SIGKILLs: ${kills}; callbacks sent ${stats.callbacks.sent ?? '?'}, dropped ${stats.callbacks.dropped ?? '?'}, duplicated ${stats.callbacks.duplicated ?? '?'}`,
  );
  console.log(`Vidu requests: ${JSON.stringify(stats.requestsByEndpoint)}`);
  console.log(
    `tasks at Vidu: ${tasks} for ${n} generations; submission keys used more than once: ${paidTwice} (repeats are answered with the same task, so no second charge)`,
  );
  console.log(
    `credits spent ${stats.creditsSpent}, refunded ${stats.creditsRefunded}; max in flight at Vidu ${stats.maxRunningAtOnce}`,
  );
  console.log(
    `history events per generation: mean ${(events.reduce((a, b) => a + b, 0) / n).toFixed(1)}, max ${Math.max(...events)}`,
  );
  for (const f of failed.slice(0, 5)) console.log(`failed: ${String((f as { e: unknown }).e)}`);

  await stack.stop();
  await server.stop();
  // Lost or doubled work is the one thing this run must never show.
  const ok = failed.length === 0 && tasks === n;
  console.log(ok ? '\nchaos: OK — nothing lost, nothing paid twice' : '\nchaos: FAILED');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
