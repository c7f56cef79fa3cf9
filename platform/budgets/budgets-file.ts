// VIDU_FLOW_BUDGETS_FILE: the operator's budgets (issue 19 §2; README "Spend control"), read by the
// worker (every reservation) and the API (GET /v1/budgets). Other services' scripts write it, so
// its shape is fixed: a JSON list of `{ name, limitCredits, period: 'day' | 'month' }` with optional
// `caller` (a key id of the keys file, or `operator`), `model` and `kind` filters; an entry without
// filters is the overall budget. Read at start-up, where a bad file stops the process with every
// problem named (the entry and the rule); then read again when it changes (looked at most every
// few seconds, on use), and a bad edit keeps the last good list and says why, once per edit.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { BudgetEntry } from '../../core/budgets';
import { ENDPOINTS, GENERATION_KINDS, type EndpointSpec } from '../../vidu/endpoints';
import { withFileModels } from '../../vidu/model-extensions';
import { ConfigError } from '../config/env';
import { watchedFile } from '../config/watched-file';
import { loadKeysFile } from '../keys/api-keys';

export const BUDGETS_FILE_ENV = 'VIDU_FLOW_BUDGETS_FILE';

const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const BudgetEntrySchema = z.strictObject({
  name: z
    .string()
    .regex(NAME_RULE, 'must be 1–64 characters of A-Z, a-z, 0-9, _ . and -, starting with a letter or digit'),
  limitCredits: z
    .number('must be a number of credits')
    .int('must be a whole number of credits')
    .nonnegative('must not be negative'),
  period: z.enum(['day', 'month'], "must be 'day' (a UTC day) or 'month' (a UTC calendar month)"),
  caller: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  kind: z.string().min(1).optional(),
});

/** What the file's entries are checked against: who may be named as a caller, and the registry. */
export interface BudgetsContext {
  /** Key ids of the keys file, when one is configured; undefined: any caller id is accepted. */
  keyIds?: readonly string[];
}

/** The key ids of the keys file, for the caller check; a bad keys file is a ConfigError naming it. */
export function keyIdsOfKeysFile(file: string): string[] {
  try {
    return loadKeysFile(file).map((k) => k.id);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
}

/** Every model of every endpoint (the built-in registry and the models file), by kind. */
function modelsByKind(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const kind of GENERATION_KINDS) {
    const table = (ENDPOINTS[kind] as EndpointSpec).models;
    out.set(kind, new Set(table ? Object.keys(withFileModels(kind, table).models) : []));
  }
  return out;
}

/** Checks parsed JSON; problems name the entry (`[i] "name"`) and the rule. */
export function parseBudgets(
  json: unknown,
  ctx: BudgetsContext = {},
): { ok: true; entries: BudgetEntry[] } | { ok: false; problems: string[] } {
  if (!Array.isArray(json)) return { ok: false, problems: ['must be a JSON list of budget entries'] };
  const problems: string[] = [];
  const entries: BudgetEntry[] = [];
  const names = new Set<string>();
  const models = modelsByKind();
  const allModels = new Set([...models.values()].flatMap((m) => [...m]));
  json.forEach((raw: unknown, i) => {
    const label = `entry [${i}]${typeof (raw as { name?: unknown })?.name === 'string' ? ` ${JSON.stringify((raw as { name: string }).name)}` : ''}`;
    const parsed = BudgetEntrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${label}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
      return;
    }
    const e = parsed.data;
    if (names.has(e.name)) problems.push(`${label}: name: duplicate name (each budget needs its own)`);
    names.add(e.name);
    if (e.caller !== undefined && e.caller !== 'operator' && ctx.keyIds && !ctx.keyIds.includes(e.caller))
      problems.push(
        `${label}: caller: ${JSON.stringify(e.caller)} is neither a key id of the keys file nor "operator"`,
      );
    if (e.kind !== undefined && !models.has(e.kind))
      problems.push(
        `${label}: kind: ${JSON.stringify(e.kind)} is not an endpoint of the registry (${GENERATION_KINDS.join(', ')})`,
      );
    if (e.model !== undefined) {
      const known = e.kind !== undefined && models.has(e.kind) ? models.get(e.kind)! : allModels;
      if (!known.has(e.model))
        problems.push(
          `${label}: model: ${JSON.stringify(e.model)} is not a model ${e.kind !== undefined ? `of ${e.kind}` : 'of any endpoint'} (the registry and the models file)`,
        );
    }
    entries.push({
      name: e.name,
      limitCredits: e.limitCredits,
      period: e.period,
      ...(e.caller !== undefined ? { caller: e.caller } : {}),
      ...(e.model !== undefined ? { model: e.model } : {}),
      ...(e.kind !== undefined ? { kind: e.kind } : {}),
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries };
}

/** Reads and checks one budgets file; throws ConfigError naming the file, the entry and the rule. */
export function readBudgetsFile(file: string, ctx: BudgetsContext = {}): BudgetEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      `${BUDGETS_FILE_ENV}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${BUDGETS_FILE_ENV}: ${file} is not JSON: ${(err as Error).message}`]);
  }
  const parsed = parseBudgets(json, ctx);
  if (!parsed.ok) throw new ConfigError(parsed.problems.map((p) => `${BUDGETS_FILE_ENV}: ${file}: ${p}`));
  return parsed.entries;
}

/** The budgets in force; `entries()` looks at the file again when it may have changed. */
export interface BudgetSource {
  entries(): readonly BudgetEntry[] | undefined;
  readonly file?: string;
}

/**
 * The process's budgets from its environment. Throws ConfigError at once when the file is set but
 * unreadable or wrong, so no process starts on budgets it cannot enforce. `keyIds` is read again
 * on each re-read (the keys file may change too).
 */
export function budgetSourceFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  keyIds: () => readonly string[] | undefined = () => undefined,
  log: (line: string) => void = (l) => console.error(l),
): BudgetSource {
  const raw = env[BUDGETS_FILE_ENV];
  if (raw === undefined || raw.trim() === '') return { entries: () => undefined };
  return watchedBudgetSource(path.resolve(raw), keyIds, log);
}

export function watchedBudgetSource(
  file: string,
  keyIds: () => readonly string[] | undefined,
  log: (line: string) => void,
): BudgetSource {
  const ctx = (): BudgetsContext => {
    const ids = keyIds();
    return ids ? { keyIds: ids } : {};
  };
  const entries = watchedFile(
    file,
    (f) => readBudgetsFile(f, ctx()),
    { envName: BUDGETS_FILE_ENV, what: 'budgets' },
    log,
  );
  return { file, entries };
}
