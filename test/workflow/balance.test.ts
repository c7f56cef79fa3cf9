// The balance watch and the credits floors (issue 19 §3) under time skipping with stub
// activities: the check workflow (workflows/balance/balance-check.ts) read after read, as its
// Schedule would start it (the Java test server has no Schedules: the e2e test,
// test/e2e/balance.test.ts, runs the real one), and a generation held by a floor in its submit
// (workflows/generation/phases.ts), released when a later read is above it. The hold rule is the
// real one (core/balance.ts creditsHoldFloor); only its input, the last reading, is the test's.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BalanceReading,
  type BalanceState,
  type CreditFloors,
  creditsHoldFloor,
  initialBalanceState,
  type LowBalanceEvent,
} from '../../core/balance';
import type { GenerationResult, GenerationStatus, Priority } from '../../core/generation-types';
import { statusQuery } from '../../core/workflow-messages';
import { slotGrantedSignal } from '../../core/admission-messages';
import { ViduState } from '../../core/search-attributes';
import type { BalanceCheckResult } from '../../workflows/balance/balance-check';
import { STUB_ACTIVITY_NAMES, StubVidu } from '../helpers/stub-activities';
import { secondsSince, startFastWorker, workflowTime, type FastWorker } from '../helpers/time-skipping';

let fast: FastWorker;
const fileStarted = Date.now();
const BALANCE_ACTIVITIES = ['readBalance', 'announceLowBalance', 'saveBalanceState'];

beforeAll(async () => {
  fast = await startFastWorker([...STUB_ACTIVITY_NAMES, ...BALANCE_ACTIVITIES]);
});

afterAll(async () => {
  await fast?.close();
  process.stderr.write(`[time-skipping] test/workflow/balance.test.ts took ${secondsSince(fileStarted)} s\n`);
});

const FLOORS: CreditFloors = { batch: 500, interactive: 100 };

/** The account as the stubs see it: what GET /ent/v2/credits answers, and what the watch saved. */
class StubAccount {
  remains = 1_000;
  reads = 0;
  saved: BalanceState | undefined;
  readonly announced: LowBalanceEvent[] = [];
  constructor(readonly floors: CreditFloors = FLOORS) {}
  activities() {
    return {
      readBalance: async (): Promise<BalanceReading> => {
        this.reads += 1;
        return {
          remains: this.remains,
          packages: [{ name: 'metered', validTo: '2027-12-07T00:00:00.000Z' }],
          readAt: new Date().toISOString(),
          floors: this.floors,
        };
      },
      announceLowBalance: async (event: LowBalanceEvent) => {
        this.announced.push(event);
        return { keys: 1 };
      },
      saveBalanceState: async (state: BalanceState) => {
        this.saved = state;
      },
    };
  }
}

/** One read, as the Schedule starts it: the state the previous read saved is its argument. */
async function read(account: StubAccount, scheduleId: string): Promise<BalanceCheckResult> {
  const workflowId = `${scheduleId}~read-${account.reads + 1}`;
  fast.route(scheduleId, account.activities());
  return fast.env.client.workflow.execute('viduBalanceCheck', {
    taskQueue: fast.taskQueue,
    workflowId,
    args: [account.saved ?? initialBalanceState(scheduleId)],
  });
}

describe('the balance check', () => {
  it('reads once per run and sends account.low_balance once per crossing under a floor', async () => {
    const account = new StubAccount();
    const scheduleId = `vidu-balance-test-${randomUUID()}`;
    // remains, read by read: above both floors, under the batch floor, still under, lower (no new
    // crossing of the batch floor), back above, under again (a second crossing), under both.
    const series = [1_000, 450, 400, 300, 800, 499, 50];
    const sent: number[] = [];
    for (const remains of series) {
      account.remains = remains;
      const before = account.announced.length;
      const result = await read(account, scheduleId);
      expect(result.remains).toBe(remains);
      sent.push(account.announced.length - before);
    }
    expect(account.reads).toBe(series.length);
    expect(sent).toEqual([0, 1, 0, 0, 0, 1, 1]);
    expect(account.announced.map((e) => [e.holds, e.floor, e.remains])).toEqual([
      ['batch', 500, 450],
      ['batch', 500, 499],
      ['interactive', 100, 50],
    ]);
    // One webhook-id per event, numbered in the saved state, so a retried announce reuses it.
    expect(new Set(account.announced.map((e) => e.eventId)).size).toBe(3);
    expect(account.saved).toMatchObject({
      last: { remains: 50 },
      below: { batch: true, interactive: true },
      events: 3,
    });
    process.stderr.write(
      `[time-skipping]   ${series.length} reads of ${series.join(', ')}: events ${sent.join(' ')}\n`,
    );
  });

  it('sends both events when one read falls under both floors, and none without floors', async () => {
    const both = new StubAccount();
    both.remains = 10;
    await read(both, `vidu-balance-test-${randomUUID()}`);
    expect(both.announced.map((e) => e.holds).sort()).toEqual(['batch', 'interactive']);
    const none = new StubAccount({});
    none.remains = 0;
    await read(none, `vidu-balance-test-${randomUUID()}`);
    expect(none.announced).toEqual([]);
    expect(none.saved?.below).toEqual({ batch: false, interactive: false });
  });
});

