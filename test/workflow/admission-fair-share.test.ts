// The slot manager's fair share across callers (issue 19 §4), on the Java time-skipping test server
// (test/helpers/time-skipping.ts) with the real `viduSlots` workflow: requests arrive as `admit`
// updates carrying a caller, exactly as activities/admission.ts sends them; slots are freed with
// `releaseSlot`, one at a time, as tasks would end. No timer fires (time only skips while a test
// awaits a result), so the reconcile never runs and the order is the manager's alone.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmissionActivities } from '../../activities/admission';
import {
  admitUpdate,
  releaseSlotSignal,
  slotsQuery,
  type SlotRequest,
  type SlotsState,
} from '../../core/admission-messages';
import type { Priority } from '../../core/generation-types';
import { heldBy } from '../../core/fair-share';
import { FAIR_SHARE_PATCH } from '../../workflows/admission/admission';
import { secondsSince, startTimeSkipping } from '../helpers/time-skipping';
import { uniqueTaskQueue } from '../helpers/temporal';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('fair-share');
const fileStarted = Date.now();

beforeAll(async () => {
  env = await startTimeSkipping();
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'fixtures', 'slot-holders.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { code },
    activities: makeAdmissionActivities({ admission: undefined }),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  process.stderr.write(
    `[time-skipping] test/workflow/admission-fair-share.test.ts took ${secondsSince(fileStarted)} s\n`,
  );
});

const callerOf = (id: string) => id.split('.')[1]!;

/** A slot manager of its own, and its askers (one slotHolder workflow per request). */
class Manager {
  readonly id = `vidu-slots-fair-${randomUUID()}`;
  handle!: WorkflowHandle;
  /** Every holder granted, in the order the grants happened. */
  readonly grants: string[] = [];

  constructor(private readonly maxInFlight: number) {}

  async start(state?: SlotsState): Promise<void> {
    this.handle = await env.client.workflow.start('viduSlots', {
      taskQueue,
      workflowId: this.id,
      args: state ? [state] : [],
    });
  }

  /** `n` requests of `caller` (undefined: an old request without one); answers how many were granted at once. */
  async ask(
    caller: string | undefined,
    n: number,
    terms: Partial<SlotRequest> = {},
    priority: Priority = 'batch',
  ): Promise<number> {
    let granted = 0;
    for (let i = 1; i <= n; i += 1) {
      const workflowId = `${this.id}.${caller ?? 'operator'}.${this.grants.length}-${randomUUID().slice(0, 8)}`;
      await env.client.workflow.start('slotHolder', { taskQueue, workflowId });
      const answer = await this.handle.executeUpdate(admitUpdate, {
        args: [
          { workflowId, priority, ticket: 1, maxInFlight: this.maxInFlight, ...(caller ? { caller } : {}), ...terms },
        ],
      });
      if (answer.granted) {
        granted += 1;
        this.grants.push(workflowId);
      }
    }
    return granted;
  }

  state(): Promise<SlotsState> {
    return this.handle.query(slotsQuery);
  }

