// A real caller in another language (issue 22 item 5): examples/temporal-sdk-caller.py, Python with
// the official temporalio package from PyPI (a venv made by dev/python-sdk.ts), drives vidu-flow's
// workflow types by name against the processes of dev/stack.ts. It prints one JSON report; each
// test below checks one part of it, so a failure names the step.
//
// Two parts assert behaviour other lanes deliver (the lead reconciles after merging them):
// - the hostile-id table (issue 22 item 1): refused in the workflow's first step needs lane B's
//   workflows/common/own-id.ts; on a main without it those starts are paid and then lost;
// - typed update rejections (issue 22 item 3): the type names NotReadyForReview / InvalidEdits
//   with details { issues: [{ field, rule, message }] } are lane D's.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientRequestIdFor } from '../../activities/idempotency';
import { ensurePythonSdk, TEMPORALIO_VERSION } from '../../dev/python-sdk';
import { renderPng } from '../../sim/media/render';
import { newApiKey } from '../../platform/keys/api-keys';
import { startE2eEnv, type E2eEnv } from '../helpers/e2e';
import { temporalServer } from '../helpers/temporal';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'examples/temporal-sdk-caller.py');

interface Failure {
  type: string;
  nonRetryable?: boolean;
  message?: string;
  details?: Array<
    { issues?: Array<string | { field?: string; rule?: string; message?: string }> } & Record<string, unknown>
  >;
  status?: string;
}
interface Row {
  name: string;
  id: string;
  expect?: 'refused' | 'archived';
  outcome: 'completed' | 'failed' | 'start-refused' | 'timeout';
  failure?: Failure;
  taskId?: string;
  files?: number;
  manifest?: string;
}
interface Rejection {
  rejected: boolean;
  failure?: Failure;
  answer?: unknown;
}
interface Report {
  tag: string;
  temporalio: string;
  errors: Record<string, string>;
  tookMs: Record<string, number>;
  badInput: Row[];
  hostile: Row[];
  timeouts: Row[];
  sim: { requestsBeforeRefused: number; requestsAfterRefused: number };
  generation: {
    id: string;
    result: { taskId: string; files: number; manifest: string };
    creations: number;
    state: string;
    status: Record<string, unknown>;
  };
  idempotent: {
    id: string;
    whileRunning: { how: string; sameRun: boolean };
    afterCompletion: { how: string; sameTask: boolean };
  };
  cancel: {
    id: string;
    outcome: string;
    failure?: Failure;
    status: { phase: string; cancellation?: { outcome: string } };
  };
  adFilm: {
    id: string;
    beforeReview: Rejection;
    unknownStoryboard: Rejection;
    edit: Rejection;
    storyboards: number;
    outcome: string;
    edits: string[];
    files: number;
    failure?: Failure;
  };
  schedule: { id: string; paused: boolean; workflowType: string };
  upload: { ref: string; bytes: number; sha256: string; expiresAt: string; owned: Row; unowned: Row };
}

/** The key the Python caller uploads with (POST /v1/uploads), its id the workflow's ViduCaller. */
const uploader = newApiKey('python-caller');

let dir: string;
let media: Server;
let env: E2eEnv;
let report: Report;
let python: string;
let mediaUrl: string;
let run: { code: number | null; stdout: string; stderr: string };

function runProcess(
  file: string,
  args: string[],
  extraEnv: Record<string, string>,
  timeoutMs: number,
): Promise<typeof run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...extraEnv }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

/** The `vidu-flow` CLI as a process (cli/bin.js), against this test's server and task queue. */
function cli(args: string[]): Promise<typeof run> {
  const { address, namespace } = temporalServer();
  return runProcess(
    process.execPath,
    [
      path.join(ROOT, 'cli/bin.js'),
      '--address',
      address,
      '--namespace',
      namespace,
      '--task-queue',
      env.client.taskQueue,
      ...args,
    ],
    {},
    60_000,
  );
}

/** Every issue line of an InvalidRequest, whether a string (today) or `{ field, … }` (lane D adds those beside). */
function issueTexts(f: Failure | undefined): string[] {
  return (f?.details?.[0]?.issues ?? []).map((i) =>
    typeof i === 'string' ? i : `${i.field ?? ''}: ${i.message ?? ''}`,
  );
}

function manifestExists(manifest: string | undefined): boolean {
  if (!manifest) return false;
  return existsSync(manifest.startsWith('file:') ? fileURLToPath(manifest) : manifest);
}

