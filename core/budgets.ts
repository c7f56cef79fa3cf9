// Budgets (issue 19 §2): what an entry of VIDU_FLOW_BUDGETS_FILE is, which generations it applies
// to, its UTC periods, and the ledger's bookkeeping (reserve → settle), as pure functions over one
// state object. The ledger workflow (workflows/budgets/budgets.ts) runs them; activities, the CLI,
// the API and the unit tests use them too, so nothing here touches Node or Temporal.

export type BudgetPeriod = 'day' | 'month';

/** One entry of the budgets file (platform/budgets/budgets-file.ts checks it). No filter: the overall budget. */
export interface BudgetEntry {
  name: string;
  limitCredits: number;
  period: BudgetPeriod;
  /** A key id of the keys file, or `operator`: the generations that key (or the operator) started. */
  caller?: string;
  model?: string;
  kind?: string;
}

/** What a reservation is for: the workflow's owner (`key-<id>` or `operator`), the model and the kind. */
export interface BudgetSubject {
  owner: string;
  model?: string;
  kind: string;
}

/** The owner a budget's `caller` filter means (README "The tenant model": a key owns as `key-<id>`). */
export function ownerOfBudgetCaller(caller: string): string {
  return caller === 'operator' ? 'operator' : `key-${caller}`;
}

/** Does the entry apply to this generation? Every filter it has must match; an entry without filters always does. */
export function budgetMatches(entry: BudgetEntry, subject: BudgetSubject): boolean {
  if (entry.caller !== undefined && ownerOfBudgetCaller(entry.caller) !== subject.owner) return false;
  if (entry.model !== undefined && entry.model !== subject.model) return false;
  if (entry.kind !== undefined && entry.kind !== subject.kind) return false;
  return true;
}

export function matchingBudgets(entries: readonly BudgetEntry[], subject: BudgetSubject): BudgetEntry[] {
  return entries.filter((e) => budgetMatches(e, subject));
}

