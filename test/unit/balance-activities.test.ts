// The balance watch's activities (activities/balance.ts) in a mock activity context: what a read
// makes of GET /ent/v2/credits and which gauges it sets, the credits floor's answer from the
// Schedule's saved state (and that without a floor it asks nothing), and who gets account.low_balance.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { MetricMeter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { makeBalanceActivities, makeCreditsHold } from '../../activities/balance';
import { WorkerMetric } from '../../contract/metric-names';
import type { BalanceState, LowBalanceEvent } from '../../core/balance';
import type { WebhookDeliveryInput } from '../../core/webhook-types';
import { newApiKey } from '../../platform/keys/api-keys';
import type { ViduClient } from '../../vidu/client';

/** A metric meter that keeps the last value of each gauge, by name and labels. */
function recordingMeter(): { meter: MetricMeter; gauges: Map<string, number> } {
  const gauges = new Map<string, number>();
  const gauge = (name: string) => ({
    name,
    valueType: 'int' as const,
    unit: undefined,
    description: undefined,
    set: (v: number, labels: Record<string, unknown> = {}) => void gauges.set(`${name}${JSON.stringify(labels)}`, v),
    withTags: () => gauge(name),
  });
  const meter = {
    createGauge: (name: string) => gauge(name),
    createCounter: () => ({ add: () => undefined }),
    createHistogram: () => ({ record: () => undefined }),
    withTags: () => meter,
  } as unknown as MetricMeter;
  return { meter, gauges };
}

/** A client whose only Schedule answers `describe` with `state` as its argument (or is not there). */
function scheduleClient(state: BalanceState | undefined) {
  let describes = 0;
  const client: Record<string, unknown> = {
    // The mock activity context runs the activity inside the client's abort-signal scope.
    withAbortSignal: (_signal: AbortSignal, fn: () => Promise<unknown>) => fn(),
    schedule: {
      getHandle: () => ({
        describe: async () => {
          describes += 1;
          if (!state) throw new ScheduleNotFoundError('no schedule', 'vidu-balance-x');
          return { action: { type: 'startWorkflow', args: [state] } };
        },
      }),
    },
  };
  return { client: client as unknown as Client, describes: () => describes };
}

const noVidu = {} as ViduClient;
const noStart = async () => ({ started: true, workflowId: '' });

describe('readBalance', () => {
  it('sums remains over the credit kinds and sets the gauges, the package named by its name', async () => {
    const vidu = {
      getCredits: async () => ({
        remains: [
          { type: 'test', credit_remain: 5 },
          { type: 'metered', credit_remain: 100 },
        ],
        packages: [{ id: 'pkg-1', name: 'Pro', type: 'metered', credit_remain: 100, valid_to: '2027-01-01T00:00:00Z' }],
      }),
    } as unknown as ViduClient;
    const { meter, gauges } = recordingMeter();
    const { readBalance } = makeBalanceActivities({ vidu, floors: { batch: 50 }, startWebhookDelivery: noStart });
    const reading = await new MockActivityEnvironment({}, { metricMeter: meter }).run(readBalance);
    expect(reading).toMatchObject({
      remains: 105,
      floors: { batch: 50 },
      packages: [{ name: 'Pro', type: 'metered', creditRemain: 100, validTo: '2027-01-01T00:00:00Z' }],
    });
    const gauge = (name: string, label = '') =>
      [...gauges].find(([k]) => k.startsWith(`${name}{`) && k.includes(label))?.[1];
    expect(gauge(WorkerMetric.creditsRemaining)).toBe(105);
    expect(gauge(WorkerMetric.creditPackageExpiry, '"package":"Pro"')).toBe(Date.parse('2027-01-01T00:00:00Z') / 1000);
  });
});

describe('the credits floor in the submit path', () => {
  const saved = (remains: number): BalanceState => ({
    scheduleId: 'vidu-balance-x',
    last: { remains, readAt: '2026-12-07T00:00:00.000Z' },
    below: { batch: false, interactive: false },
    events: 0,
  });

  it('asks nothing without a floor', async () => {
    const { client, describes } = scheduleClient(saved(0));
    const hold = makeCreditsHold({ scheduleId: 'vidu-balance-x', floors: {}, intervalSeconds: 600 });
    expect(await new MockActivityEnvironment({}, { client }).run(hold, 'batch' as const)).toBeUndefined();
    expect(describes()).toBe(0);
  });

  it("holds batch under the floor from the Schedule's saved reading, interactive not, one describe per 2 s", async () => {
    const { client, describes } = scheduleClient(saved(400));
    const hold = makeCreditsHold({ scheduleId: 'vidu-balance-x', floors: { batch: 500 }, intervalSeconds: 600 });
    const env = new MockActivityEnvironment({}, { client });
    expect(await env.run(hold, 'batch' as const)).toEqual({
      held: 'credits',
      remains: 400,
      floor: 500,
      holds: 'batch',
      recheckSeconds: 60,
    });
    expect(await env.run(hold, 'interactive' as const)).toBeUndefined();
    expect(describes()).toBe(1);
  });

  it('holds nothing when the watch has not read yet or its Schedule is gone', async () => {
    const fresh = scheduleClient({ scheduleId: 'x', below: { batch: false, interactive: false }, events: 0 });
    const gone = scheduleClient(undefined);
    const floors = { batch: 500, interactive: 100 };
    for (const { client } of [fresh, gone]) {
      const hold = makeCreditsHold({ scheduleId: 'vidu-balance-x', floors, intervalSeconds: 5 });
      expect(await new MockActivityEnvironment({}, { client }).run(hold, 'batch' as const)).toBeUndefined();
    }
  });
});

describe('announceLowBalance', () => {
  it('starts one delivery per key that asks, at its notifyUrl, under an id of the event and the key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vidu-balance-announce-'));
    const file = path.join(dir, 'keys.json');
    const ops = newApiKey('ops');
    const shop = newApiKey('shop');
    writeFileSync(
      file,
      JSON.stringify([
        { ...ops.entry, notifyUrl: 'https://ops.example/hooks', events: ['account.low_balance'] },
        { ...shop.entry, notifyUrl: 'https://shop.example/hooks' },
      ]),
      { mode: 0o600 },
    );
    const started: Array<{ workflowId: string; input: WebhookDeliveryInput }> = [];
    const { announceLowBalance } = makeBalanceActivities({
      vidu: noVidu,
      scheduleId: 'vidu-balance-x',
      apiKeysFile: file,
      startWebhookDelivery: async (a) => {
        started.push(a);
        return { started: true, workflowId: a.workflowId };
      },
    });
    const event: LowBalanceEvent = {
      eventId: 'evt_low_balance_vidu-balance-x_1',
      seq: 1,
      remains: 400,
      floor: 500,
      holds: 'batch',
      packages: [],
      occurredAt: '2026-12-07T00:00:00.000Z',
    };
    expect(await new MockActivityEnvironment().run(announceLowBalance, event)).toEqual({ keys: 1 });
    expect(started).toEqual([
      {
        workflowId: `vidu-balance-x~low-balance-1-${ops.entry.id}`,
        input: {
          generationId: 'vidu-balance-x',
          type: 'account.low_balance',
          caller: ops.entry.id,
          url: 'https://ops.example/hooks',
          eventId: event.eventId,
          occurredAt: event.occurredAt,
          data: { remains: 400, floor: 500, holds: 'batch', packages: [] },
        },
      },
    ]);
  });
});
