import { Option, type Command } from 'commander';
import { parseNotBefore, type StartOptions } from '../client/index';

// `--not-before <time>`: a deferred start, shared by every command that starts a workflow.
// Declare it with addNotBeforeOption(cmd); turn the parsed flag into StartOptions.notBefore with
// applyNotBefore(start, flags.notBefore, now, issues). The client turns notBefore into Temporal's
// startDelay (see client/time-spec.ts and StartOptions.notBefore).

export const NOT_BEFORE_HELP =
  'submit to Vidu no earlier than this: an ISO time (2026-01-02T01:00:00Z, …+01:00; no offset = local time) or +duration from now (+10m, +2h, +1h30m)';

export function addNotBeforeOption(cmd: Command): Command {
  return cmd.addOption(new Option('--not-before <time>', NOT_BEFORE_HELP));
}

/** Sets `start.notBefore` from the raw flag, or adds an issue naming the flag when it cannot be read. */
export function applyNotBefore(start: StartOptions, raw: string | undefined, now: Date, issues: string[]): void {
  if (raw === undefined) return;
  try {
    start.notBefore = parseNotBefore(raw, now);
  } catch (e) {
    issues.push(`--not-before: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The stderr line after a deferred start, or undefined when it starts at once. */
export function deferredStartNote(notBefore: Date | undefined, now: Date): string | undefined {
  if (notBefore === undefined || notBefore.getTime() <= now.getTime()) return undefined;
  return `deferred: the workflow's first step (and the Vidu submission) waits until ${notBefore.toISOString()}`;
}
