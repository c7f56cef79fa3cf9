// An operator file read at start-up (a bad one stops the process: `read` throws ConfigError) and
// read again when it changes, checked at most every RECHECK_MS on use, so a change needs neither a
// release nor a restart. A bad edit keeps the last good value and is logged once per edit. Used
// by the prices file (platform/prices/prices-file.ts) and the budgets file
// (platform/budgets/budgets-file.ts).
import { statSync } from 'node:fs';
import { ConfigError } from './env';

/** How often, at most, a watched file's modification time is looked at. */
export const RECHECK_MS = 2000;

/**
 * `read(file)` now (its ConfigError propagates), then a getter that re-reads on a new modification
 * time. `envName` and `what` ("prices", "budgets") only word the log lines.
 */
export function watchedFile<T>(
  file: string,
  read: (file: string) => T,
  words: { envName: string; what: string },
  log: (line: string) => void,
): () => T {
  let current = read(file);
  let stamp = mtimeOf(file);
  let checkedAt = Date.now();
  let refused: number | undefined;
  return () => {
    const now = Date.now();
    if (now - checkedAt < RECHECK_MS) return current;
    checkedAt = now;
    const next = mtimeOf(file);
    if (next === stamp || next === refused) return current;
    try {
      current = read(file);
      stamp = next;
      log(`vidu-flow: ${words.envName} ${file} re-read`);
    } catch (err) {
      refused = next;
      log(
        `vidu-flow: ${words.envName} ${file} changed but is refused; the previous ${words.what} stay in force: ${err instanceof ConfigError ? err.problems.join('; ') : (err as Error).message}`,
      );
    }
    return current;
  };
}

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
