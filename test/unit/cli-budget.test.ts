// `vidu-flow budget status` (cli/budget.ts): the table it prints from a ledger report.
import { describe, expect, it } from 'vitest';
import { formatBudgetReport } from '../../cli/budget';

describe('vidu-flow budget status', () => {
  it('prints each budget with what it applies to, its figures and when its period ends', () => {
    const text = formatBudgetReport({
      at: '2026-12-07T10:00:00.000Z',
      ledgers: 1,
      budgets: [
        {
          name: 'overall',
          period: 'month',
          periodKey: '2026-12',
          periodEndsAt: '2027-01-01T00:00:00.000Z',
          limitCredits: 1000,
          reserved: 55,
          charged: 110,
          remaining: 835,
        },
        {
          name: 'alice-daily',
          period: 'day',
          periodKey: '2026-12-07',
          periodEndsAt: '2026-12-08T00:00:00.000Z',
          limitCredits: 100,
          reserved: 0,
          charged: 100,
          remaining: 0,
          caller: 'alice',
          model: 'viduq2',
        },
      ],
    });
    const [header, overall, alice] = text.split('\n');
    expect(header).toMatch(/BUDGET\s+PERIOD\s+APPLIES TO\s+LIMIT\s+RESERVED\s+CHARGED\s+REMAINING\s+ENDS/);
    expect(overall).toMatch(/overall\s+month 2026-12\s+overall\s+1000\s+55\s+110\s+835\s+2027-01-01/);
    expect(alice).toMatch(/alice-daily\s+day 2026-12-07\s+caller alice, model viduq2\s+100\s+0\s+100\s+0/);
  });

  it('says so when there are no budgets, or no ledger yet', () => {
    expect(formatBudgetReport({ at: '', ledgers: 0, budgets: [] })).toMatch(/no budgets .*VIDU_FLOW_BUDGETS_FILE/);
    const none = formatBudgetReport({
      at: '',
      ledgers: 0,
      budgets: [
        {
          name: 'x',
          period: 'day',
          periodKey: '2026-12-07',
          periodEndsAt: '2026-12-08T00:00:00.000Z',
          limitCredits: 1,
          reserved: 0,
          charged: 0,
          remaining: 1,
        },
      ],
    });
    expect(none).toMatch(/no ledger yet: nothing was reserved/);
  });
});
