// Budgets end to end (issue 19 §2 and §5): the simulator, the callback receiver, the worker and the
// HTTP API as processes, the budgets file on the worker and the API. What only real processes can
// show: fifty generations racing for a budget that fits exactly ten, with the worker SIGKILLed
// while the reservations are being made, never get an eleventh task to Vidu nor charge a credit
// over the budget; and GET /v1/budgets shows each key its own budgets only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViduFlowClient } from '../../client';
import { accountIdFor } from '../../activities/admission';
import { readLedgers } from '../../client/budgets';
import { budgetLedgerId } from '../../core/budget-messages';
import type { BudgetEntry } from '../../core/budgets';
import { FailureType } from '../../core/failure-types';
import { startStack, type Stack } from '../../dev/stack';
import { newApiKey } from '../../platform/keys/api-keys';
import { SimAdmin } from '../../sim/admin-client';
import { estimateCredits } from '../../vidu/prices';
import { until } from '../helpers/e2e';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';

const request = { model: 'viduq2', prompt: 'a lighthouse at dusk', duration: 5 };
/** What the worker reserves and the simulator charges (the same built-in table). */
const PRICE = estimateCredits('text2video', request).credits;
const TEN = 10 * PRICE;

const alice = newApiKey('alice', undefined, 'alice');
const bob = newApiKey('bob', undefined, 'bob');
const budgets: BudgetEntry[] = [
  { name: 'overall', limitCredits: 1_000_000, period: 'month' },
  { name: 'operator-ten', limitCredits: TEN, period: 'day', caller: 'operator' },
  { name: 'alice-daily', limitCredits: 5 * PRICE, period: 'day', caller: 'alice' },
  { name: 'bob-daily', limitCredits: 7 * PRICE, period: 'day', caller: 'bob' },
];

let dir: string;
let stack: Stack;
let client: ViduFlowClient;
let sim: SimAdmin;
const fileStarted = Date.now();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-e2e-budgets-'));
  const keysFile = path.join(dir, 'keys.json');
  await writeFile(keysFile, JSON.stringify([alice.entry, bob.entry]), { mode: 0o600 });
  const budgetsFile = path.join(dir, 'budgets.json');
  await writeFile(budgetsFile, JSON.stringify(budgets));
  const { address, namespace } = temporalServer();
  const taskQueue = uniqueTaskQueue('budgets');
  stack = await startStack({
    temporalAddress: address,
    namespace,
    taskQueue,
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    workerEnv: { VIDU_FLOW_BUDGETS_FILE: budgetsFile },
    apiEnv: { VIDU_FLOW_BUDGETS_FILE: budgetsFile },
    apiKeysFile: keysFile,
    logDir: path.join(dir, 'logs'),
  });
  client = await ViduFlowClient.connect({ address, namespace, taskQueue, stagingDir: path.join(dir, 'staging') });
  sim = new SimAdmin(stack.simUrl);
}, 120_000);

afterAll(async () => {
  // The ledger lives on (continue-as-new) like the slot manager; this stack's is ended with it.
  if (stack && client)
    await client.temporal.workflow
      .getHandle(budgetLedgerId(accountIdFor(stack.apiKey, stack.simUrl)))
      .terminate('test over')
      .catch(() => undefined);
  await stack?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
  process.stderr.write(`[e2e] test/e2e/budgets.test.ts took ${((Date.now() - fileStarted) / 1000).toFixed(1)} s\n`);
});