/** The UTC period `at` falls in: `2026-12-07` for a day, `2026-12` for a month. */
export function periodKey(period: BudgetPeriod, at: number): string {
  const iso = new Date(at).toISOString();
  return period === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** When the UTC period `at` falls in ends (the next UTC midnight, or the first of the next month), in ms. */
export function periodEndsAt(period: BudgetPeriod, at: number): number {
  const d = new Date(at);
  return period === 'day'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** A budget's counters in one period: credits held by open reservations, and credits charged. */
export interface BudgetUsage {
  reserved: number;
  charged: number;
}

/** One generation attempt's hold on its budgets: its estimate, counted in each bucket until settled. */
export interface Reservation {
  workflowId: string;
  credits: number;
  /** `<budget name>@<period key>` of every budget it counts against. */
  buckets: string[];
  /** When it was made (ms): a bucket's period is over a month after this at the latest. */
  at: number;
}

export interface LedgerState {
  /** The entries the latest reservation brought (the worker's budgets file as it read it then). */
  entries: BudgetEntry[];
  usage: Record<string, BudgetUsage>;
  /** Reservations not yet settled, by reservation id. */
  open: Record<string, Reservation>;
  /** Settled reservations (id → workflow id, charged, when): a repeated reserve of one counts nothing. */
  settled: Record<string, { workflowId: string; charged: number; at: number }>;
  /**
   * Generations waiting for a budget (options.onBudgetExceeded `wait`), by workflow id: the bucket
   * that refused them. Woken (a `budgetFreed` signal) when a settle gives credits back there.
   * Optional: a state from before it has none.
   */
  waiters?: Record<string, string>;
}

export function emptyLedger(): LedgerState {
  return { entries: [], usage: {}, open: {}, settled: {} };
}

/** Why a reservation did not fit: the first budget it would overrun, with its figures. */
export interface BudgetRefusal {
  budget: string;
  period: BudgetPeriod;
  /** The period it is counted in: `2026-12-07` or `2026-12`. */
  periodKey: string;
  limitCredits: number;
  reserved: number;
  charged: number;
  requested: number;
  /** When the period ends (ISO 8601, UTC): a waiting generation tries again then at the latest. */
  periodEndsAt: string;
}

export interface ReserveRequest {
  reservationId: string;
  workflowId: string;
  subject: BudgetSubject;
  credits: number;
  /** The asking worker's budgets file; the latest one wins. */
  entries: BudgetEntry[];
  /** The generation waits when refused: the ledger wakes it when credits settle back. */
  waiter?: boolean;
}

export type ReserveAnswer = { reserved: true; budgets: string[] } | { reserved: false; refusal: BudgetRefusal };

const bucketOf = (entry: BudgetEntry, at: number) => `${entry.name}@${periodKey(entry.period, at)}`;

/**
 * Reserves `credits` against every matching budget, all or nothing. A reservation id already
 * open or settled answers `reserved` again without counting: a retried activity, a redelivered
 * update or a worker that crashed after reserving never counts an attempt twice.
 */
export function reserve(s: LedgerState, req: ReserveRequest, now: number): ReserveAnswer {
  s.entries = req.entries;
  const known = s.open[req.reservationId];
  if (known) return { reserved: true, budgets: known.buckets };
  if (s.settled[req.reservationId]) return { reserved: true, budgets: [] };
  const matched = matchingBudgets(req.entries, req.subject);
  for (const entry of matched) {
    const use = s.usage[bucketOf(entry, now)] ?? { reserved: 0, charged: 0 };
    if (use.reserved + use.charged + req.credits > entry.limitCredits) {
      if (req.waiter) s.waiters = { ...s.waiters, [req.workflowId]: bucketOf(entry, now) };
      return {
        reserved: false,
        refusal: {
          budget: entry.name,
          period: entry.period,
          periodKey: periodKey(entry.period, now),
          limitCredits: entry.limitCredits,
          reserved: use.reserved,
          charged: use.charged,
          requested: req.credits,
          periodEndsAt: new Date(periodEndsAt(entry.period, now)).toISOString(),
        },
      };
    }
  }
  const buckets = matched.map((e) => bucketOf(e, now));
  for (const b of buckets) {
    const use = (s.usage[b] ??= { reserved: 0, charged: 0 });
    use.reserved += req.credits;
  }
  s.open[req.reservationId] = { workflowId: req.workflowId, credits: req.credits, buckets, at: now };
  if (s.waiters) delete s.waiters[req.workflowId];
  return { reserved: true, budgets: buckets };
}

/**
 * Settles a reservation to what Vidu charged (0 for a failed or refunded task): its estimate
 * leaves `reserved`, the charge enters `charged`, in the period it was reserved in. Idempotent.
 */
export function settle(s: LedgerState, reservationId: string, charged: number, now: number): boolean {
  const r = s.open[reservationId];
  if (!r) return false;
  const amount = Math.max(0, Math.round(charged));
  for (const b of r.buckets) {
    const use = (s.usage[b] ??= { reserved: 0, charged: 0 });
    use.reserved = Math.max(0, use.reserved - r.credits);
    use.charged += amount;
  }
  delete s.open[reservationId];
  s.settled[reservationId] = { workflowId: r.workflowId, charged: amount, at: now };
  return true;
}

/**
 * The waiting generations to wake after `reservationId` settled to less than it held: those refused
 * by one of its buckets. They are forgotten here (they ask again, and wait again if refused).
 */
export function waitersFreedBy(s: LedgerState, buckets: readonly string[]): string[] {
  if (!s.waiters) return [];
  const woken = Object.entries(s.waiters)
    .filter(([, bucket]) => buckets.includes(bucket))
    .map(([workflowId]) => workflowId);
  for (const id of woken) delete s.waiters[id];
  return woken;
}

/**
 * What an open reservation of a workflow that closed without settling (terminated, timed out)
 * counts as: what Vidu charged the workflow (its ViduCredits, the whole run's credits) less what
 * its settled attempts already count, when that is known; else the whole reservation (the safe
 * reading: a task may have been paid for).
 */
export function chargeOfClosed(s: LedgerState, reservationId: string, viduCredits: number | undefined): number {
  const r = s.open[reservationId];
  if (!r) return 0;
  if (viduCredits === undefined) return r.credits;
  const earlier = Object.values(s.settled)
    .filter((x) => x.workflowId === r.workflowId)
    .reduce((sum, x) => sum + x.charged, 0);
  return Math.max(0, viduCredits - earlier);
}

/** Drops counters and settled ids older than two months: no period they belong to can still be asked about. */
export function pruneLedger(s: LedgerState, now: number): void {
  const horizon = now - 62 * 86_400_000;
  const oldest = periodKey('month', horizon);
  for (const [id, x] of Object.entries(s.settled)) if (x.at < horizon) delete s.settled[id];
  const openBuckets = new Set(Object.values(s.open).flatMap((r) => r.buckets));
  for (const b of Object.keys(s.usage)) {
    const key = b.slice(b.lastIndexOf('@') + 1);
    if (!openBuckets.has(b) && key.slice(0, 7) < oldest) delete s.usage[b];
  }
}

/** One budget in its current period, as `budget status` and GET /v1/budgets show it. */
export interface BudgetStatus {
  name: string;
  period: BudgetPeriod;
  periodKey: string;
  periodEndsAt: string;
  limitCredits: number;
  reserved: number;
  charged: number;
  /** limit − reserved − charged, never below 0. */
  remaining: number;
  caller?: string;
  model?: string;
  kind?: string;
}

export function budgetStatus(s: LedgerState, now: number): BudgetStatus[] {
  return s.entries.map((e) => {
    const use = s.usage[bucketOf(e, now)] ?? { reserved: 0, charged: 0 };
    return {
      name: e.name,
      period: e.period,
      periodKey: periodKey(e.period, now),
      periodEndsAt: new Date(periodEndsAt(e.period, now)).toISOString(),
      limitCredits: e.limitCredits,
      reserved: use.reserved,
      charged: use.charged,
      remaining: Math.max(0, e.limitCredits - use.reserved - use.charged),
      ...(e.caller !== undefined ? { caller: e.caller } : {}),
      ...(e.model !== undefined ? { model: e.model } : {}),
      ...(e.kind !== undefined ? { kind: e.kind } : {}),
    };
  });
}

/** The reservation id of one attempt: a retry (options.onTaskFailure step) is a new paid task, so a new id. */
export function reservationIdFor(workflowId: string, step: string | undefined): string {
  return `${workflowId}#${step ?? 'submit'}`;
}

/** What a generation does when its estimate does not fit (options.onBudgetExceeded). */
export type OnBudgetExceeded = 'wait' | 'fail';

/** The default: an interactive caller is told at once; batch work waits for the period to roll over. */
export function budgetModeFor(
  priority: 'interactive' | 'batch',
  option: OnBudgetExceeded | undefined,
): OnBudgetExceeded {
  return option ?? (priority === 'batch' ? 'wait' : 'fail');
}
