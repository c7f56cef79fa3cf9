import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/actions';
import { UsageError } from '../../cli/args';
import { runCli } from '../../cli/program';
import {
  buildSchedulePlan,
  formatScheduleDetails,
  formatScheduleTable,
  type ScheduleCreateFlags,
} from '../../cli/schedule';
import type { ViduFlowClient } from '../../client/index';
import {
  compileSchedule,
  compileScheduleSpec,
  type CreateScheduleOptions,
  describeSpec,
  InvalidScheduleOptions,
  ViduFlowSchedules,
} from '../../client/schedules';

const IMG = 'https://cdn.example.com/still.png';
const REQUEST = { model: 'viduq2', images: [IMG], prompt: 'the camera pushes in', duration: 5, off_peak: true };

function specIssues(spec: Parameters<typeof compileScheduleSpec>[0]): string[] {
  const issues: string[] = [];
  compileScheduleSpec(spec, issues);
  return issues;
}

describe('compileScheduleSpec', () => {
  it('daily at HH:MM → one calendar entry, in the given zone', () => {
    const issues: string[] = [];
    expect(compileScheduleSpec({ at: '01:00', timezone: 'Europe/Paris' }, issues)).toEqual({
      calendars: [{ hour: 1, minute: 0, second: 0, comment: 'daily at 01:00' }],
      timezone: 'Europe/Paris',
    });
    expect(issues).toEqual([]);
  });

  it('every <duration> → an interval in milliseconds', () => {
    expect(compileScheduleSpec({ every: '2s' }, [])).toEqual({ intervals: [{ every: 2_000 }] });
    expect(compileScheduleSpec({ every: '1h30m' }, [])).toEqual({ intervals: [{ every: 5_400_000 }] });
  });

  it('cron → a cron expression, whitespace normalised', () => {
    expect(compileScheduleSpec({ cron: ' 0  1 * * * ' }, [])).toEqual({ cronExpressions: ['0 1 * * *'] });
    expect(compileScheduleSpec({ cron: '@daily', timezone: 'UTC' }, [])).toEqual({
      cronExpressions: ['@daily'],
      timezone: 'UTC',
    });
    expect(specIssues({ cron: '0 1 * * MON-FRI' })).toEqual([]);
    expect(specIssues({ cron: '*/15 * * * *' })).toEqual([]);
  });

  it('needs exactly one of cron, every, at', () => {
    expect(specIssues({})).toEqual(['spec: give one of cron, every or at']);
    expect(specIssues({ cron: '0 1 * * *', at: '01:00' })).toEqual([
      'spec: give only one of cron, every or at (got cron, at)',
    ]);
  });

  it('reports bad values field by field', () => {
    expect(specIssues({ at: '25:00' })).toEqual([expect.stringMatching(/^spec\.at: "25:00" is not a time of day/)]);
    expect(specIssues({ every: '500ms' })).toEqual([
      'spec.every: "500ms" must be a whole number of seconds, at least 1s',
    ]);
    expect(specIssues({ every: '1500ms' })).toEqual([
      'spec.every: "1500ms" must be a whole number of seconds, at least 1s',
    ]);
    expect(specIssues({ every: 'hourly' })).toEqual([
      expect.stringMatching(/^spec\.every: "hourly" is not a duration/),
    ]);
    expect(specIssues({ every: '1h', timezone: 'Europe/Paris' })).toEqual([
      'spec.timezone: applies to cron and at, not to every (intervals count from the Unix epoch)',
    ]);
    expect(specIssues({ at: '01:00', timezone: 'Europe/Atlantis' })).toEqual([
      'spec.timezone: unknown time zone "Europe/Atlantis"; use an IANA name such as Europe/Paris or UTC',
    ]);
    expect(specIssues({ cron: '0 1 * *' })).toEqual([
      'spec.cron: "0 1 * *" has 4 field(s); expected 5 (minute hour day-of-month month day-of-week), 6 (+ year) or 7 (second first)',
    ]);
    expect(specIssues({ cron: '@nightly' })).toEqual([
      expect.stringMatching(/^spec\.cron: unknown shorthand "@nightly"/),
    ]);
    expect(specIssues({ cron: 'CRON_TZ=Europe/Paris 0 1 * * *' })).toEqual([
      'spec.cron: give the zone as timezone, not inside the expression',
    ]);
  });

  it('describeSpec says it in a few words', () => {
    expect(describeSpec({ at: '01:00', timezone: 'Europe/Paris' })).toBe('daily at 01:00 (Europe/Paris)');
    expect(describeSpec({ every: '90m' })).toBe('every 1h30m');
    expect(describeSpec({ cron: '0 1 * * *' })).toBe('cron 0 1 * * * (UTC)');
  });
});

