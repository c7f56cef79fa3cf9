// Budgets (issue 19 §2) under time skipping: the REAL ledger workflow (workflows/budgets/), the REAL
// budget activities and submit-when-admitted wrapper (activities/budgets.ts, admitted-submit.ts),
// over the stub Vidu (test/helpers/stub-activities.ts). A day's rollover passes in seconds; the
// ledger's figures are read with its query after each generation.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmittedSubmit } from '../../activities/admitted-submit';
import { makeBudgetActivities } from '../../activities/budgets';
import {
  BUDGET_LEDGER_WORKFLOW_TYPE,
  budgetLedgerId,
  budgetLedgerQuery,
  reserveBudgetUpdate,
} from '../../core/budget-messages';
import { budgetStatus, type BudgetEntry, type LedgerState } from '../../core/budgets';
import { FailureType } from '../../core/failure-types';
import type { SubmitInput } from '../../activities/submit';
import type { GenerationStatus, SubmitResult } from '../../core/generation-types';
import { batchStatusQuery, statusQuery } from '../../core/workflow-messages';
import type { BatchLine, BatchStatus, BatchSummary } from '../../core/batch-types';
import { estimateCredits } from '../../vidu/prices';
import { failureOf } from '../helpers/temporal';
import { STUB_ACTIVITY_NAMES, StubVidu, type Scenario } from '../helpers/stub-activities';
import { secondsSince, startFastWorker, type FastWorker } from '../helpers/time-skipping';

let fast: FastWorker;
const fileStarted = Date.now();

beforeAll(async () => {
  fast = await startFastWorker([...STUB_ACTIVITY_NAMES, 'settleBudget', 'budgetHoldersClosed']);
});

afterAll(async () => {
  await fast?.close();
  process.stderr.write(`[time-skipping] test/workflow/budgets.test.ts took ${secondsSince(fileStarted)} s\n`);
});

const video = { model: 'viduq2', images: ['https://cdn.example/a.png'], prompt: 'the camera pushes in', duration: 5 };
/** The built-in price of `video` (docs/vidu-pricing.md: viduq2 720p 5 s), and what the stub Vidu charges. */
const PRICE = 55;

/** One account (a ledger of its own) with these budgets; its generations run on the stub Vidu. */
function account(entries: BudgetEntry[], owner = 'operator') {
  const accountId = `acct-${randomUUID().slice(0, 8)}`;
  const ledgerId = budgetLedgerId(accountId);
  const budgets = makeBudgetActivities({ budgets: () => entries, accountId, currentOwner: async () => owner });
  fast.route(ledgerId, budgets);
  const ledger = () => fast.env.client.workflow.getHandle(ledgerId).query(budgetLedgerQuery);
  const figures = async (name: string) => {
    const now = await fast.env.currentTimeMs();
    return budgetStatus(await ledger(), now).find((b) => b.name === name)!;
  };

  /** The stub Vidu's activities with the real budget layer in front of its submission. */
  function budgeted(vidu: StubVidu, submitFails = 0) {
    const stubs = vidu.activities();
    let failures = submitFails;
    const submitTask = async (input: SubmitInput): Promise<SubmitResult> => {
      // A crash after the reservation, before the task: the activity's retry reserves again.
      if (failures-- > 0) throw ApplicationFailure.create({ type: 'ViduUnavailable', message: 'stub: 503' });
      const out = await stubs.submitWhenAdmitted!({ ...input, admission: { priority: 'interactive', ticket: 1 } });
      if ('queued' in out || 'budgetWait' in out || 'held' in out) throw new Error('the stub does not queue');
      return out;
    };
    return {
      ...stubs,
      submitWhenAdmitted: makeAdmittedSubmit(
        submitTask,
        async () => undefined,
        async () => undefined,
        undefined,
        budgets,
      ),
      settleBudget: budgets.settleBudget,
    };
  }

  /** Starts img2video on the stub Vidu, with the real budget layer in front of its submission. */
  async function start(
    scenario: Partial<Scenario>,
    options: Record<string, unknown> = {},
    submitFails = 0,
  ): Promise<{ handle: WorkflowHandle; vidu: StubVidu }> {
    const vidu = new StubVidu({ credits: PRICE, ...scenario });
    const workflowId = `img2video-budget-${randomUUID()}`;
    fast.route(workflowId, budgeted(vidu, submitFails));
    const handle = await fast.env.client.workflow.start('img2video', {
      taskQueue: fast.taskQueue,
      workflowId,
      args: [{ request: { ...video, ...(scenario.offPeak ? { off_peak: true } : {}) }, options }],
    });
    return { handle, vidu };
  }
  return { ledgerId, ledger, figures, start, budgeted };
}

