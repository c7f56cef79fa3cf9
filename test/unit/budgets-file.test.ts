// The budgets file (VIDU_FLOW_BUDGETS_FILE, platform/budgets/budgets-file.ts) and the ledger's pure
// bookkeeping (core/budgets.ts): every refusal names the entry and the rule, the worker and the
// API refuse to start on a bad file, filters match as documented, periods are UTC days and months,
// and reserve/settle never count a reservation twice or let a period overrun its limit.
import { chmodSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/config';
import {
  budgetMatches,
  budgetModeFor,
  budgetStatus,
  chargeOfClosed,
  emptyLedger,
  periodEndsAt,
  periodKey,
  reservationIdFor,
  reserve,
  settle,
  type BudgetEntry,
  waitersFreedBy,
} from '../../core/budgets';
import { parseBudgets, readBudgetsFile, watchedBudgetSource } from '../../platform/budgets/budgets-file';
import { ConfigError } from '../../platform/config/env';
import { newApiKey } from '../../platform/keys/api-keys';
import { loadWorkerConfig } from '../../worker/config';

const problems = (json: unknown, keyIds?: string[]) => {
  const r = parseBudgets(json, keyIds ? { keyIds } : {});
  return r.ok ? [] : r.problems;
};

describe('parseBudgets', () => {
  it('accepts the documented shape: filters optional, an entry without any is the overall budget', () => {
    const r = parseBudgets(
      [
        { name: 'overall', limitCredits: 100000, period: 'month' },
        { name: 'alice-daily', limitCredits: 2000, period: 'day', caller: 'alice' },
        { name: 'q3', limitCredits: 500, period: 'day', model: 'viduq3-pro', kind: 'text2video' },
        { name: 'ops', limitCredits: 0, period: 'day', caller: 'operator' },
      ],
      { keyIds: ['alice'] },
    );
    expect(r.ok).toBe(true);
  });

  it.each([
    ['not a list', { name: 'x' }, /must be a JSON list/],
    [
      'negative limit',
      [{ name: 'a', limitCredits: -1, period: 'day' }],
      /entry \[0\] "a": limitCredits: must not be negative/,
    ],
    [
      'fractional limit',
      [{ name: 'a', limitCredits: 1.5, period: 'day' }],
      /entry \[0\] "a": limitCredits: must be a whole number/,
    ],
    [
      'wrong period',
      [{ name: 'a', limitCredits: 1, period: 'week' }],
      /entry \[0\] "a": period: must be 'day'.*or 'month'/,
    ],
    [
      'unknown kind',
      [{ name: 'a', limitCredits: 1, period: 'day', kind: 'img2vid' }],
      /entry \[0\] "a": kind: "img2vid" is not an endpoint/,
    ],
    [
      'unknown model',
      [{ name: 'a', limitCredits: 1, period: 'day', model: 'viduq9' }],
      /entry \[0\] "a": model: "viduq9" is not a model of any endpoint/,
    ],
    [
      'a model of another kind',
      [{ name: 'a', limitCredits: 1, period: 'day', model: 'viduq2', kind: 'text2audio' }],
      /entry \[0\] "a": model: "viduq2" is not a model of text2audio/,
    ],
    [
      'duplicate names',
      [
        { name: 'a', limitCredits: 1, period: 'day' },
        { name: 'a', limitCredits: 2, period: 'month' },
      ],
      /entry \[1\] "a": name: duplicate name/,
    ],
    ['an unknown field', [{ name: 'a', limitCredits: 1, period: 'day', owner: 'x' }], /entry \[0\] "a":.*owner/],
    ['no name', [{ limitCredits: 1, period: 'day' }], /entry \[0\]: name:/],
  ])('refuses %s, naming the entry and the rule', (_label, json, expected) => {
    expect(problems(json).join('\n')).toMatch(expected);
  });

  it('refuses a caller that is neither a key id of the keys file nor operator (when a keys file is set)', () => {
    const entry = { name: 'mallory', limitCredits: 1, period: 'day', caller: 'mallory' };
    expect(problems([entry], ['alice'])).toEqual([
      'entry [0] "mallory": caller: "mallory" is neither a key id of the keys file nor "operator"',
    ]);
    expect(problems([{ ...entry, caller: 'operator' }], ['alice'])).toEqual([]);
    // No keys file: no key id can be checked (the worker without an API in front of it).
    expect(problems([entry])).toEqual([]);
  });
});

describe('VIDU_FLOW_BUDGETS_FILE at start-up', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-budgets-'));
  const keys = path.join(dir, 'keys.json');
  writeFileSync(keys, JSON.stringify([{ ...newApiKey('alice').entry, id: 'alice' }]), { mode: 0o600 });
  chmodSync(keys, 0o600);

  it('stops the worker and the API on a bad file, naming the entry', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ name: 'bob-daily', limitCredits: 10, period: 'day', caller: 'bob' }]));
    const worker = { VIDU_API_KEY: 'k-test-0123456789', VIDU_FLOW_BUDGETS_FILE: bad, VIDU_FLOW_API_KEYS_FILE: keys };
    expect(() => loadWorkerConfig(worker)).toThrow(ConfigError);
    expect(() => loadWorkerConfig(worker)).toThrow(
      /VIDU_FLOW_BUDGETS_FILE: .*bad\.json: entry \[0\] "bob-daily": caller/,
    );
    expect(() => loadApiConfig({ VIDU_FLOW_API_KEYS_FILE: keys, VIDU_FLOW_BUDGETS_FILE: bad })).toThrow(
      /entry \[0\] "bob-daily": caller: "bob" is neither a key id/,
    );
    const notJson = path.join(dir, 'broken.json');
    writeFileSync(notJson, '[{');
    expect(() => readBudgetsFile(notJson)).toThrow(/is not JSON/);
    expect(() => readBudgetsFile(path.join(dir, 'missing.json'))).toThrow(/cannot read .*ENOENT/);
  });

  it('starts without a file (no budgets) and with a good one', () => {
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify([{ name: 'alice', limitCredits: 10, period: 'day', caller: 'alice' }]));
    expect(loadWorkerConfig({ VIDU_API_KEY: 'k-test-0123456789' }).budgets.entries()).toBeUndefined();
    const api = loadApiConfig({ VIDU_FLOW_API_KEYS_FILE: keys, VIDU_FLOW_BUDGETS_FILE: good });
    expect(api.budgets.entries()).toEqual([{ name: 'alice', limitCredits: 10, period: 'day', caller: 'alice' }]);
  });

  it('is read again when it changes; a bad edit keeps the previous budgets and says so', async () => {
    const file = path.join(dir, 'live.json');
    writeFileSync(file, JSON.stringify([{ name: 'all', limitCredits: 10, period: 'day' }]));
    const logged: string[] = [];
    const source = watchedBudgetSource(
      file,
      () => undefined,
      (l) => logged.push(l),
    );
    const edit = (entries: unknown, second: number) => {
      writeFileSync(file, JSON.stringify(entries));
      utimesSync(file, second, second);
    };
    edit([{ name: 'all', limitCredits: 20, period: 'day' }], 1_000_000);
    await new Promise((r) => setTimeout(r, 2100)); // looked at no more than every 2 s
    expect(source.entries()?.[0]?.limitCredits).toBe(20);
    edit([{ name: 'all', limitCredits: -5, period: 'day' }], 2_000_000);
    await new Promise((r) => setTimeout(r, 2100));
    expect(source.entries()?.[0]?.limitCredits).toBe(20);
    expect(logged.at(-1)).toMatch(/refused; the previous budgets stay in force: .*entry \[0\] "all": limitCredits/);
  });
});

