// `npm run demo`: the whole main job on a fresh machine, with nothing else started. It starts the
// Temporal dev server (with its Web UI), the Vidu simulator at a fast time scale, the callback
// receiver and the worker; runs one generation of each kind (img2video poll-only, the rest with
// callbacks) and, alongside them, one AD film with two edits (storyboard 0 and the BGM); prints
// where each result was archived; exits 0 when all succeeded. `--keep` stays up. The HTTP API runs
// too, with a demo key: the demo starts one more img2video over HTTP and prints the curl command
// that does the same, for a person to paste.
import { Command } from 'commander';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newApiKey } from '../platform/keys/api-keys';
import { ViduFlowClient } from '../client';
import { renderMp4, renderPng } from '../sim/media/render';
import type { AdFilmInput, AdFilmResult } from '../core/ad-film-types';
import type { ArchiveResult, GenerationInput, GenerationKind, GenerationResult } from '../core/generation-types';
import { defaultWorkflowBundle, startStack } from './stack';
import { findTemporalBinary } from './temporal-binary';
import { getFreePort, startDevServer } from './temporal-server';
import { taskQueueFromEnv } from '../platform/temporal/task-queue';
import { readPricesFile } from '../platform/prices/prices-file';
import { SIM_STAND_IN_PRICES } from '../sim/pricing';
import { estimateAdFilmInput, type EstimateTotal } from '../client/estimate';

const program = new Command('demo')
  .option('--keep', 'stay up after the generations, for exploring the Web UI')
  .option('--ui-port <port>', 'Web UI port', process.env.TEMPORAL_UI_PORT ?? '8233')
  .option('--time-scale <n>', 'simulator time scale (simulated seconds per real second)', '60')
  .parse();
const flags = program.opts<{ keep?: boolean; uiPort: string; timeScale: string }>();

