import { log } from '@temporalio/workflow';
import { type BalanceState, nextBalanceState } from '../../core/balance';
import { quick } from '../common/activity-proxies';

// One read of the balance watch (issue 19 §3), started by the watch's Temporal Schedule every
// VIDU_FLOW_BALANCE_INTERVAL_SECONDS (worker/balance-schedule.ts says why a Schedule). It reads
// GET /ent/v2/credits (the activity exports remains and each package's expiry as gauges), sends
// account.low_balance once per crossing under a floor, and hands its state to the next read
// by rewriting the Schedule's argument, where the submit path's credits floor also reads it.

export interface BalanceCheckResult {
  remains: number;
  /** low-balance events this read sent (0 or 1 per floor crossed). */
  events: number;
}

export async function viduBalanceCheck(prev: BalanceState): Promise<BalanceCheckResult> {
  const reading = await quick.readBalance.executeWithOptions({ summary: 'read the Vidu credit balance' }, []);
  const { state, events } = nextBalanceState(prev, reading);
  for (const event of events) {
    const { keys } = await quick.announceLowBalance.executeWithOptions(
      { summary: `account.low_balance: ${event.remains} under the ${event.holds} floor ${event.floor}` },
      [event],
    );
    log.info('low balance announced', { remains: event.remains, floor: event.floor, keys });
  }
  await quick.saveBalanceState.executeWithOptions({ summary: 'hand the balance to the next read' }, [state]);
  return { remains: reading.remains, events: events.length };
}