const api = async (key: string, method: string, url: string, body?: unknown) => {
  const res = await fetch(`${stack.apiUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('GET /v1/budgets', () => {
  it("shows a key its own budgets with their figures, never another key's or the shared ones", async () => {
    const started = await api(alice.key, 'POST', '/v1/generations/text2video', {
      request,
      options: { archive: false },
    });
    expect(started.status).toBe(201);
    await until(
      () => api(alice.key, 'GET', '/v1/budgets'),
      (r) => (r.body.budgets as Array<{ charged: number }>)[0]?.charged === PRICE,
      "alice's generation settled",
      120_000,
    );
    const mine = await api(alice.key, 'GET', '/v1/budgets');
    expect(mine.body.budgets).toEqual([
      expect.objectContaining({
        name: 'alice-daily',
        caller: 'alice',
        limitCredits: 5 * PRICE,
        reserved: 0,
        charged: PRICE,
        remaining: 4 * PRICE,
      }),
    ]);
    const theirs = await api(bob.key, 'GET', '/v1/budgets');
    expect((theirs.body.budgets as Array<{ name: string }>).map((b) => b.name)).toEqual(['bob-daily']);
    expect(theirs.body.budgets).toEqual([expect.objectContaining({ charged: 0, reserved: 0 })]);
    expect(JSON.stringify(theirs.body)).not.toMatch(/alice|overall|operator/);
    expect((await api('vf_not-a-key', 'GET', '/v1/budgets')).status).toBe(401);
  }, 180_000);
});

describe('fifty generations against a budget that fits exactly ten', () => {
  it('lets exactly ten reach Vidu and fails the rest BudgetExceeded, also across a worker SIGKILL', async () => {
    const before = await sim.stats();
    const tasksBefore = Object.values(before.tasksByState).reduce((a, b) => a + b, 0);
    const handles = await Promise.all(
      Array.from({ length: 50 }, () => client.start('text2video', { request, options: { archive: false } })),
    );
    // Killed while the reservations are being made: some are in, most are not yet.
    const atKill = await until(
      () => readLedgers(client.temporal),
      ({ state }) => Object.keys(state.open).length + Object.keys(state.settled).length >= 2,
      'the first reservations',
      60_000,
    );
    await stack.stopWorker('SIGKILL');
    await stack.startWorker();
    const outcomes = await Promise.all(
      handles.map((h) =>
        h.result().then(
          (r) => ({ ok: true as const, credits: r.credits }),
          (e: unknown) => ({
            ok: false as const,
            type: e instanceof WorkflowFailedError && e.cause instanceof ApplicationFailure ? e.cause.type : String(e),
          }),
        ),
      ),
    );
    const after = await sim.stats();
    const tasks = Object.values(after.tasksByState).reduce((a, b) => a + b, 0) - tasksBefore;
    const succeeded = outcomes.filter((o) => o.ok);
    const refused = outcomes.filter((o) => !o.ok && o.type === FailureType.BudgetExceeded);
    const charged = succeeded.reduce((sum, o) => sum + (o.ok ? o.credits : 0), 0);
    const { state } = await readLedgers(client.temporal);
    const ledgerUse = Object.entries(state.usage).find(([bucket]) => bucket.startsWith('operator-ten@'))?.[1];
    const reservations = Object.keys(state.open).length + Object.keys(state.settled).length;
    console.log(
      `[budgets e2e] 50 started, budget ${TEN} credits (${PRICE} each): ${tasks} tasks reached Vidu, ` +
        `${succeeded.length} succeeded, ${refused.length} BudgetExceeded; charged ${charged}, ` +
        `overrun ${Math.max(0, charged - TEN)} credits; ledger reserved ${ledgerUse?.reserved} charged ${ledgerUse?.charged}; ` +
        `reservations counted ${reservations} (alice's 1 included); at the SIGKILL ${Object.keys(atKill.state.open).length} open, ` +
        `${Object.keys(atKill.state.settled).length - 1} of the fifty settled`,
    );
    expect(tasks).toBe(10);
    expect(succeeded).toHaveLength(10);
    expect(refused).toHaveLength(40);
    expect(charged).toBeLessThanOrEqual(TEN);
    expect(ledgerUse).toEqual({ reserved: 0, charged: TEN });
    // Every reservation counted once: ten operator generations and alice's one.
    expect(reservations).toBe(11);
  }, 300_000);
});