const root = path.resolve(__dirname, '..');
const archiveDir = path.resolve(process.env.ARCHIVE_DIR ?? path.join(root, 'data/archive'));
const dataDir = path.join(root, 'data/demo');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  // The workers' workflow bundle builds while the CLI is found and the dev server starts.
  defaultWorkflowBundle().catch(() => undefined); // startStack awaits it again and reports a failure
  const binary = await findTemporalBinary({ build: true, log: (l) => say(`  ${l}`) });
  say(`Temporal CLI: ${binary.path} (found via ${binary.route})`);
  const port = await getFreePort();
  const server = await startDevServer({ binary: binary.path, port, uiPort: Number(flags.uiPort) });
  say(`Temporal dev server at ${server.address}; Web UI at ${server.uiUrl}`);

  const taskQueue = taskQueueFromEnv();
  // One API key for this demo: printed below, its hash in a keys file only this user can read.
  const demoKey = newApiKey('demo');
  const keysFile = path.join(dataDir, 'api-keys.json');
  await mkdir(dataDir, { recursive: true });
  await writeFile(keysFile, JSON.stringify([demoKey.entry], null, 2), { mode: 0o600 });
  await chmod(keysFile, 0o600); // a file left by an older run keeps its mode: the API and worker refuse one others can read
  // The operator's prices (VIDU_FLOW_PRICES_FILE): the simulator's stand-ins for what Vidu does not publish
  // (image2dance, the AD film's calls), so every estimate printed below can be checked against its charge.
  const pricesFile = path.join(dataDir, 'prices.json');
  await writeFile(pricesFile, JSON.stringify(SIM_STAND_IN_PRICES, null, 2));
  const prices = readPricesFile(pricesFile);
  const stack = await startStack({
    temporalAddress: server.address,
    taskQueue,
    callbacks: true,
    archiveDir,
    stagingDir: path.join(dataDir, 'staging'),
    // The demo's inputs are local files: the client stages them (below), the worker reads none.
    simEnv: { VIDU_SIM_TIME_SCALE: flags.timeScale },
    workerEnv: { VIDU_FLOW_PRICES_FILE: pricesFile },
    apiKeysFile: keysFile,
    logDir: path.join(dataDir, 'logs'),
  });
  say(
    `Vidu simulator at ${stack.simUrl}; callback receiver at ${stack.callbackUrl}; worker on task queue ${taskQueue}`,
  );
  say(`Process logs in ${path.join(dataDir, 'logs')}\n`);

  const shutdown = async () => {
    await stack.stop();
    await server.stop();
  };

  try {
    const { generations, adFilm, httpBody } = await demoInputs();
    const api = stack.apiUrl!;
    say(
      `HTTP API at ${api} (reference ${api}/docs). Start a generation over HTTP while the demo runs (--keep keeps it up):`,
    );
    say(
      `  curl -sS -X POST ${api}/v1/generations/img2video -H 'Authorization: Bearer ${demoKey.key}' ` +
        `-H 'Idempotency-Key: my-first-generation' -H 'Content-Type: application/json' -d @${httpBody}\n`,
    );
    // The key is printed to paste into the sign-in form, never put in the URL (it would land in history and logs).
    say(`Studio at ${api}/studio/ — sign in by pasting the demo key: ${demoKey.key}\n`);
    const client = await ViduFlowClient.connect({
      address: server.address,
      taskQueue,
      stagingDir: path.join(dataDir, 'staging'),
    });
    const link = (workflowId: string) =>
      server.uiUrl ? `${server.uiUrl}/namespaces/default/workflows/${workflowId}` : workflowId;
    const settle = async (label: string, result: () => Promise<string>): Promise<Outcome> => {
      try {
        return { label, ok: true, text: await result() };
      } catch (err) {
        return {
          label,
          ok: false,
          error:
            err instanceof Error
              ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`
              : String(err),
        };
      }
    };
    const runs = await Promise.all([
      ...generations.map(async ({ kind, input }) => {
        const handle = await client.start(kind, input);
        say(
          `started ${kind} (${input.options?.waitMode === 'poll' ? 'poll only' : 'callbacks'}): ${link(handle.workflowId)}`,
        );
        return settle(kind, async () => describe(kind, await handle.result()));
      }),
      settle('img2video over HTTP', () => overHttp(api, demoKey.key, httpBody)),
      (async () => {
        const handle = await client.startAdFilm(adFilm);
        say(
          `started adFilm (${adFilm.edits?.length ?? 0} edits: ${adFilm.edits?.map(editName).join(', ')}; callbacks): ${link(handle.workflowId)}`,
        );
        return settle('adFilm', async () => describeAdFilm(await handle.result(), estimateAdFilmInput(adFilm, prices)));
      })(),
    ]);
    say('');
    for (const run of runs) say(run.ok ? run.text : `✗ ${run.label} failed: ${run.error}`);
    const failed = runs.filter((r) => !r.ok).length;
    say(
      `\n${runs.length - failed} of ${runs.length} workflows succeeded (${generations.length} generations, 1 over HTTP, 1 AD film). Archive: ${archiveDir}. Web UI: ${server.uiUrl ?? '(headless)'}`,
    );
    if (flags.keep) {
      say('--keep: everything stays up; press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    return failed === 0 ? 0 : 1;
  } finally {
    await shutdown();
  }
}

type Outcome = { label: string; ok: true; text: string } | { label: string; ok: false; error: string };

/** What the printed curl command does, then GET until the generation is over (as a caller in any language would). */
async function overHttp(api: string, key: string, bodyFile: string): Promise<string> {
  const headers = {
    authorization: `Bearer ${key}`,
    'content-type': 'application/json',
    'idempotency-key': 'demo-http',
  };
  const started = await fetch(`${api}/v1/generations/img2video`, {
    method: 'POST',
    headers,
    body: await readFile(bodyFile),
  });
  const start = (await started.json()) as { id: string; links: { self: string }; detail?: string };
  if (started.status !== 201) throw new Error(`POST answered ${started.status}: ${start.detail ?? ''}`);
  say(`started img2video over HTTP (POST ${api}/v1/generations/img2video): ${start.id}`);
  for (;;) {
    const view = (await (await fetch(`${api}${start.links.self}`, { headers })).json()) as {
      execution: string;
      result?: GenerationResult;
      failure?: { message: string };
    };
    if (view.execution === 'succeeded')
      return `${describe('img2video', view.result!).replace('img2video', 'img2video over HTTP')}`;
    if (view.execution !== 'running') throw new Error(`${view.execution}: ${view.failure?.message ?? ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function archivedFiles(archive: ArchiveResult | undefined): string {
  return (
    archive?.files.map((f) => `    ${f.location} (${f.bytes} bytes, sha256 ${f.sha256.slice(0, 12)}…)`).join('\n') ??
    '    (not archived)'
  );
}

function describe(kind: GenerationKind, result: GenerationResult): string {
  const upscaled = result.upscale
    ? `\n  upscaled by ${result.upscale.workflowId} (Vidu task ${result.upscale.taskId}, ${credits(result.upscale)}), archived:\n${archivedFiles(result.upscale.archive)}`
    : '';
  return `✓ ${kind}: Vidu task ${result.taskId}, ${credits(result)}, archived:\n${archivedFiles(result.archive)}${upscaled}`;
}

function editName(edit: NonNullable<AdFilmInput['edits']>[number]): string {
  return edit.type === 'video' ? `storyboard ${edit.storyboard}` : edit.type === 'narration' ? 'narration' : 'BGM';
}

/** The charge beside the estimate the worker recorded before submitting (docs/vidu-pricing.md). */
function credits(result: Pick<GenerationResult, 'credits' | 'estimatedCredits' | 'estimateUnpriced'>): string {
  const estimate =
    result.estimatedCredits !== undefined
      ? `estimated ${result.estimatedCredits}`
      : `not estimated: ${result.estimateUnpriced ?? 'no estimate recorded'}`;
  return `${result.credits} credits charged (${estimate})`;
}

function describeAdFilm(result: AdFilmResult, estimate: EstimateTotal): string {
  const edits = result.edits
    .map((e) => `${editName(e.edit)} ${e.state} → sub-task ${e.subTaskIds.at(-1) ?? '-'}`)
    .join(', ');
  return (
    `✓ adFilm: Vidu task ${result.taskId}, compose task ${result.composeTaskId}, ${result.credits} credits charged (estimated ${estimate.credits}: create, ${estimate.lines.length - 2} edit(s), compose` +
    `${estimate.unpriced.length > 0 ? `; not priced: ${estimate.unpriced.map((u) => u.label).join(', ')}` : ''}); edits: ${edits}; ` +
    `composed from storyboards ${result.videoTaskIds.join(', ')}, narration ${result.narrationTaskId}, BGM ${result.bgmTaskId}; archived:\n${archivedFiles(result.archive)}`
  );
}

/** Demo inputs, written as local files, as a user's would be; the client stages them for the worker. */
async function demoInputs(): Promise<{
  generations: Array<{ kind: GenerationKind; input: GenerationInput }>;
  adFilm: AdFilmInput;
  httpBody: string;
}> {
  const inputs = path.join(dataDir, 'inputs');
  await mkdir(inputs, { recursive: true });
  const file = async (name: string, bytes: Buffer) => {
    const p = path.join(inputs, name);
    await writeFile(p, bytes);
    return p;
  };
  const still = await file('still.png', renderPng('demo-still', { width: 640, height: 360 }));
  const person = await file('person.png', renderPng('demo-person', { width: 400, height: 600 }));
  const moves = await file('moves.mp4', renderMp4('demo-moves', { durationSeconds: 4, width: 400, height: 600 }));
  const product = await file('product.png', renderPng('demo-product', { width: 800, height: 800 }));
  const generations: Array<{ kind: GenerationKind; input: GenerationInput }> = [
    {
      kind: 'img2video',
      input: {
        request: { model: 'viduq2', images: [still], prompt: 'The camera slowly pushes in', duration: 5 },
        options: { waitMode: 'poll', poll: { initialSeconds: 1, maxSeconds: 3 } },
      },
    },
    {
      kind: 'reference2video',
      input: { request: { model: 'viduq1', images: [person, still], prompt: 'The person walks into the scene' } },
    },
    {
      kind: 'reference2image',
      input: { request: { model: 'viduq2', images: [person], prompt: 'A poster of this person', aspect_ratio: '3:4' } },
    },
    { kind: 'image2dance', input: { request: { image_url: person, video_url: moves } } },
    // Text to video, whose result is then upscaled by a child `upscale` workflow archived beside it.
    {
      kind: 'text2video',
      input: {
        request: { model: 'viduq2', prompt: 'A lighthouse at dusk, waves below', duration: 4 },
        options: { upscale: { resolution: '2K' } },
      },
    },
    {
      kind: 'startEnd2video',
      input: { request: { model: 'viduq2-turbo', images: [still, still], prompt: 'Day turns to night', duration: 4 } },
    },
    { kind: 'text2audio', input: { request: { model: 'audio1.0', prompt: 'Rain on a tin roof', duration: 4 } } },
  ];
  // 15 s ⇒ three storyboards; storyboard 0 and the BGM are regenerated before composing.
  const adFilm: AdFilmInput = {
    request: {
      images: [product, person],
      prompt: 'A bottle of cold brew on a sunny desk',
      duration: 15,
      aspect_ratio: '16:9',
      language: 'en',
    },
    edits: [
      { type: 'video', storyboard: 0, prompt: 'Close-up of the bottle: condensation running down the glass' },
      { type: 'bgm', prompt: 'Warm acoustic guitar, relaxed tempo' },
    ],
  };
  // Over HTTP media are URLs or data: URIs (the API never reads its own disk for a caller).
  const dataUri = `data:image/png;base64,${renderPng('demo-http', { width: 640, height: 360 }).toString('base64')}`;
  const httpBody = await file(
    'http-img2video.json',
    Buffer.from(
      JSON.stringify({ request: { model: 'viduq2', images: [dataUri], prompt: 'The camera pulls back', duration: 5 } }),
    ),
  );
  return { generations, adFilm, httpBody };
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