const video = { model: 'viduq2', images: ['https://cdn.example/a.png'], prompt: 'the camera pushes in', duration: 5 };

/** Stubs whose submit path asks the real floor rule with the account's last reading. */
function heldStubs(vidu: StubVidu, account: { remains: number; asks?: number }) {
  const stubs = vidu.activities();
  const submit = stubs.submitWhenAdmitted!;
  return {
    ...stubs,
    async submitWhenAdmitted(input: Parameters<typeof submit>[0]) {
      account.asks = (account.asks ?? 0) + 1;
      const hold = creditsHoldFloor(account.remains, FLOORS, input.admission.priority);
      if (hold) return { held: 'credits' as const, remains: account.remains, ...hold, recheckSeconds: 60 };
      return submit(input);
    },
  };
}

async function startGeneration(vidu: StubVidu, account: { remains: number; asks?: number }, priority: Priority) {
  const workflowId = `img2video-balance-${randomUUID()}`;
  fast.route(workflowId, heldStubs(vidu, account));
  return fast.env.client.workflow.start('img2video', {
    taskQueue: fast.taskQueue,
    workflowId,
    args: [{ request: video, options: { priority } }],
  });
}

async function phaseOf(handle: { query: (q: typeof statusQuery) => Promise<GenerationStatus> }): Promise<string> {
  return (await handle.query(statusQuery)).phase;
}

describe('a generation under a credits floor', () => {
  it('holds a batch generation (nothing sent, phase waiting_for_credits) and releases it when remains rises', async () => {
    const vidu = new StubVidu();
    const account: { remains: number; asks?: number } = { remains: 300 };
    const wallStarted = Date.now();
    const handle = await startGeneration(vidu, account, 'batch');
    // Let workflow time pass: it keeps asking (once a minute), and stays held.
    await fast.env.sleep('10 minutes');
    expect(await phaseOf(handle)).toBe('waiting_for_credits');
    expect((await handle.describe()).typedSearchAttributes.get(ViduState)).toBe('waiting_for_credits');
    expect(vidu.tasks.size).toBe(0);
    const asks = account.asks ?? 0;
    expect(asks).toBeGreaterThan(1);
    account.remains = 600;
    const result = (await handle.result()) as GenerationResult;
    expect(result.state).toBe('success');
    expect(vidu.tasks.size).toBe(1);
    process.stderr.write(
      `[time-skipping]   held batch generation: asked ${asks} times in 10 min of workflow time while held, sent once released; ${await workflowTime(handle)} in ${secondsSince(wallStarted)} s\n`,
    );
  });

  it('does not hold an interactive generation above the interactive floor (a batch one is held there)', async () => {
    const account = { remains: 300 };
    const interactiveVidu = new StubVidu();
    const interactive = await startGeneration(interactiveVidu, account, 'interactive');
    expect(((await interactive.result()) as GenerationResult).state).toBe('success');
    expect(interactiveVidu.tasks.size).toBe(1);
    const batchVidu = new StubVidu();
    const batch = await startGeneration(batchVidu, account, 'batch');
    await fast.env.sleep('2 minutes');
    expect(await phaseOf(batch)).toBe('waiting_for_credits');
    expect(batchVidu.tasks.size).toBe(0);
    // Under the interactive floor, an interactive one is held too.
    account.remains = 50;
    const lowVidu = new StubVidu();
    const low = await startGeneration(lowVidu, account, 'interactive');
    await fast.env.sleep('2 minutes');
    expect(await phaseOf(low)).toBe('waiting_for_credits');
    expect(lowVidu.tasks.size).toBe(0);
    account.remains = 5_000;
    expect(((await batch.result()) as GenerationResult).state).toBe('success');
    expect(((await low.result()) as GenerationResult).state).toBe('success');
  });

  it('gives a slot back when a floor is crossed while it queued, and submits once released', async () => {
    const account = { remains: 1_000 };
    const vidu = new StubVidu({ queueFor: () => true });
    const handle = await startGeneration(vidu, account, 'batch');
    // Queued at the slot manager; the floor is crossed before the grant.
    await fast.env.sleep('1 minute');
    account.remains = 100;
    await handle.signal(slotGrantedSignal, 1);
    await fast.env.sleep('5 minutes');
    expect(await phaseOf(handle)).toBe('waiting_for_credits');
    expect(vidu.callsOf('releaseSlot').length).toBeGreaterThanOrEqual(1);
    expect(vidu.tasks.size).toBe(0);
    account.remains = 1_000;
    expect(((await handle.result()) as GenerationResult).state).toBe('success');
    expect(vidu.tasks.size).toBe(1);
  });
});
