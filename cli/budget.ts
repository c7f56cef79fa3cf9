import { Command } from 'commander';
import { budgetReport, type BudgetReport } from '../client/budgets';
import { ConfigError } from '../client/index';
import type { BudgetEntry } from '../core/budgets';
import { budgetSourceFromEnv } from '../platform/budgets/budgets-file';
import { type CliIO, EXIT, type GlobalFlags, json, out, type OutputFlags, printUsageIssues, withClient } from './io';
import { formatTable } from './output';

// `vidu-flow budget status`: each budget's limit, reserved, charged and remaining in its current
// UTC period (README "Spend control"), read from the account's budget ledger. The budgets listed
// are VIDU_FLOW_BUDGETS_FILE's when it is set here (checked like the worker's, without the keys
// file), else the ones the ledger last received from a worker. Registered with
// registerBudgetCommands(program, io, setExit).

type BudgetFlags = GlobalFlags & OutputFlags;

export function formatBudgetReport(report: BudgetReport): string {
  if (report.budgets.length === 0)
    return 'no budgets (set VIDU_FLOW_BUDGETS_FILE on the workers; README "Spend control")';
  const rows = report.budgets.map((b) => [
    b.name,
    `${b.period} ${b.periodKey}`,
    [b.caller && `caller ${b.caller}`, b.model && `model ${b.model}`, b.kind && `kind ${b.kind}`]
      .filter(Boolean)
      .join(', ') || 'overall',
    String(b.limitCredits),
    String(b.reserved),
    String(b.charged),
    String(b.remaining),
    b.periodEndsAt,
  ]);
  const lines = [
    formatTable(['BUDGET', 'PERIOD', 'APPLIES TO', 'LIMIT', 'RESERVED', 'CHARGED', 'REMAINING', 'ENDS'], rows),
  ];
  if (report.ledgers === 0) lines.push('(no ledger yet: nothing was reserved)');
  return lines.join('\n');
}

export function registerBudgetCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const budget = program.command('budget').description('credit budgets (VIDU_FLOW_BUDGETS_FILE): status');
  budget
    .command('status')
    .description('limit, reserved, charged and remaining credits of each budget in its current UTC period')
    .option('--json', 'print JSON')
    .action(async (_opts, c: Command) => {
      const flags = c.optsWithGlobals<BudgetFlags>();
      let entries: readonly BudgetEntry[] | undefined;
      try {
        entries = budgetSourceFromEnv(process.env).entries();
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        printUsageIssues(io, e.problems, 'nothing was read');
        setExit(EXIT.usage);
        return;
      }
      setExit(
        await withClient(io, flags, async (client) => {
          const report = await budgetReport(client.temporal, entries);
          if (flags.json) json(io, report);
          else out(io, formatBudgetReport(report));
          return EXIT.ok;
        }),
      );
    });
}
