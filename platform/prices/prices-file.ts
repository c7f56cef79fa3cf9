// VIDU_FLOW_PRICES_FILE: the operator's prices (vidu/prices/prices-file.ts says what an entry is),
// read by the worker (the estimate of every generation), the API (POST /v1/estimates) and the
// CLI/client (`vidu-flow estimate`). Read at start-up, where a bad file stops the process with
// every problem named; then read again when it changes (checked at most every few seconds, on
// use), so a re-pricing needs neither a release nor a restart. A bad edit keeps the last good
// table and says why, once per edit.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/env';
import { watchedFile } from '../config/watched-file';
import { parsePricesFile, PriceTable } from '../../vidu/prices';

export const PRICES_FILE_ENV = 'VIDU_FLOW_PRICES_FILE';

/** Reads and checks one prices file; throws ConfigError naming the file, the entry and the rule. */
export function readPricesFile(file: string): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      `${PRICES_FILE_ENV}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${PRICES_FILE_ENV}: ${file} is not JSON: ${(err as Error).message}`]);
  }
  const parsed = parsePricesFile(json);
  if (!parsed.ok) throw new ConfigError(parsed.problems.map((p) => `${PRICES_FILE_ENV}: ${file}: ${p}`));
  return new PriceTable(parsed.entries);
}

/** The prices in force: the built-in table, or it with the operator's file over it. */
export interface PriceSource {
  /** The current table (the file is looked at again when it may have changed). */
  table(): PriceTable;
  /** The file, when one is set. */
  readonly file?: string;
}

/**
 * The process's price source from its environment. Throws ConfigError at once when the file is
 * set but unreadable or wrong, so no process starts on prices it cannot honour.
 */
export function priceSourceFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (l) => console.error(l),
): PriceSource {
  const raw = env[PRICES_FILE_ENV];
  if (raw === undefined || raw === '') return { table: () => DEFAULT_TABLE };
  return watchedPriceSource(path.resolve(raw), log);
}

const DEFAULT_TABLE = new PriceTable();

export function watchedPriceSource(file: string, log: (line: string) => void): PriceSource {
  return { file, table: watchedFile(file, readPricesFile, { envName: PRICES_FILE_ENV, what: 'prices' }, log) };
}
