import { Context, log } from '@temporalio/activity';
import { ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { WorkerMetric } from '../contract/metric-names';
import {
  type BalancePackage,
  type BalanceReading,
  type BalanceState,
  type CreditFloors,
  type CreditsHeld,
  creditsHoldFloor,
  LOW_BALANCE_EVENT,
  type LowBalanceEvent,
} from '../core/balance';
import type { Priority } from '../core/generation-types';
import type { WebhookDeliveryInput } from '../core/webhook-types';
import { loadKeysFile } from '../platform/keys/api-keys';
import type { ViduClient } from '../vidu/client';

// The balance watch's activities (issue 19 §3; the Schedule and why: worker/balance-schedule.ts)
// and the credits floor the submit path asks (activities/admitted-submit.ts). The floors are the
// worker's (VIDU_MIN_REMAINING_CREDITS, VIDU_MIN_REMAINING_CREDITS_INTERACTIVE), read here at
// each call so that the check workflow's history carries numbers only.

export interface BalanceDeps {
  vidu: ViduClient;
  /** The watch's Schedule (core/balance.ts balanceScheduleId); undefined: no watch, no floor. */
  scheduleId?: string;
  floors?: CreditFloors;
  /** VIDU_FLOW_BALANCE_INTERVAL_SECONDS: how often the watch reads. */
  intervalSeconds?: number;
  /** VIDU_FLOW_API_KEYS_FILE: the keys that ask for account.low_balance (events, notifyUrl). */
  apiKeysFile?: string;
  /** activities/webhook.ts startWebhookDelivery: the delivery workflow of one event, started once. */
  startWebhookDelivery: (args: {
    workflowId: string;
    input: WebhookDeliveryInput;
  }) => Promise<{ started: boolean; workflowId: string }>;
}

/** How long the submit path trusts the watch's last reading it looked up (one describe per this per worker). */
const HOLD_CACHE_MS = 2_000;
/** A held generation asks again at most this often (and at least once per watch interval). */
const MAX_RECHECK_SECONDS = 60;

export function makeBalanceActivities(deps: BalanceDeps) {
  const floors = deps.floors ?? {};
  /** GET /ent/v2/credits?show_detail=true (docs/vidu-api.md §8): remains, packages and their expiry as gauges. */
  async function readBalance(): Promise<BalanceReading> {
    const credits = await deps.vidu.getCredits(true);
    // `remains` lists one entry per credit kind (test, metered, concurrent): their sum is what is left.
    const remains = credits.remains.reduce((sum, r) => sum + Number(r.credit_remain ?? 0), 0);
    const packages: BalancePackage[] = (credits.packages ?? []).map((p, i) => ({
      name: String(p.name ?? p.id ?? `package-${i + 1}`),
      ...(p.type ? { type: String(p.type) } : {}),
      ...(p.credit_remain !== undefined ? { creditRemain: Number(p.credit_remain) } : {}),
      ...(p.valid_to ? { validTo: String(p.valid_to) } : {}),
    }));
    const meter = Context.current().metricMeter;
    meter
      .createGauge(WorkerMetric.creditsRemaining, 'int', undefined, 'Vidu credits left (GET /ent/v2/credits)')
      .set(remains);
    const expiry = meter.createGauge(
      WorkerMetric.creditPackageExpiry,
      'int',
      's',
      "a Vidu credit package's valid_to, Unix seconds",
    );
    for (const p of packages) {
      const at = p.validTo ? Date.parse(p.validTo) : NaN;
      // The package's name is Vidu's product name (bounded, no id of the account or key).
      if (Number.isFinite(at)) expiry.set(Math.floor(at / 1000), { package: p.name });
    }
    return { remains, packages, readAt: new Date().toISOString(), floors };
  }

  /**
   * Starts one delivery of a low-balance event per key that asks for it (keys file `events`,
   * `notifyUrl`). Each delivery's id is derived from the event and the key, so a retry of this
   * activity starts nothing twice; the webhook-id is the event's, the same for every key.
   */
  async function announceLowBalance(event: LowBalanceEvent): Promise<{ keys: number }> {
    if (!deps.apiKeysFile || !deps.scheduleId) return { keys: 0 };
    const keys = loadKeysFile(deps.apiKeysFile).filter(
      (k) => k.events?.includes(LOW_BALANCE_EVENT) && k.notifyUrl && k.webhookSecret,
    );
    const { eventId, seq: _seq, occurredAt, ...data } = event;
    for (const key of keys)
      await deps.startWebhookDelivery({
        workflowId: `${deps.scheduleId}~low-balance-${event.seq}-${key.id}`,
        input: {
          generationId: deps.scheduleId,
          type: LOW_BALANCE_EVENT,
          caller: key.id,
          url: key.notifyUrl as string,
          eventId,
          occurredAt,
          data,
        },
      });
    log.warn('Vidu balance under a credits floor', { remains: event.remains, floor: event.floor, holds: event.holds });
    return { keys: keys.length };
  }

  /** Hands the state to the next check: the Schedule's action argument, rewritten. */
  async function saveBalanceState(state: BalanceState): Promise<void> {
    await Context.current()
      .client.schedule.getHandle(state.scheduleId)
      .update((prev) => {
        if (prev.action.type !== 'startWorkflow') throw new Error(`schedule ${state.scheduleId} starts no workflow`);
        return { ...prev, action: { ...prev.action, args: [state] } };
      });
  }

  return { readBalance, announceLowBalance, saveBalanceState };
}

/**
 * The state the last check saved on the watch's Schedule (saveBalanceState): its action's argument,
 * from a describe of the Schedule. What the credits floor judges by.
 */
export function savedBalanceState(schedule: ScheduleDescription): BalanceState | undefined {
  return (schedule.action.type === 'startWorkflow' ? schedule.action.args?.[0] : undefined) as BalanceState | undefined;
}

/**
 * The credits floor of the submit path: held (nothing sent) while the watch's last reading is
 * under the floor that applies to this priority. Without a floor on this worker it asks nothing,
 * so a generation's history is what it was before the watch existed. The last reading is the
 * Schedule's argument (one describe, cached briefly); a watch that cannot be read holds nothing
 * (a warning): the floor is a brake ahead of Vidu's own CreditInsufficient, not the only one.
 */
export function makeCreditsHold(deps: Pick<BalanceDeps, 'scheduleId' | 'floors' | 'intervalSeconds'>) {
  const floors = deps.floors ?? {};
  const configured = deps.scheduleId !== undefined && (floors.batch !== undefined || floors.interactive !== undefined);
  let cached: { at: number; remains: number | undefined } | undefined;
  async function lastRemains(): Promise<number | undefined> {
    if (cached && Date.now() - cached.at < HOLD_CACHE_MS) return cached.remains;
    let remains: number | undefined;
    try {
      const d = await Context.current()
        .client.schedule.getHandle(deps.scheduleId as string)
        .describe();
      remains = savedBalanceState(d)?.last?.remains;
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError))
        log.warn('credits floor: the balance watch could not be read', { error: (err as Error).message });
      remains = undefined;
    }
    cached = { at: Date.now(), remains };
    return remains;
  }
  return async function creditsHold(priority: Priority): Promise<CreditsHeld | undefined> {
    if (!configured) return undefined;
    const remains = await lastRemains();
    const hold = creditsHoldFloor(remains, floors, priority);
    if (!hold || remains === undefined) return undefined;
    const interval = deps.intervalSeconds ?? MAX_RECHECK_SECONDS;
    return { held: 'credits', remains, ...hold, recheckSeconds: Math.max(1, Math.min(interval, MAX_RECHECK_SECONDS)) };
  };
}