  /** Frees the oldest holder's slot; answers who was granted in its place (undefined: nobody). */
  async releaseOldest(): Promise<string | undefined> {
    const before = await this.state();
    const oldest = before.holders[0]!;
    await this.handle.signal(releaseSlotSignal, { workflowId: oldest });
    for (let i = 0; i < 200; i += 1) {
      const after = await this.state();
      if (!after.holders.includes(oldest)) {
        const fresh = after.holders.filter((h) => !before.holders.includes(h));
        this.grants.push(...fresh);
        return fresh[0];
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the manager did not release ${oldest}`);
  }

  async end(): Promise<void> {
    await this.handle.terminate('test over');
  }
}

describe('slot manager: fair share across callers', () => {
  it('A queues 20 batch requests, then B 5: B gets the next freed slot and alternates with A', async () => {
    const m = new Manager(5);
    await m.start();
    expect(await m.ask('key-a', 20)).toBe(5);
    expect(await m.ask('key-b', 5)).toBe(0);
    const after: string[] = [];
    for (let i = 0; i < 20; i += 1) after.push(callerOf((await m.releaseOldest())!));
    const bFirst = after.indexOf('key-b');
    const bDone = after.lastIndexOf('key-b') + 1;
    console.log(
      `[fair-share] A 20 batch then B 5 (cap 5): grants after B queued ${after.map((c) => c.slice(-1)).join('')}; ` +
        `B waited ${bFirst} grants for its first slot (first come first served: 15), had all 5 after ${bDone} of 20`,
    );
    expect(bFirst).toBe(0);
    expect(after.slice(0, 10)).toEqual([
      'key-b',
      'key-a',
      'key-b',
      'key-a',
      'key-b',
      'key-a',
      'key-b',
      'key-a',
      'key-b',
      'key-a',
    ]);
    const state = await m.state();
    expect(state.waiting).toEqual([]);
    expect(state.granted).toBe(25);
    await m.end();
  });

  it('skips a caller at its own maxInFlight while others wait, and never lets it hold more', async () => {
    const m = new Manager(5);
    await m.start();
    // A's cap is 2: two of its six are granted, the other three slots stay free for others.
    expect(await m.ask('key-a', 6, { callerMaxInFlight: 2 })).toBe(2);
    expect((await m.state()).holders).toHaveLength(2);
    expect(await m.ask('key-b', 6)).toBe(3);
    let most = 0;
    for (let i = 0; i < 7; i += 1) {
      await m.releaseOldest();
      const s = await m.state();
      most = Math.max(most, heldBy(s, 'key-a'));
      expect(heldBy(s, 'key-a')).toBeLessThanOrEqual(2);
    }
    console.log(
      `[fair-share] A capped at 2 (manager cap 5): A held at most ${most}; grants ${m.grants.map((g) => callerOf(g).slice(-1)).join('')}`,
    );
    expect(most).toBe(2);
    await m.end();
  });

  it('shares by weight (A weight 3, B weight 1, one slot)', async () => {
    const m = new Manager(1);
    await m.start();
    expect(await m.ask('key-a', 12, { weight: 3 })).toBe(1);
    await m.ask('key-b', 12);
    for (let i = 0; i < 11; i += 1) await m.releaseOldest();
    const a = m.grants.slice(0, 12).filter((g) => callerOf(g) === 'key-a').length;
    console.log(
      `[fair-share] weights 3:1, first 12 grants: ${m.grants
        .slice(0, 12)
        .map((g) => callerOf(g).slice(-1))
        .join('')}`,
    );
    expect([a, 12 - a]).toEqual([9, 3]);
    await m.end();
  });

  it('reads a queue kept in the state shape from before callers (continue-as-new input) and shares it with a new caller', async () => {
    const m = new Manager(1);
    // What a run from before fair share carried across continue-as-new: no callers anywhere.
    const old = Array.from({ length: 4 }, (_, i) => `${m.id}.operator.old${i}`);
    for (const id of old) await env.client.workflow.start('slotHolder', { taskQueue, workflowId: id });
    await m.start({
      maxInFlight: 1,
      holders: [old[0]!],
      waiting: old.slice(1).map((workflowId) => ({ workflowId, priority: 'batch', ticket: 1 })),
      granted: 1,
      tickets: { [old[0]!]: 1 },
    });
    await m.ask('key-b', 2);
    const order: string[] = [];
    for (let i = 0; i < 5; i += 1) order.push(callerOf((await m.releaseOldest())!));
    expect(order).toEqual(['operator', 'key-b', 'operator', 'key-b', 'operator']);
    // The new run's state, as its own continue-as-new would carry it, goes on where it stood.
    const carried = await m.state();
    await m.end();
    const next = new Manager(1);
    await next.start({ ...carried, holders: [], waiting: [], tickets: {} });
    expect(await next.ask('key-b', 1)).toBe(1);
    const history = await m.handle.fetchHistory();
    // New runs take the fair-share branch and say so (the patch marker an older history lacks).
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
    expect(markers.length).toBeGreaterThan(0);
    expect(JSON.stringify(markers[0])).toContain(
      Buffer.from(JSON.stringify(FAIR_SHARE_PATCH)).toString('base64').slice(0, 12),
    );
    await next.end();
  });
});
