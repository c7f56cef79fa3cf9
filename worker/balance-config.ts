import { z } from 'zod';
import { ConfigError } from '../platform/config/env';
import type { CreditFloors } from '../core/balance';

// The balance watch's settings (issue 19 §3; worker/balance-schedule.ts, activities/balance.ts).

/** Ten minutes: the "e.g. every 10 minutes"; a read is one GET, so the cost is Vidu's rate limit only. */
export const DEFAULT_BALANCE_INTERVAL_SECONDS = 600;

const credits = z.coerce.number().int('must be a whole number of credits').min(1, 'must be at least 1').optional();

export const balanceEnv = {
  // How often the watch reads GET /ent/v2/credits; 0: no watch (and then no floor may be set).
  VIDU_FLOW_BALANCE_INTERVAL_SECONDS: z.coerce
    .number()
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 (no watch) or more')
    .default(DEFAULT_BALANCE_INTERVAL_SECONDS),
  // Under this many credits new batch submissions are held until a later read is at or above it.
  VIDU_MIN_REMAINING_CREDITS: credits,
  // Under this many, interactive submissions are held too.
  VIDU_MIN_REMAINING_CREDITS_INTERACTIVE: credits,
};

export interface BalanceConfig {
  /** 0: no watch. */
  intervalSeconds: number;
  floors: CreditFloors;
}

export function balanceConfig(e: {
  VIDU_FLOW_BALANCE_INTERVAL_SECONDS: number;
  VIDU_MIN_REMAINING_CREDITS?: number | undefined;
  VIDU_MIN_REMAINING_CREDITS_INTERACTIVE?: number | undefined;
}): BalanceConfig {
  const floors: CreditFloors = {
    ...(e.VIDU_MIN_REMAINING_CREDITS !== undefined ? { batch: e.VIDU_MIN_REMAINING_CREDITS } : {}),
    ...(e.VIDU_MIN_REMAINING_CREDITS_INTERACTIVE !== undefined
      ? { interactive: e.VIDU_MIN_REMAINING_CREDITS_INTERACTIVE }
      : {}),
  };
  const problems: string[] = [];
  if (e.VIDU_FLOW_BALANCE_INTERVAL_SECONDS === 0 && (floors.batch !== undefined || floors.interactive !== undefined))
    problems.push(
      'VIDU_MIN_REMAINING_CREDITS(_INTERACTIVE): a credits floor needs the balance watch (VIDU_FLOW_BALANCE_INTERVAL_SECONDS is 0)',
    );
  // The interactive floor holds everything: above the batch floor it would hold batch work first anyway.
  if (floors.batch !== undefined && floors.interactive !== undefined && floors.interactive > floors.batch)
    problems.push(
      `VIDU_MIN_REMAINING_CREDITS_INTERACTIVE: must not be above VIDU_MIN_REMAINING_CREDITS (${floors.interactive} > ${floors.batch}): it is the lower, last-resort floor`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return { intervalSeconds: e.VIDU_FLOW_BALANCE_INTERVAL_SECONDS, floors };
}