describe('compileSchedule', () => {
  const base: CreateScheduleOptions = {
    scheduleId: 'nightly',
    spec: { at: '01:00' },
    action: { kind: 'img2video', input: { request: REQUEST } },
  };

  it('starts the kind on the task queue, with run ids <scheduleId>-<time>, batch priority, SKIP overlap and search attributes', () => {
    const s = compileSchedule(base, 'q1');
    expect(s.scheduleId).toBe('nightly');
    expect(s.policies).toEqual({ overlap: 'SKIP' });
    expect(s.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'img2video',
      taskQueue: 'q1',
      workflowId: 'nightly',
      args: [{ request: REQUEST, options: { priority: 'batch' } }],
      staticSummary: 'scheduled img2video · nightly · viduq2 · off-peak',
    });
    const attrs = (s.action.typedSearchAttributes as { key: { name: string }; value: unknown }[]).map((a) => [
      a.key.name,
      a.value,
    ]);
    expect(attrs).toEqual([
      ['ViduKind', 'img2video'],
      ['ViduOffPeak', true],
      ['ViduModel', 'viduq2'],
    ]);
    expect(s.memo).toEqual({ viduFlow: { taskQueue: 'q1', spec: { at: '01:00' }, action: 'img2video' } });
    expect(s.state).toEqual({});
  });

  it('keeps options the caller gave, including an explicit priority; passes note, overlap and trigger', () => {
    const s = compileSchedule(
      {
        ...base,
        action: {
          kind: 'img2video',
          input: { request: REQUEST, options: { priority: 'interactive', waitMode: 'poll' } },
        },
        note: 'n',
        overlap: 'BUFFER_ONE',
        triggerImmediately: true,
      },
      'q',
    );
    expect(s.action.args).toEqual([{ request: REQUEST, options: { priority: 'interactive', waitMode: 'poll' } }]);
    expect(s.policies).toEqual({ overlap: 'BUFFER_ONE' });
    expect(s.state).toEqual({ note: 'n', triggerImmediately: true });
  });

  it('a batch action starts the batch workflow on the file, priority batch', () => {
    const s = compileSchedule(
      {
        scheduleId: 'nightly-batch',
        spec: { every: '1d' },
        action: { batch: { path: '/data/tonight.jsonl', window: 5, linesPerRun: 100 } },
      },
      'q',
    );
    expect(s.action).toMatchObject({
      workflowType: 'batch',
      workflowId: 'nightly-batch',
      args: [{ source: { path: '/data/tonight.jsonl' }, window: 5, options: { priority: 'batch' }, linesPerRun: 100 }],
    });
    expect(
      (s.action.typedSearchAttributes as { key: { name: string }; value: unknown }[]).map((a) => [a.key.name, a.value]),
    ).toEqual([['ViduKind', 'batch']]);
  });

  it('lists every problem: id, spec, overlap, input, idempotency key', () => {
    let issues: string[] = [];
    try {
      compileSchedule(
        {
          scheduleId: 'has space',
          spec: { every: 'often' },
          overlap: 'NEVER' as never,
          action: {
            kind: 'img2video',
            input: { request: { ...REQUEST, duration: 99, callback_url: 'x' }, options: { idempotencyKey: 'k' } },
          },
        },
        'q',
      );
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidScheduleOptions);
      issues = (e as InvalidScheduleOptions).issues;
    }
    expect(issues[0]).toMatch(/^scheduleId: "has space" must be/);
    expect(issues[1]).toMatch(/^spec\.every: "often" is not a duration/);
    expect(issues[2]).toMatch(/^overlap: expected one of SKIP, BUFFER_ONE/);
    expect(issues[3]).toMatch(/^options\.idempotencyKey: each run of a schedule has its own workflow id/);
    expect(issues.some((l) => l.startsWith('callback_url:'))).toBe(true);
    expect(issues.some((l) => l.startsWith('duration:'))).toBe(true);
  });

  it('refuses an unknown kind and an empty batch path', () => {
    expect(() =>
      compileSchedule({ ...base, action: { kind: 'text2speech' as never, input: { request: {} } } }, 'q'),
    ).toThrow(/kind: unknown kind "text2speech"/);
    expect(() => compileSchedule({ ...base, action: { batch: { path: 'tonight.jsonl' } } }, 'q')).toThrow(
      'batch.path: must be an absolute path the worker can read',
    );
    expect(() => compileSchedule({ ...base, action: { batch: { path: '/t.jsonl', window: 0 } } }, 'q')).toThrow(
      /batch\.window:/,
    );
  });
});