/** Requests that reached the simulator for this workflow id: by its client_request_id and its callback URL. */
async function simRequestsFor(id: string): Promise<number> {
  const crid = clientRequestIdFor(id);
  const log = await env.sim.requests();
  const inUrl = encodeURIComponent(id);
  return log.filter((r) => r.clientRequestId === crid || JSON.stringify(r.body ?? '').includes(`workflowId=${inUrl}`))
    .length;
}

beforeAll(async () => {
  // The venv first: seconds when cached; when pip cannot reach PyPI this throws with instructions (no skip).
  const sdk = await ensurePythonSdk({ log: (line) => console.log(line) });
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-py-sdk-'));
  const png = renderPng('python caller', { width: 640, height: 360 });
  // The generation input: an http URL (the worker downloads it, as it would a customer's CDN).
  media = createServer((req, res) => {
    if (req.url !== '/still.png') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
  });
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/still.png`;
  python = sdk.python;
  // The HTTP API too, for the upload step: the keys file 0600 (the API refuses others-readable ones).
  const keysFile = path.join(dir, 'keys.json');
  await writeFile(keysFile, JSON.stringify([uploader.entry]), { mode: 0o600 });
  env = await startE2eEnv('python-sdk', dir, { simEnv: { VIDU_SIM_TIME_SCALE: '60' }, apiKeysFile: keysFile });
  const { address, namespace } = temporalServer();
  run = await runProcess(
    sdk.python,
    [SCRIPT],
    {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      VIDU_TASK_QUEUE: env.client.taskQueue,
      VIDU_FLOW_MEDIA_URL: mediaUrl,
      VIDU_SIM_URL: env.stack.simUrl,
      VIDU_FLOW_STEP_TIMEOUT: '90',
      VIDU_FLOW_API_URL: env.stack.apiUrl!,
      VIDU_FLOW_API_KEY: uploader.key,
      VIDU_FLOW_API_KEY_ID: (uploader.entry as { id: string }).id,
    },
    170_000,
  );
  report = JSON.parse(run.stdout.trim().split('\n').at(-1) || '{}') as Report;
}, 240_000);

afterAll(async () => {
  if (report?.schedule?.id) await cli(['schedule', 'delete', report.schedule.id]).catch(() => undefined);
  await env?.client.temporal.connection.close();
  await env?.stack.stop();
  await new Promise((r) => media?.close(r));
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

describe('a caller in Python through the Temporal SDK (examples/temporal-sdk-caller.py)', () => {
  it(`runs with temporalio ${TEMPORALIO_VERSION} from PyPI and every step completes`, () => {
    expect(run.code, run.stderr).toBe(0);
    expect(report.temporalio).toBe(TEMPORALIO_VERSION);
    expect(report.errors, run.stderr).toEqual({});
    console.log(`[python-sdk] step times (ms): ${JSON.stringify(report.tookMs)}`);
  });

  it('bad input: every start refused with a non-retryable InvalidRequest naming the field, and none reaches the simulator', async () => {
    expect(report.badInput).toHaveLength(10);
    // An unknown top-level input field (`{ request, extra }`) is among them: the workflow's first step
    // refuses it (workflows/common/own-id.ts), as the published schema does.
    expect(report.badInput.map((r) => r.name)).toContain('unknown input field');
    for (const row of report.badInput) {
      expect(row.outcome, row.name).toBe('failed');
      expect(row.failure?.type, row.name).toBe('InvalidRequest');
      expect(row.failure?.nonRetryable, row.name).toBe(true);
      expect(issueTexts(row.failure).length, row.name).toBeGreaterThan(0);
      expect(await simRequestsFor(row.id), row.name).toBe(0);
    }
    const fieldOf = (name: string) => issueTexts(report.badInput.find((r) => r.name === name)?.failure).join('\n');
    expect(fieldOf('duration out of range')).toMatch(/duration/);
    expect(fieldOf("callback_url is vidu-flow's")).toMatch(/callback_url/);
    expect(fieldOf('unknown waitMode')).toMatch(/options\.waitMode/);
    expect(fieldOf('private address input')).toMatch(/images/);
  });

  // Needs lane B (workflows/common/own-id.ts: the workflow's first step refuses an id it cannot keep).
  it('hostile ids and start options (issue 22 item 1): each refused, typed, before Vidu sees a request, or accepted and archived', async () => {
    const refused = report.hostile.filter((r) => r.expect === 'refused');
    const accepted = report.hostile.filter((r) => r.expect === 'archived');
    expect(refused.length).toBeGreaterThanOrEqual(13);
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    let reachedVidu = 0;
    const lines: string[] = [];
    for (const row of refused) {
      const requests = await simRequestsFor(row.id);
      reachedVidu += requests;
      lines.push(
        `  refused? ${row.name}: ${row.outcome} ${row.failure?.type ?? ''}${row.failure?.status ? `/${row.failure.status}` : ''}, ${requests} Vidu request(s)`,
      );
    }
    let archivedCount = 0;
    for (const row of accepted) {
      const ok = row.outcome === 'completed' && (row.files ?? 0) > 0 && manifestExists(row.manifest);
      archivedCount += ok ? 1 : 0;
      lines.push(
        `  accepted? ${row.name}: ${row.outcome}${ok ? `, archived (${row.files} files)` : ` ${row.failure?.type ?? ''}`}`,
      );
    }
    const simDelta = report.sim.requestsAfterRefused - report.sim.requestsBeforeRefused;
    console.log(
      `[python-sdk] hostile-id table: ${refused.length} refused starts caused ${reachedVidu} Vidu request(s) (simulator total but credits reads +${simDelta}; goal 0), ` +
        `${archivedCount}/${accepted.length} accepted starts archived (goal all)\n${lines.join('\n')}`,
    );
    for (const row of refused) {
      // Either Temporal itself refused the start (nothing ran), or the workflow's first step did.
      if (row.outcome === 'start-refused') expect(row.failure?.type, row.name).toBe('RPCError');
      else {
        expect(row.outcome, row.name).toBe('failed');
        expect(row.failure?.type, row.name).toBe('InvalidRequest');
        expect(row.failure?.nonRetryable, row.name).toBe(true);
        expect(issueTexts(row.failure).join('\n'), row.name).toMatch(/^workflowId/m);
      }
    }
    expect(reachedVidu).toBe(0);
    expect(simDelta).toBe(0);
    expect(archivedCount).toBe(accepted.length);
  });

  // A workflow execution or run timeout is a start option every SDK allows; one shorter than the
  // wait would end the workflow while Vidu holds the paid task, with nothing to archive its result
  // (before the first-step check in workflows/common/own-id.ts: 2 of 2 paid and then lost). Now refused.
  it('execution and run timeouts: refused with InvalidRequest before Vidu sees a request', async () => {
    expect(report.timeouts).toHaveLength(2);
    const lines: string[] = [];
    for (const row of report.timeouts) {
      const requests = await simRequestsFor(row.id);
      expect(row.outcome, row.name).toBe('failed');
      expect(row.failure?.type, row.name).toBe('InvalidRequest');
      expect(requests, row.name).toBe(0);
      lines.push(`  ${row.name}: ${row.failure?.type}, ${requests} Vidu request(s)`);
    }
    console.log(`[python-sdk] timeouts: 0/${report.timeouts.length} paid and lost\n${lines.join('\n')}`);
  });

  it('a generation from an http URL: result archived, status done, one Vidu submission', async () => {
    const g = report.generation;
    expect(g.state).toBe('success');
    expect(g.creations).toBeGreaterThan(0);
    expect(g.result.files).toBeGreaterThan(0);
    expect(manifestExists(g.result.manifest)).toBe(true);
    expect(g.status).toMatchObject({ phase: 'done', state: 'success', taskId: g.result.taskId });
  });

  it("a generation with an uploaded input: uploaded over HTTP (urllib), started through the SDK with ViduCaller = the key's id, archived; without ViduCaller the ref is not found", async () => {
    const u = report.upload;
    expect(u, JSON.stringify(report.errors)).toBeDefined();
    expect(u.ref).toBe(`staged:key-${(uploader.entry as { id: string }).id}/${u.sha256}.png`);
    expect(Date.parse(u.expiresAt)).toBeGreaterThan(Date.now());
    expect(u.owned.outcome, JSON.stringify(u.owned)).toBe('completed');
    expect(u.owned.files).toBeGreaterThan(0);
    expect(manifestExists(u.owned.manifest!)).toBe(true);
    expect(u.unowned.outcome).toBe('failed');
    expect(u.unowned.failure).toMatchObject({ type: 'InvalidRequest', nonRetryable: true });
    expect(u.unowned.failure!.message).toMatch(/staged input not found/);
    expect(await simRequestsFor(u.unowned.id)).toBe(0);
  });

  it('idempotent restart: the same start while running finds the run; after completion WorkflowAlreadyStartedError is caught and the first result read; Vidu saw one submission', async () => {
    const i = report.idempotent;
    expect(i.whileRunning).toEqual({ how: 'started-or-running', sameRun: true });
    expect(i.afterCompletion).toEqual({ how: 'already-started-caught', sameTask: true });
    expect((await env.sim.stats()).submissionsByClientRequestId[clientRequestIdFor(i.id)]).toBe(1);
  });

  it('a cancel: the workflow closes Cancelled and its status says what Vidu did', () => {
    const c = report.cancel;
    console.log(`[python-sdk] cancel: ${JSON.stringify(c)}`);
    expect(c.outcome).toBe('failed');
    expect(c.failure?.type).toBe('Cancelled');
    expect(c.status.phase).toBe('cancelled');
    expect(['cancelled', 'not-submitted']).toContain(c.status.cancellation?.outcome);
  });

  it('an AD film in review: an edit is accepted, approval composes, the film is archived', () => {
    const f = report.adFilm;
    expect(f.storyboards).toBeGreaterThan(0);
    expect(f.edit).toEqual({ rejected: false, answer: { accepted: 1 } });
    expect(f.outcome, JSON.stringify(f.failure)).toBe('completed');
    expect(f.edits).toEqual(['success']);
    expect(f.files).toBeGreaterThan(0);
  });

  // Before the typed rejections, both arrived as ApplicationError(type "Error", details []).
  it('typed update rejections: requestEdits before review is NotReadyForReview, an unknown storyboard InvalidEdits naming edits[0].storyboard', () => {
    const { beforeReview, unknownStoryboard } = report.adFilm;
    console.log(
      `[python-sdk] requestEdits rejections as Python sees them: before review ${JSON.stringify(beforeReview.failure)}; storyboard 99 ${JSON.stringify(unknownStoryboard.failure)}`,
    );
    expect(beforeReview.rejected).toBe(true);
    expect(unknownStoryboard.rejected).toBe(true);
    expect(beforeReview.failure?.type).toBe('NotReadyForReview');
    expect(unknownStoryboard.failure?.type).toBe('InvalidEdits');
    const details = unknownStoryboard.failure?.details?.[0] as { problems?: unknown[]; issues?: unknown[] } | undefined;
    expect(details?.problems).toContainEqual(
      expect.objectContaining({ field: 'edits[0].storyboard', rule: 'not-found' }),
    );
    expect((details?.issues ?? []).join('\n')).toMatch(/^edits\[0\]\.storyboard: /);
    expect((beforeReview.failure?.details?.[0] as { problems?: unknown[] } | undefined)?.problems).toContainEqual(
      expect.objectContaining({ field: 'edits', rule: 'state' }),
    );
  });

  it("README's Python snippet runs as written (address, task queue and image swapped in) and reads the result", async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('#### Through a Temporal SDK'));
    const snippet = /```python\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toBeDefined();
    const { address, namespace } = temporalServer();
    const wid = `img2video-shop-order-${report.tag}`;
    const swapped = (snippet as string)
      .replace('"localhost:7233"', JSON.stringify(address))
      .replace('namespace="default"', `namespace=${JSON.stringify(namespace)}`)
      .replace('task_queue="vidu-flow"', `task_queue=${JSON.stringify(env.client.taskQueue)}`)
      .replace('"https://example.com/still.png"', JSON.stringify(mediaUrl))
      .replace('"img2video-shop-order-1234"', JSON.stringify(wid));
    // The snippet awaits at top level (as in a notebook or an async function): run it inside one.
    // After it, the process leaves with os._exit, as examples/temporal-sdk-caller.py does: the SDK's
    // native core once aborted the interpreter at shutdown (PyGILState_Release while finalizing),
    // after the snippet had done its work; the exit code still says whether the snippet raised.
    const program = `import asyncio, os, sys\nasync def main():\n${swapped
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\nasyncio.run(main())\nsys.stdout.flush()\nos._exit(0)\n`;
    const out = await runProcess(python, ['-c', program], {}, 110_000);
    expect(out.code, out.stderr).toBe(0);
    // It prints the Vidu task id and the archived files' locations.
    const [taskId] = out.stdout.trim().split(' ');
    expect((await env.client.getHandle(wid).result()).taskId).toBe(taskId);
  });

  it('a Schedule made in Python is listed by `vidu-flow schedule list`', async () => {
    expect(report.schedule).toMatchObject({ paused: true, workflowType: 'img2video' });
    const all = await cli(['schedule', 'list', '--json', '--all']);
    expect(all.code, all.stderr).toBe(0);
    const listedAll = (JSON.parse(all.stdout) as Array<{ scheduleId: string; action: string }>).find(
      (s) => s.scheduleId === report.schedule.id,
    );
    expect(listedAll).toBeDefined();
    // Recognised by what it starts (our workflow type on our task queue), not by a private memo.
    const own = await cli(['schedule', 'list', '--json']);
    expect(own.code, own.stderr).toBe(0);
    expect(
      (JSON.parse(own.stdout) as Array<{ scheduleId: string }>).some((s) => s.scheduleId === report.schedule.id),
    ).toBe(true);
  });
});