async function statusWhen(handle: WorkflowHandle, ready: (s: GenerationStatus) => boolean) {
  for (let i = 0; i < 200; i += 1) {
    const status = (await handle.query(statusQuery)) as GenerationStatus;
    if (ready(status)) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`status never reached the expected state: ${JSON.stringify(await handle.query(statusQuery))}`);
}

async function settleMarkers(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => JSON.stringify(e).includes('settleBudget')).length;
}

describe('reserve and settle', () => {
  it('a successful task settles its reservation to what Vidu charged', async () => {
    const a = account([{ name: 'all', limitCredits: 1000, period: 'day' }]);
    const { handle, vidu } = await a.start({});
    await handle.result();
    const all = await a.figures('all');
    console.log(`[budgets] success: reserved ${all.reserved}, charged ${all.charged} of ${all.limitCredits}`);
    expect(vidu.callsOf('submitWhenAdmitted')).toHaveLength(1);
    expect(all).toMatchObject({ reserved: 0, charged: PRICE, remaining: 1000 - PRICE });
  });

  it('a failed task gives its credits back (settled to 0)', async () => {
    const a = account([{ name: 'all', limitCredits: 1000, period: 'day' }]);
    const { handle } = await a.start({ script: () => ({ state: 'failed', errCode: 'TaskFailed', credits: 0 }) });
    const failure = await failureOf(handle);
    expect((failure as ApplicationFailure).type).toBe(FailureType.ViduTaskFailed);
    expect(await a.figures('all')).toMatchObject({ reserved: 0, charged: 0, remaining: 1000 });
  });

  it('an off-peak refund gives its credits back', async () => {
    const a = account([{ name: 'all', limitCredits: 1000, period: 'day' }]);
    const { handle } = await a.start({
      offPeak: true,
      script: () => ({ state: 'failed', errCode: 'OffPeakTimeout', credits: 0 }),
    });
    const failure = await failureOf(handle);
    expect((failure as ApplicationFailure).type).toBe(FailureType.OffPeakRefunded);
    expect(await a.figures('all')).toMatchObject({ reserved: 0, charged: 0 });
  });

  it('a retried submit activity (a crash after reserving) reserves once and is charged once', async () => {
    const a = account([{ name: 'all', limitCredits: 1000, period: 'day' }]);
    const { handle, vidu } = await a.start({}, {}, 2);
    await handle.result();
    const state: LedgerState = await a.ledger();
    expect(vidu.tasks.size).toBe(1);
    expect(Object.keys(state.settled)).toEqual([`${handle.workflowId}#submit`]);
    expect(await a.figures('all')).toMatchObject({ reserved: 0, charged: PRICE });
  });

  it('the same reservation id reserved twice counts once', async () => {
    const a = account([{ name: 'all', limitCredits: 100, period: 'day' }]);
    const reserve = () =>
      fast.env.client.workflow.executeUpdateWithStart(reserveBudgetUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(BUDGET_LEDGER_WORKFLOW_TYPE, {
          workflowId: a.ledgerId,
          taskQueue: fast.taskQueue,
          args: [],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
        args: [
          {
            reservationId: 'dup#submit',
            workflowId: 'dup',
            subject: { owner: 'operator', kind: 'img2video' },
            credits: 60,
            entries: [{ name: 'all', limitCredits: 100, period: 'day' }],
          },
        ],
      });
    expect((await reserve()).reserved).toBe(true);
    // 60 + 60 would not fit 100: a second count would be refused, a repeat is answered `reserved`.
    expect((await reserve()).reserved).toBe(true);
    expect(await a.figures('all')).toMatchObject({ reserved: 60, charged: 0 });
    await fast.env.client.workflow.getHandle(a.ledgerId).terminate('test over');
  });

  it('a budget that does not apply (another caller) adds no command to the generation', async () => {
    const a = account([{ name: 'bob', limitCredits: 1, period: 'day', caller: 'bob' }]);
    const { handle } = await a.start({});
    await handle.result();
    expect(await settleMarkers(handle)).toBe(0);
  });

  it('a terminated generation is reconciled: its reservation counts what Vidu charged (ViduCredits)', async () => {
    const a = account([{ name: 'all', limitCredits: 1000, period: 'day' }]);
    const { handle } = await a.start({ script: () => ({ state: 'success', polls: 'never' }) });
    await statusWhen(handle, (s) => s.phase === 'waiting');
    expect(await a.figures('all')).toMatchObject({ reserved: PRICE, charged: 0 });
    await handle.terminate('operator pulled the plug');
    // The ledger looks for closed holders every DEFAULT_BUDGET_RECONCILE_SECONDS (60 s of workflow time).
    await fast.env.sleep('2m');
    const all = await a.figures('all');
    console.log(`[budgets] terminated generation reconciled: reserved ${all.reserved}, charged ${all.charged}`);
    expect(all).toMatchObject({ reserved: 0, charged: PRICE });
  });
});

describe('when the estimate does not fit', () => {
  it('an interactive generation fails BudgetExceeded by default, naming the budget, before any task', async () => {
    const a = account([{ name: 'tight', limitCredits: PRICE - 1, period: 'month' }]);
    const { handle, vidu } = await a.start({});
    const failure = (await failureOf(handle)) as ApplicationFailure;
    expect(failure.type).toBe(FailureType.BudgetExceeded);
    expect(failure.details?.[0]).toMatchObject({
      budget: 'tight',
      period: 'month',
      limitCredits: PRICE - 1,
      reserved: 0,
      charged: 0,
      requested: PRICE,
    });
    expect(vidu.tasks.size).toBe(0);
  });

  it('a batch-priority generation waits by default, shows the budget, and runs once the day rolls over', async () => {
    const a = account([{ name: 'daily', limitCredits: PRICE, period: 'day' }]);
    // Ten minutes before a UTC midnight, so the rollover is near in workflow time.
    const now = await fast.env.currentTimeMs();
    const midnight = Date.UTC(
      new Date(now).getUTCFullYear(),
      new Date(now).getUTCMonth(),
      new Date(now).getUTCDate() + 1,
    );
    await fast.env.sleep(midnight - now - 10 * 60_000);
    const first = await a.start({});
    await first.handle.result();
    const second = await a.start({}, { priority: 'batch' });
    const held = await statusWhen(second.handle, (s) => s.phase === 'waiting_for_budget');
    expect(held.budgetHold).toMatchObject({ budget: 'daily', charged: PRICE, requested: PRICE });
    expect(second.vidu.tasks.size).toBe(0);
    const result = await second.handle.result();
    expect(result.credits).toBe(PRICE);
    expect(second.vidu.tasks.size).toBe(1);
    const daily = await a.figures('daily');
    console.log(`[budgets] after the rollover (${daily.periodKey}): charged ${daily.charged} of ${daily.limitCredits}`);
    expect(daily).toMatchObject({ reserved: 0, charged: PRICE });
  });

  it('a waiting generation is woken by the ledger when a failed task gives its credits back', async () => {
    const a = account([{ name: 'one', limitCredits: PRICE, period: 'month' }]);
    const first = await a.start({
      script: () => ({ state: 'failed', errCode: 'TaskFailed', credits: 0, polls: 'never' }),
    });
    const { taskId } = await statusWhen(first.handle, (s) => s.phase === 'waiting');
    const second = await a.start({}, { priority: 'batch' });
    await statusWhen(second.handle, (s) => s.phase === 'waiting_for_budget');
    first.vidu.finish(taskId as string, 'failed', 'TaskFailed');
    await failureOf(first.handle);
    expect((await second.handle.result()).credits).toBe(PRICE);
    const events = (await second.handle.fetchHistory()).events ?? [];
    const woken = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'budgetFreed');
    const timerFired = events.findIndex((e) => e.timerFiredEventAttributes);
    console.log(
      `[budgets] the waiting generation was woken by budgetFreed at event ${woken + 1} (first timer fired: ${timerFired + 1 || 'none'})`,
    );
    expect(woken).toBeGreaterThan(0);
    expect(timerFired === -1 || timerFired > woken).toBe(true);
    expect(await a.figures('one')).toMatchObject({ reserved: 0, charged: PRICE });
  });

  it('onBudgetExceeded wait on an interactive generation waits too; fail on a batch one fails', async () => {
    const a = account([{ name: 'none', limitCredits: 0, period: 'month' }]);
    const batchFails = await a.start({}, { priority: 'batch', onBudgetExceeded: 'fail' });
    expect(((await failureOf(batchFails.handle)) as ApplicationFailure).type).toBe(FailureType.BudgetExceeded);
    const interactiveWaits = await a.start({}, { onBudgetExceeded: 'wait' });
    const held = await statusWhen(interactiveWaits.handle, (s) => s.phase === 'waiting_for_budget');
    expect(held.budgetHold?.budget).toBe('none');
    await interactiveWaits.handle.terminate('test over');
  });
});