describe('schedule create flags → CreateScheduleOptions', () => {
  const CWD = '/home/me';
  const ctx = {
    cwd: CWD,
    readFile(file: string): string {
      if (file === path.join(CWD, 'req.json'))
        return JSON.stringify({ request: REQUEST, options: { waitMode: 'callback' } });
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
  };
  const issues = (id: string, flags: ScheduleCreateFlags): string[] => {
    try {
      buildSchedulePlan(id, flags, ctx);
    } catch (e) {
      if (e instanceof UsageError) return e.issues;
      throw e;
    }
    throw new Error('expected a UsageError');
  };

  it('maps --kind and request flags, --daily-at, --timezone, --off-peak', () => {
    const plan = buildSchedulePlan(
      'nightly',
      {
        kind: 'img2video',
        model: 'viduq2',
        image: ['still.png'],
        prompt: 'p',
        duration: '5',
        offPeak: true,
        dailyAt: '01:00',
        timezone: 'Europe/Paris',
        note: 'teaser',
      },
      ctx,
    );
    expect(plan.options).toEqual({
      scheduleId: 'nightly',
      spec: { at: '01:00', timezone: 'Europe/Paris' },
      action: {
        kind: 'img2video',
        input: {
          request: { model: 'viduq2', images: [path.join(CWD, 'still.png')], prompt: 'p', duration: 5, off_peak: true },
        },
      },
      note: 'teaser',
    });
    expect(plan.localFiles).toEqual([path.join(CWD, 'still.png')]);
  });

  it('takes --request @file, --priority, --overlap, --trigger-now, --cron', () => {
    const plan = buildSchedulePlan(
      'h',
      {
        kind: 'img2video',
        request: '@req.json',
        cron: '0 * * * *',
        priority: 'interactive',
        overlap: 'buffer-one',
        triggerNow: true,
      },
      ctx,
    );
    expect(plan.options).toEqual({
      scheduleId: 'h',
      spec: { cron: '0 * * * *' },
      action: {
        kind: 'img2video',
        input: { request: REQUEST, options: { waitMode: 'callback', priority: 'interactive' } },
      },
      overlap: 'BUFFER_ONE',
      triggerImmediately: true,
    });
  });

  it('maps --batch to an absolute path and --window JSON', () => {
    const plan = buildSchedulePlan('b', { batch: 'jobs/tonight.jsonl', every: '1d', window: '5', archive: true }, ctx);
    expect(plan.options.action).toEqual({ batch: { path: path.join(CWD, 'jobs/tonight.jsonl'), window: 5 } });
    expect(issues('b', { batch: 'a.jsonl', every: '1d', window: '500' })).toEqual([
      expect.stringMatching(/^--window: .*200/),
    ]);
    expect(plan.localFiles).toEqual([path.join(CWD, 'jobs/tonight.jsonl')]);
  });

  it('reports every usage problem at once', () => {
    expect(issues('x', {})).toEqual([
      'give one of --cron "<expr>", --every <duration> or --daily-at HH:MM',
      'give --kind <kind> (with request flags or --request) or --batch <file.jsonl>',
    ]);
    expect(issues('x', { kind: 'img2video', batch: 'a.jsonl', cron: '0 1 * * *', every: '1h' })).toEqual([
      'give only one of --cron, --every',
      'give --kind or --batch, not both',
    ]);
    expect(
      issues('x', { batch: 'a.jsonl', dailyAt: '1am', offPeak: true, prompt: 'p', archive: false, window: 'wide' }),
    ).toEqual([
      expect.stringMatching(/^--daily-at: "1am" is not a time of day/),
      "--prompt applies to --kind schedules; a batch file's lines carry their own requests and options",
      "--off-peak applies to --kind schedules; a batch file's lines carry their own requests and options",
      "--no-archive applies to --kind schedules; a batch file's lines carry their own options",
      '--window must be a whole number (got "wide")',
    ]);
    expect(
      issues('x', {
        kind: 'reference2image',
        offPeak: true,
        duration: '5',
        every: '1h',
        timezone: 'Europe/Paris',
        priority: 'urgent',
        overlap: 'never',
      }),
    ).toEqual([
      '--timezone: applies to cron and at, not to every (intervals count from the Unix epoch)',
      '--priority must be interactive or batch (got "urgent")',
      '--overlap must be one of skip, buffer-one, buffer-all, cancel-other, terminate-other, allow-all (got "never")',
      '--duration does not apply to reference2image (its request has no duration field)',
      '--off-peak does not apply to reference2image (its request has no off_peak field)',
    ]);
  });

  it("applies the client's input checks", () => {
    expect(
      issues('has space', { kind: 'img2video', model: 'viduq2', image: [IMG], duration: '99', every: '1h' }),
    ).toEqual([expect.stringMatching(/^scheduleId: "has space" must be/), expect.stringMatching(/^duration:/)]);
  });
});

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  connects: number;
}

