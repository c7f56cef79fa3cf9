import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/actions';
import { buildStartPlan, UsageError } from '../../cli/args';
import { applyNotBefore, deferredStartNote } from '../../cli/not-before';
import { runCli } from '../../cli/program';
import type { StartOptions, ViduFlowClient } from '../../client/index';
import {
  deferredStart,
  formatDuration,
  InvalidTimeSpec,
  isKnownTimeZone,
  parseClockTime,
  parseDuration,
  parseNotBefore,
  startDelayMs,
} from '../../client/time-spec';

const NOW = new Date('2026-03-10T12:00:00.000Z');

describe('parseDuration', () => {
  it('reads one or more number+unit parts', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration(' 2H ')).toBe(7_200_000);
    expect(parseDuration('1m30s')).toBe(90_000);
  });

  it('refuses a bare number, an unknown unit, signs and spaces inside', () => {
    for (const bad of ['10', '', 'm', '10w', '-5m', '+5m', '1h 30m', 'soon', '5 minutes']) {
      expect(() => parseDuration(bad), bad).toThrow(InvalidTimeSpec);
    }
    expect(() => parseDuration('10')).toThrow('"10" is not a duration; write e.g. 90s, 10m, 2h, 1d or 1h30m');
  });

  it('formatDuration writes the shortest whole-second form', () => {
    expect(formatDuration(2_000)).toBe('2s');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(86_400_000 + 61_000)).toBe('1d1m1s');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('parseNotBefore', () => {
  it('reads +duration relative to now', () => {
    expect(parseNotBefore('+10m', NOW).toISOString()).toBe('2026-03-10T12:10:00.000Z');
    expect(parseNotBefore('+2h', NOW).toISOString()).toBe('2026-03-10T14:00:00.000Z');
    expect(parseNotBefore('+1h30m', NOW).toISOString()).toBe('2026-03-10T13:30:00.000Z');
  });

  it('reads ISO date-times with Z or an offset', () => {
    expect(parseNotBefore('2026-03-11T01:00:00Z', NOW).toISOString()).toBe('2026-03-11T01:00:00.000Z');
    expect(parseNotBefore('2026-03-11T01:00+01:00', NOW).toISOString()).toBe('2026-03-11T00:00:00.000Z');
    expect(parseNotBefore('2026-03-11T01:00:30.250-0500', NOW).toISOString()).toBe('2026-03-11T06:00:30.250Z');
    expect(parseNotBefore('2026-03-11 01:00Z', NOW).toISOString()).toBe('2026-03-11T01:00:00.000Z');
  });

  it('reads a date-time without an offset as local time', () => {
    expect(parseNotBefore('2026-03-11T01:00', NOW).getTime()).toBe(new Date(2026, 2, 11, 1, 0, 0).getTime());
  });

  it('refuses a date alone, garbage, a bad +duration and impossible dates', () => {
    expect(() => parseNotBefore('2026-03-11', NOW)).toThrow(/is not a time; write an ISO date and time/);
    expect(() => parseNotBefore('tomorrow', NOW)).toThrow(InvalidTimeSpec);
    expect(() => parseNotBefore('+soon', NOW)).toThrow(
      '"+soon" is not a time; after "+" write a duration such as +10m, +2h or +1h30m',
    );
    expect(() => parseNotBefore('2026-13-40T25:00Z', NOW)).toThrow('is not a valid date and time');
    expect(() => parseNotBefore('2026-02-30T01:00Z', NOW)).toThrow('"2026-02-30T01:00Z" is not a valid date and time');
    expect(parseNotBefore('2028-02-29T01:00Z', NOW).toISOString()).toBe('2028-02-29T01:00:00.000Z');
  });
});

describe('start delay', () => {
  it('is the time left until notBefore, none when unset or past', () => {
    expect(startDelayMs(undefined, NOW)).toBeUndefined();
    expect(startDelayMs(new Date(NOW.getTime() + 3_000), NOW)).toBe(3_000);
    expect(startDelayMs(new Date(NOW.getTime() - 1), NOW)).toBeUndefined();
    expect(startDelayMs(NOW, NOW)).toBeUndefined();
    expect(() => startDelayMs(new Date('nope'), NOW)).toThrow(InvalidTimeSpec);
  });

  it('deferredStart gives the startDelay start option, or nothing', () => {
    expect(deferredStart(new Date(NOW.getTime() + 60_000), NOW)).toEqual({ startDelay: 60_000 });
    expect(deferredStart(new Date(NOW.getTime() - 60_000), NOW)).toEqual({});
    expect(deferredStart(undefined, NOW)).toEqual({});
  });
});

describe('clock times and zones', () => {
  it('parseClockTime reads HH:MM on a 24-hour clock', () => {
    expect(parseClockTime('01:00')).toEqual({ hour: 1, minute: 0 });
    expect(parseClockTime('1:05')).toEqual({ hour: 1, minute: 5 });
    expect(parseClockTime('23:59')).toEqual({ hour: 23, minute: 59 });
    for (const bad of ['24:00', '12:60', '1am', '0100', ''])
      expect(() => parseClockTime(bad), bad).toThrow(InvalidTimeSpec);
  });

  it('isKnownTimeZone accepts IANA names only', () => {
    expect(isKnownTimeZone('Europe/Paris')).toBe(true);
    expect(isKnownTimeZone('UTC')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('--not-before on start commands', () => {
  const ctx = { cwd: '/w', readFile: () => '', now: () => NOW };

  it('becomes StartOptions.notBefore', () => {
    expect(buildStartPlan('img2video', { notBefore: '+10m' }, ctx).start).toEqual({
      notBefore: new Date('2026-03-10T12:10:00.000Z'),
    });
    expect(buildStartPlan('img2video', { notBefore: '2026-03-11T01:00:00Z', idempotencyKey: 'k' }, ctx).start).toEqual({
      notBefore: new Date('2026-03-11T01:00:00Z'),
      idempotencyKey: 'k',
    });
  });

  it('reports an unreadable value with the other usage problems', () => {
    let issues: string[] = [];
    try {
      buildStartPlan('img2video', { notBefore: 'tonight', seed: 'x' }, ctx);
    } catch (e) {
      if (e instanceof UsageError) issues = e.issues;
    }
    expect(issues).toEqual([
      '--seed must be an integer (got "x")',
      expect.stringMatching(/^--not-before: "tonight" is not a time/),
    ]);
  });

  it('applyNotBefore leaves StartOptions alone without the flag', () => {
    const start: StartOptions = {};
    const issues: string[] = [];
    applyNotBefore(start, undefined, NOW, issues);
    expect(start).toEqual({});
    expect(issues).toEqual([]);
  });

  it('deferredStartNote speaks only of a future time', () => {
    expect(deferredStartNote(new Date(NOW.getTime() + 1000), NOW)).toBe(
      "deferred: the workflow's first step (and the Vidu submission) waits until 2026-03-10T12:00:01.000Z",
    );
    expect(deferredStartNote(NOW, NOW)).toBeUndefined();
    expect(deferredStartNote(undefined, NOW)).toBeUndefined();
  });

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; started: unknown[] }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let o = '';
    let e = '';
    stdout.on('data', (c: Buffer) => (o += c.toString()));
    stderr.on('data', (c: Buffer) => (e += c.toString()));
    const started: unknown[] = [];
    const fake = {
      temporal: { connection: { close: async () => undefined } },
      async start(kind: string, input: unknown, start: StartOptions) {
        started.push({ kind, input, start });
        return { workflowId: `${kind}-fake` };
      },
    };
    const io: CliIO = {
      stdout,
      stderr,
      cwd: '/w',
      readFile: () => '',
      fileExists: () => true,
      connect: async () => fake as unknown as ViduFlowClient,
      onInterrupt: () => () => undefined,
    };
    const code = await runCli(args, io);
    await new Promise((r) => setImmediate(r));
    return { code, stdout: o, stderr: e, started };
  }

  const IMG = ['--model', 'viduq2', '--image', 'https://cdn.example.com/a.png', '--prompt', 'p', '--duration', '5'];

  it('the CLI passes it to the client and says the start is deferred', async () => {
    const before = Date.now();
    const r = await cli(['img2video', ...IMG, '--not-before', '+2h']);
    expect(r.code).toBe(0);
    const start = (r.started[0] as { start: StartOptions }).start;
    expect(start.notBefore!.getTime()).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(start.notBefore!.getTime()).toBeLessThanOrEqual(Date.now() + 7_200_000);
    expect(r.stdout.trim()).toBe('img2video-fake');
    expect(r.stderr).toContain(
      `deferred: the workflow's first step (and the Vidu submission) waits until ${start.notBefore!.toISOString()}`,
    );
  });

  it('--dry-run shows notBefore; a bad value is a usage error that starts nothing', async () => {
    const dry = await cli(['img2video', ...IMG, '--not-before', '2030-01-01T01:00:00Z', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ kind: 'img2video', notBefore: '2030-01-01T01:00:00.000Z' });
    const bad = await cli(['img2video', ...IMG, '--not-before', 'midnight']);
    expect(bad.code).toBe(2);
    expect(bad.started).toEqual([]);
    expect(bad.stderr).toContain('--not-before: "midnight" is not a time');
  });
});