describe('matching and periods', () => {
  const subject = { owner: 'key-alice', model: 'viduq2', kind: 'img2video' };

  it('an entry applies when every filter it has matches; no filter: every generation', () => {
    const e = (extra: Partial<BudgetEntry>): BudgetEntry => ({ name: 'b', limitCredits: 1, period: 'day', ...extra });
    expect(budgetMatches(e({}), subject)).toBe(true);
    expect(budgetMatches(e({ caller: 'alice' }), subject)).toBe(true);
    expect(budgetMatches(e({ caller: 'bob' }), subject)).toBe(false);
    // `operator` is the operator's own work, never a key's.
    expect(budgetMatches(e({ caller: 'operator' }), subject)).toBe(false);
    expect(budgetMatches(e({ caller: 'operator' }), { ...subject, owner: 'operator' })).toBe(true);
    expect(budgetMatches(e({ model: 'viduq2', kind: 'img2video' }), subject)).toBe(true);
    expect(budgetMatches(e({ model: 'viduq2', kind: 'text2video' }), subject)).toBe(false);
    expect(budgetMatches(e({ model: 'viduq1' }), subject)).toBe(false);
  });

  it('periods are UTC days and calendar months', () => {
    const at = Date.UTC(2026, 11, 31, 23, 59, 59);
    expect(periodKey('day', at)).toBe('2026-12-31');
    expect(periodKey('month', at)).toBe('2026-12');
    expect(new Date(periodEndsAt('day', at)).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(new Date(periodEndsAt('month', Date.UTC(2027, 1, 10))).toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });

  it('defaults: interactive fails, batch waits; the option wins', () => {
    expect(budgetModeFor('interactive', undefined)).toBe('fail');
    expect(budgetModeFor('batch', undefined)).toBe('wait');
    expect(budgetModeFor('interactive', 'wait')).toBe('wait');
    expect(reservationIdFor('wf', undefined)).toBe('wf#submit');
    expect(reservationIdFor('wf', 'submit-attempt-2')).toBe('wf#submit-attempt-2');
  });
});

describe('the ledger bookkeeping', () => {
  const entries: BudgetEntry[] = [
    { name: 'all', limitCredits: 100, period: 'day' },
    { name: 'alice', limitCredits: 60, period: 'month', caller: 'alice' },
  ];
  const now = Date.UTC(2026, 11, 7, 12);
  const req = (id: string, credits: number, owner = 'key-alice') => ({
    reservationId: `${id}#submit`,
    workflowId: id,
    subject: { owner, kind: 'img2video', model: 'viduq2' },
    credits,
    entries,
  });

  it('reserves against every matching budget, all or nothing, and never past a limit', () => {
    const s = emptyLedger();
    expect(reserve(s, req('a', 50), now)).toEqual({ reserved: true, budgets: ['all@2026-12-07', 'alice@2026-12'] });
    const refused = reserve(s, req('b', 20), now);
    expect(refused).toMatchObject({ reserved: false, refusal: { budget: 'alice', reserved: 50, requested: 20 } });
    // Refused by `alice`: nothing was counted in `all` either.
    expect(s.usage['all@2026-12-07']).toEqual({ reserved: 50, charged: 0 });
    expect(reserve(s, req('c', 50, 'operator'), now).reserved).toBe(true);
    expect(reserve(s, req('d', 1, 'operator'), now)).toMatchObject({ reserved: false, refusal: { budget: 'all' } });
  });

  it('settles to the charge once; a repeated reserve or settle counts nothing', () => {
    const s = emptyLedger();
    reserve(s, req('a', 50), now);
    expect(reserve(s, req('a', 50), now).reserved).toBe(true);
    expect(s.usage['all@2026-12-07']).toEqual({ reserved: 50, charged: 0 });
    expect(settle(s, 'a#submit', 40, now)).toBe(true);
    expect(settle(s, 'a#submit', 40, now)).toBe(false);
    expect(reserve(s, req('a', 50), now).reserved).toBe(true);
    expect(s.usage['all@2026-12-07']).toEqual({ reserved: 0, charged: 40 });
    const status = budgetStatus(s, now);
    expect(status.find((b) => b.name === 'all')).toMatchObject({
      limitCredits: 100,
      reserved: 0,
      charged: 40,
      remaining: 60,
    });
    // The next UTC day starts from nothing; the month budget keeps its charge.
    const tomorrow = now + 86_400_000;
    expect(budgetStatus(s, tomorrow).map((b) => [b.name, b.charged])).toEqual([
      ['all', 0],
      ['alice', 40],
    ]);
  });

  it('a refused waiter is remembered by the bucket that refused it, and woken once by a settle there', () => {
    const s = emptyLedger();
    reserve(s, req('a', 60), now);
    expect(reserve(s, { ...req('b', 10), waiter: true }, now).reserved).toBe(false);
    expect(s.waiters).toEqual({ b: 'alice@2026-12' });
    expect(waitersFreedBy(s, ['all@2026-12-07'])).toEqual([]);
    expect(waitersFreedBy(s, ['all@2026-12-07', 'alice@2026-12'])).toEqual(['b']);
    expect(waitersFreedBy(s, ['alice@2026-12'])).toEqual([]);
  });

  it('a closed run without a settle counts what Vidu charged it (less its settled attempts), else the reservation', () => {
    const s = emptyLedger();
    reserve(s, req('a', 50), now);
    expect(chargeOfClosed(s, 'a#submit', undefined)).toBe(50);
    expect(chargeOfClosed(s, 'a#submit', 30)).toBe(30);
    settle(s, 'a#submit', 0, now);
    reserve(s, { ...req('a', 50), reservationId: 'a#submit-attempt-2' }, now);
    expect(chargeOfClosed(s, 'a#submit-attempt-2', 45)).toBe(45);
  });
});