async function cli(args: string[], client?: unknown): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  let connects = 0;
  const io: CliIO = {
    stdout,
    stderr,
    cwd: '/home/me',
    readFile: () => {
      throw new Error('no files');
    },
    fileExists: () => false,
    connect: async () => {
      connects += 1;
      if (!client) throw new Error('no Temporal here');
      return client as ViduFlowClient;
    },
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(args, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: o, stderr: e, connects };
}

describe('vidu-flow schedule (CLI)', () => {
  it('create --dry-run prints the schedule and the Temporal spec without connecting', async () => {
    const r = await cli([
      '--task-queue',
      'tq',
      'schedule',
      'create',
      'nightly',
      '--kind',
      'img2video',
      '--model',
      'viduq2',
      '--image',
      IMG,
      '--off-peak',
      '--daily-at',
      '01:00',
      '--timezone',
      'Europe/Paris',
      '--dry-run',
    ]);
    expect(r.code).toBe(0);
    expect(r.connects).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed).toMatchObject({
      scheduleId: 'nightly',
      spec: { at: '01:00', timezone: 'Europe/Paris' },
      temporal: {
        spec: { calendars: [{ hour: 1, minute: 0, second: 0 }], timezone: 'Europe/Paris' },
        policies: { overlap: 'SKIP' },
        workflowType: 'img2video',
        taskQueue: 'tq',
        workflowIdPrefix: 'nightly-',
        input: { request: { model: 'viduq2', images: [IMG], off_peak: true }, options: { priority: 'batch' } },
      },
    });
  });

  it('create --batch warns when the file is not here', async () => {
    const r = await cli(['schedule', 'create', 'nb', '--batch', 'tonight.jsonl', '--daily-at', '01:00', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning: /home/me/tonight.jsonl does not exist here; the worker must be able to read it at every run',
    );
    expect(JSON.parse(r.stdout).temporal).toMatchObject({
      workflowType: 'batch',
      input: { source: { path: '/home/me/tonight.jsonl' }, options: { priority: 'batch' } },
    });
  });

  it('a bad create is a usage error (exit 2) that connects to nothing', async () => {
    const r = await cli(['schedule', 'create', 'x', '--kind', 'img2video', '--every', 'sometimes']);
    expect(r.code).toBe(2);
    expect(r.connects).toBe(0);
    expect(r.stderr).toContain('vidu-flow: invalid input, nothing was created:');
    expect(r.stderr).toContain('--every: "sometimes" is not a duration');
  });

  it('list shows this task queue’s schedules unless --all: those with vidu-flow’s memo, and those made elsewhere that start a vidu-flow workflow here', async () => {
    const summary = (scheduleId: string, taskQueue: string | undefined) => ({
      scheduleId,
      action: { type: 'startWorkflow', workflowType: 'img2video' },
      memo: taskQueue ? { viduFlow: { taskQueue, spec: { at: '01:00' }, action: 'img2video' } } : {},
      state: { paused: false },
      info: { recentActions: [], nextActionTimes: [new Date('2026-03-11T01:00:00Z')] },
    });
    const fake = {
      taskQueue: 'mine',
      temporal: {
        connection: { close: async () => undefined },
        schedule: {
          async *list() {
            yield summary('b-mine', 'mine');
            yield summary('other', 'theirs');
            yield summary('a-mine', 'mine');
            yield summary('foreign', undefined);
            yield summary('foreign-elsewhere', undefined);
            yield { ...summary('not-ours', undefined), action: { type: 'startWorkflow', workflowType: 'billing' } };
          },
          // Only schedules without the memo that start one of our workflow types are described.
          getHandle: (id: string) => ({
            describe: async () => {
              if (id !== 'foreign' && id !== 'foreign-elsewhere') throw new Error(`${id} should not need a describe`);
              return { action: { workflowType: 'img2video', taskQueue: id === 'foreign' ? 'mine' : 'theirs' } };
            },
          }),
        },
      },
    };
    const rows = await new ViduFlowSchedules(fake as unknown as ViduFlowClient).listSchedules();
    expect(rows.map((r) => r.scheduleId)).toEqual(['a-mine', 'b-mine', 'foreign']);
    const all = await new ViduFlowSchedules(fake as unknown as ViduFlowClient).listSchedules({ all: true });
    expect(all.map((r) => [r.scheduleId, r.spec])).toEqual([
      ['a-mine', 'daily at 01:00 (UTC)'],
      ['b-mine', 'daily at 01:00 (UTC)'],
      ['foreign', 'no times (made outside vidu-flow)'],
      ['foreign-elsewhere', 'no times (made outside vidu-flow)'],
      ['not-ours', 'no times (made outside vidu-flow)'],
      ['other', 'daily at 01:00 (UTC)'],
    ]);
    const r = await cli(['schedule', 'list'], fake);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('a-mine');
    expect(r.stdout).not.toContain('other');
    expect(r.stdout.split('\n')[0]).toMatch(/^SCHEDULE\s+ACTION\s+WHEN\s+NEXT RUN\s+LAST RUN\s+STATE$/);
  });

  it('describe and delete of a missing schedule exit 1 with one clear line', async () => {
    const { ScheduleNotFoundError } = await import('@temporalio/client');
    const fake = {
      taskQueue: 'q',
      temporal: {
        connection: { close: async () => undefined },
        schedule: {
          getHandle: (id: string) => ({
            describe: async () => {
              throw new ScheduleNotFoundError('not found', id);
            },
            delete: async () => {
              throw new ScheduleNotFoundError('not found', id);
            },
          }),
        },
      },
    };
    for (const cmd of ['describe', 'delete']) {
      const r = await cli(['schedule', cmd, 'gone'], fake);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe('vidu-flow: no schedule gone in this namespace');
    }
  });

  it('formats details and tables for people', () => {
    const at = new Date('2026-03-11T01:00:00.123Z');
    const text = formatScheduleDetails({
      scheduleId: 'nightly',
      action: 'img2video',
      spec: 'daily at 01:00 (UTC)',
      paused: false,
      workflowType: 'img2video',
      taskQueue: 'q',
      overlap: 'SKIP',
      createdAt: at,
      nextRunTimes: [at],
      actionsTaken: 1,
      skippedOverlap: 0,
      missedCatchupWindow: 0,
      running: [],
      recentRuns: [
        { workflowId: 'nightly-2026-03-11T01:00:00Z', runId: 'r', scheduledAt: at, takenAt: at, status: 'COMPLETED' },
      ],
      input: {},
    });
    expect(text).toBe(
      [
        'schedule nightly: img2video · daily at 01:00 (UTC) · active',
        '  workflow img2video on task queue q · overlap SKIP · created 2026-03-11 01:00:00Z',
        '  runs taken 1 · skipped (overlap) 0 · missed (catch-up window) 0',
        '  next runs: 2026-03-11 01:00:00Z',
        '  recent runs:',
        '    2026-03-11 01:00:00Z  nightly-2026-03-11T01:00:00Z  COMPLETED',
      ].join('\n'),
    );
    expect(
      formatScheduleTable([
        { scheduleId: 's', action: 'batch', spec: 'every 1d', paused: true, note: 'holiday' },
      ]).split('\n')[1],
    ).toMatch(/^s\s+batch\s+every 1d\s+-\s+-\s+paused · holiday$/);
  });
});