describe('a batch under a budget', () => {
  it('its lines wait (batch priority), its status names the budget, and they run after the rollover', async () => {
    // text2video viduq2 (5 s by default): the built-in table's price, which the stub charges too.
    const price = estimateCredits('text2video', { model: 'viduq2', prompt: 'p' }).credits;
    const a = account([{ name: 'daily', limitCredits: 2 * price, period: 'day' }]);
    const now = await fast.env.currentTimeMs();
    const midnight = Date.UTC(
      new Date(now).getUTCFullYear(),
      new Date(now).getUTCMonth(),
      new Date(now).getUTCDate() + 1,
    );
    await fast.env.sleep(midnight - now - 30 * 60_000);
    const batchLines: BatchLine[] = [1, 2, 3].map((n) => ({
      line: n,
      offset: n * 100,
      kind: 'text2video',
      input: { request: { model: 'viduq2', prompt: `line ${n}` }, options: { priority: 'batch' } },
    }));
    const vidu = new StubVidu({ credits: price, batchLines, script: () => ({ state: 'success', polls: 1 }) });
    const workflowId = `batch-budget-${randomUUID()}`;
    fast.route(workflowId, a.budgeted(vidu));
    const handle = await fast.env.client.workflow.start('batch', {
      taskQueue: fast.taskQueue,
      workflowId,
      args: [{ source: { path: '/stub/lines.jsonl' }, window: 3 }],
    });
    let held: BatchStatus | undefined;
    for (let i = 0; i < 200 && !held?.budgetHold; i += 1) {
      held = await handle.query(batchStatusQuery);
      if (!held.budgetHold) await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`[budgets] batch held: ${JSON.stringify(held?.budgetHold)}`);
    expect(held?.budgetHold).toMatchObject({ budget: 'daily', lines: 1 });
    const summary = (await handle.result()) as BatchSummary;
    expect(summary).toMatchObject({ total: 3, succeeded: 3, credits: 3 * price });
    expect((await handle.query(batchStatusQuery)).budgetHold).toBeUndefined();
    expect(vidu.tasks.size).toBe(3);
  });
});
