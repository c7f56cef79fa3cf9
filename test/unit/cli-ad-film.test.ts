import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildAdFilmPlan, parseEditSpec, parseEditSpecs, prepareAdFilm, prepareEdits } from '../../cli/ad-film-args';
import { UsageError } from '../../cli/args';
import type { CliIO } from '../../cli/io';
import { adFilmStatusLine, formatAdFilmResult, formatReviewNotice, formatStoryboards } from '../../cli/output';
import { runCli } from '../../cli/program';
import { lineProgress } from '../../cli/progress';
import type { ViduFlowClient } from '../../client/index';
import type { AdFilmEdit, AdFilmResult, AdFilmStatus, StoryboardView } from '../../core/ad-film-types';

const CWD = '/home/me/project';
const IMG = 'https://cdn.example.com/bottle.png';
const ctx = { cwd: CWD, readFile: (): string => '' };

function usageIssues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.issues;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('--edit specs', () => {
  it('parses the three kinds of edit', () => {
    expect(parseEditSpec('video:2:Close-up of the bottle')).toEqual({
      ok: true,
      edit: { type: 'video', storyboard: 2, prompt: 'Close-up of the bottle' },
    });
    expect(parseEditSpec('narration:Cold brew, ready when you are.')).toEqual({
      ok: true,
      edit: { type: 'narration', text: 'Cold brew, ready when you are.' },
    });
    expect(parseEditSpec('bgm:Warm acoustic guitar')).toEqual({
      ok: true,
      edit: { type: 'bgm', prompt: 'Warm acoustic guitar' },
    });
  });

  it('splits only on the first colon (two for video): the text may contain colons', () => {
    expect(parseEditSpec('video:0:Title card: "Summer" at 16:9')).toEqual({
      ok: true,
      edit: { type: 'video', storyboard: 0, prompt: 'Title card: "Summer" at 16:9' },
    });
    expect(parseEditSpec('narration:Note: it is 10:30 now')).toEqual({
      ok: true,
      edit: { type: 'narration', text: 'Note: it is 10:30 now' },
    });
    expect(parseEditSpec('bgm:lo-fi: 90 bpm')).toEqual({ ok: true, edit: { type: 'bgm', prompt: 'lo-fi: 90 bpm' } });
  });

  it('ignores the case of the type and whitespace around the index and the text', () => {
    expect(parseEditSpec(' Video : 1 :  slow pan  ')).toEqual({
      ok: true,
      edit: { type: 'video', storyboard: 1, prompt: 'slow pan' },
    });
    expect(parseEditSpec('BGM: jazz')).toEqual({ ok: true, edit: { type: 'bgm', prompt: 'jazz' } });
  });

  it('names what is wrong with a bad spec', () => {
    const issue = (spec: string) => {
      const r = parseEditSpec(spec);
      if (r.ok) throw new Error(`${spec} parsed`);
      return r.issue;
    };
    expect(issue('video')).toBe('--edit "video": expected video:<index>:<prompt>, e.g. video:0:close-up of the bottle');
    expect(issue('video:close-up')).toBe(
      '--edit "video:close-up": expected video:<index>:<prompt>, e.g. video:0:close-up of the bottle',
    );
    expect(issue('video:-1:p')).toBe('--edit "video:-1:p": the storyboard index must be a whole number ≥ 0 (got "-1")');
    expect(issue('video:1.5:p')).toBe(
      '--edit "video:1.5:p": the storyboard index must be a whole number ≥ 0 (got "1.5")',
    );
    expect(issue('video:x:')).toBe(
      '--edit "video:x:": the storyboard index must be a whole number ≥ 0 (got "x"); the prompt must not be empty',
    );
    expect(issue('video:0:  ')).toBe('--edit "video:0:  ": the prompt must not be empty');
    expect(issue('narration')).toBe('--edit "narration": expected narration:<text>');
    expect(issue('narration:')).toBe('--edit "narration:": the text must not be empty');
    expect(issue('bgm: ')).toBe('--edit "bgm: ": the prompt must not be empty');
    expect(issue('sound:loud')).toBe(
      '--edit "sound:loud": unknown edit type "sound"; expected video:<index>:<prompt> | narration:<text> | bgm:<prompt>',
    );
    expect(issue('')).toMatch(/unknown edit type ""/);
  });

  it('parseEditSpecs keeps the good ones in order and lists every bad one', () => {
    const r = parseEditSpecs(['video:0:a', 'oops', 'bgm:b', 'video:z:c']);
    expect(r.edits).toEqual([
      { type: 'video', storyboard: 0, prompt: 'a' },
      { type: 'bgm', prompt: 'b' },
    ]);
    expect(r.specs).toEqual(['video:0:a', 'bgm:b']);
    expect(r.issues).toHaveLength(2);
  });

  it('prepareEdits (vidu-flow edit) wants at least one edit and applies the contract’s limits', () => {
    expect(prepareEdits(['video:1:p', 'narration:n'])).toEqual([
      { type: 'video', storyboard: 1, prompt: 'p' },
      { type: 'narration', text: 'n' },
    ]);
    expect(usageIssues(() => prepareEdits([]))).toEqual([
      'give at least one --edit <spec> (video:<index>:<prompt> | narration:<text> | bgm:<prompt>)',
    ]);
    expect(usageIssues(() => prepareEdits(undefined))).toHaveLength(1);
    const long = `bgm:${'x'.repeat(2001)}`;
    const issues = usageIssues(() => prepareEdits(['bgm:', 'video:0:ok', long]));
    expect(issues[0]).toBe('--edit "bgm:": the prompt must not be empty');
    // The contract's limit, named by the value the user typed (cut short), not by an index.
    expect(issues[1]).toMatch(/^--edit "bgm:x{55}…": prompt: .*2000/);
    expect(issues).toHaveLength(2);
  });
});

describe('ad-film flags → AdFilmInput', () => {
  it('maps request flags to the ad-one-click body, local paths made absolute', () => {
    const plan = buildAdFilmPlan(
      {
        image: [IMG, 'shots/model.jpg', '/abs/logo.png'],
        prompt: 'cold brew',
        duration: '20',
        aspectRatio: '9:16',
        language: 'en',
      },
      ctx,
    );
    expect(plan.input).toEqual({
      request: {
        images: [IMG, path.join(CWD, 'shots/model.jpg'), '/abs/logo.png'],
        prompt: 'cold brew',
        duration: 20,
        aspect_ratio: '9:16',
        language: 'en',
      },
    });
    expect(plan.localFiles).toEqual([path.join(CWD, 'shots/model.jpg'), '/abs/logo.png']);
    expect(plan.start).toEqual({});
  });

  it('maps --edit, the review flags and the common options', () => {
    const plan = buildAdFilmPlan(
      {
        image: [IMG],
        edit: ['video:0:close-up: condensation', 'bgm:guitar'],
        review: true,
        reviewTimeout: '3600',
        onReviewTimeout: 'compose',
        editAttempts: '2',
        waitMode: 'callback',
        archive: false,
        timeout: '7200',
        pollInitial: '1.5',
        idempotencyKey: 'campaign-42',
        workflowId: 'film-1',
      },
      ctx,
    );
    expect(plan.input.edits).toEqual<AdFilmEdit[]>([
      { type: 'video', storyboard: 0, prompt: 'close-up: condensation' },
      { type: 'bgm', prompt: 'guitar' },
    ]);
    expect(plan.input.options).toEqual({
      review: true,
      reviewTimeoutSeconds: 3600,
      onReviewTimeout: 'compose',
      editAttempts: 2,
      waitMode: 'callback',
      archive: false,
      timeoutSeconds: 7200,
      poll: { initialSeconds: 1.5 },
      idempotencyKey: 'campaign-42',
    });
    expect(plan.start).toEqual({ workflowId: 'film-1', idempotencyKey: 'campaign-42' });
  });

  it('--not-before defers the start like the generation commands', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    expect(buildAdFilmPlan({ image: [IMG], notBefore: '+10m' }, { ...ctx, now: () => now }).start).toEqual({
      notBefore: new Date('2026-01-01T10:10:00Z'),
    });
    expect(usageIssues(() => buildAdFilmPlan({ image: [IMG], notBefore: 'someday' }, ctx))[0]).toMatch(
      /^--not-before: /,
    );
  });

  it('no edits and no options leave the fields out; archive true (the --no-archive default) adds nothing', () => {
    expect(buildAdFilmPlan({ image: [IMG], archive: true, edit: [] }, ctx).input).toEqual({
      request: { images: [IMG] },
    });
  });

  it('prepareAdFilm lists every problem at once, each pointing at its flag or --edit value', () => {
    const issues = usageIssues(() =>
      prepareAdFilm(
        {
          duration: '5',
          edit: ['video:x:', 'sound:loud', `narration:${'y'.repeat(2001)}`],
          editAttempts: '20',
          reviewTimeout: '600',
          timeout: 'soon',
        },
        ctx,
      ),
    );
    expect(issues).toEqual([
      '--edit "video:x:": the storyboard index must be a whole number ≥ 0 (got "x"); the prompt must not be empty',
      '--edit "sound:loud": unknown edit type "sound"; expected video:<index>:<prompt> | narration:<text> | bgm:<prompt>',
      '--timeout must be a number (got "soon")',
      '--review-timeout applies only with --review',
      'images: images is required (1–7 images)',
      expect.stringMatching(/^duration: .*10 and 60.* \(--duration\)$/),
      `--edit "narration:${'y'.repeat(49)}…": text: text must be at most 2000 characters`,
      expect.stringMatching(/^options\.editAttempts: .*10 \(--edit-attempts\)$/),
    ]);
  });

  it('prepareAdFilm accepts a valid film', () => {
    const plan = prepareAdFilm(
      { image: ['bottle.png'], prompt: 'p', edit: ['video:0:a', 'narration:b', 'bgm:c'], review: true },
      ctx,
    );
    expect(plan.input.request.images).toEqual([path.join(CWD, 'bottle.png')]);
    expect(plan.input.edits).toHaveLength(3);
  });
});

describe('AD-film output', () => {
  const storyboards: StoryboardView[] = [
    {
      index: 0,
      prompt: 'The bottle on a desk',
      state: 'success',
      mediaUrl: 'https://cdn/0.mp4',
      subTaskId: '901',
      edits: 0,
    },
    {
      index: 1,
      prompt: 'Close-up: condensation',
      state: 'success',
      mediaUrl: 'https://cdn/1b.mp4',
      subTaskId: '912',
      edits: 1,
      lastEdit: 'success',
    },
  ];

  it('prints the storyboards as a table with the media last', () => {
    expect(formatStoryboards(storyboards)).toBe(
      [
        '#  STATE    EDITS        SUB-TASK  PROMPT                  MEDIA',
        '0  success  -            901       The bottle on a desk    https://cdn/0.mp4',
        '1  success  1 (success)  912       Close-up: condensation  https://cdn/1b.mp4',
      ].join('\n'),
    );
  });

  it('the review notice shows the storyboards and how to edit or approve', () => {
    const text = formatReviewNotice('adFilm-1', storyboards, 1);
    expect(text).toContain('⏸ adFilm-1 awaits review: 2 storyboard(s)');
    expect(text).toContain('vidu-flow edit adFilm-1 --edit video:<index>:<prompt>');
    expect(text).toContain('vidu-flow approve adFilm-1');
    expect(text).toContain('still waiting for the result');
    expect(formatReviewNotice('adFilm-1', undefined, 2)).toContain('awaits review (round 2)');
  });

  it('status lines name the phase, the film or composition, and the edits', () => {
    const s: AdFilmStatus = {
      phase: 'editing',
      taskId: '900',
      state: 'success',
      progress: 100,
      credits: 40,
      editsRunning: 2,
      edits: [],
      approved: false,
    };
    expect(adFilmStatusLine(s)).toBe('editing · film success 100% · task 900 · edits 2 running, 0 done · 40 credits');
    const composing: AdFilmStatus = {
      ...s,
      phase: 'composing',
      state: 'processing',
      progress: 30,
      composeTaskId: '950',
      editsRunning: 0,
      edits: [{ edit: { type: 'bgm', prompt: 'x' }, state: 'failed', subTaskIds: ['9'], credits: 0, errCode: 'E' }],
    };
    expect(adFilmStatusLine(composing)).toBe(
      'composing · composition processing 30% · task 950 · edits 0 running, 1 done (1 failed) · 40 credits',
    );
    // Line progress prints a new line when the edits change, not only the phase.
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const p = lineProgress(out, () => new Date('2026-01-01T10:00:00Z'));
    p.update(s);
    p.update(s);
    p.update({ ...s, editsRunning: 1, edits: [composing.edits[0]!] });
    expect(text.trim().split('\n')).toHaveLength(2);
  });

  it('the result names the composed sub-tasks, each edit and the archive', () => {
    const text = formatAdFilmResult(RESULT);
    expect(text).toContain('✓ adFilm-1: AD film composed · Vidu task 900 · compose task 950 · 120 credits');
    expect(text).toContain('composed from: storyboards 901, 912 · narration 905 · BGM 913');
    expect(text).toContain('✓ storyboard 1: “Close-up: condensation” → sub-task 912');
    expect(text).toContain('✗ narration: “hi” → sub-task 911 · failed twice (err_code CreationPolicyViolation)');
    expect(text).toContain('archive: /data/archive/adFilm-1');
    expect(text).toContain('file:///data/archive/adFilm-1/f1.mp4');
  });
});

// ---------------------------------------------------------------------------
// The commands, with a fake Temporal client.

const RESULT: AdFilmResult = {
  workflowId: 'adFilm-1',
  taskId: '900',
  composeTaskId: '950',
  credits: 120,
  videoTaskIds: ['901', '912'],
  bgmTaskId: '913',
  narrationTaskId: '905',
  edits: [
    {
      edit: { type: 'video', storyboard: 1, prompt: 'Close-up: condensation' },
      state: 'success',
      subTaskIds: ['912'],
      credits: 20,
    },
    {
      edit: { type: 'narration', text: 'hi' },
      state: 'failed',
      subTaskIds: ['911'],
      credits: 0,
      errCode: 'CreationPolicyViolation',
      message: 'failed twice',
    },
  ],
  film: [{ id: 'f1', url: 'https://cdn/f1.mp4', coverUrl: '' }],
  archive: {
    root: '/data/archive/adFilm-1',
    manifest: '/data/archive/adFilm-1/manifest.json',
    files: [
      {
        name: 'f1.mp4',
        role: 'video',
        creationId: 'f1',
        sha256: 'ab'.repeat(32),
        bytes: 2048,
        contentType: 'video/mp4',
        location: 'file:///data/archive/adFilm-1/f1.mp4',
      },
    ],
  },
};

const BOARDS: StoryboardView[] = [
  {
    index: 0,
    prompt: 'The bottle on a desk',
    state: 'success',
    mediaUrl: 'https://cdn/0.mp4',
    subTaskId: '901',
    edits: 0,
  },
  { index: 1, prompt: 'A beach', state: 'success', mediaUrl: 'https://cdn/1.mp4', subTaskId: '902', edits: 0 },
];

const base: AdFilmStatus = {
  phase: 'staging',
  state: 'not_submitted',
  progress: 0,
  credits: 0,
  editsRunning: 0,
  edits: [],
  approved: false,
};

interface FakeFilm {
  type?: string;
  /** Statuses answered in turn; the workflow counts as closed once the last one is reached. */
  script?: AdFilmStatus[];
  closed?: string;
  result?: () => Promise<AdFilmResult>;
  requestEdits?: (edits: AdFilmEdit[]) => Promise<{ accepted: number }>;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  connects: number;
  calls: string[];
  started: unknown[];
}

async function run(args: string[], film: FakeFilm = {}): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (errText += c.toString()));
  const r: Run = { code: -1, stdout: '', stderr: '', connects: 0, calls: [], started: [] };
  const script = film.script ?? [{ ...base, phase: 'reviewing', taskId: '900', state: 'success', progress: 100 }];
  let i = 0;
  const closed = () => film.closed ?? (film.script ? (i >= script.length - 1 ? 'COMPLETED' : 'RUNNING') : 'RUNNING');
  const workflow = {
    async describe() {
      return {
        workflowId: 'adFilm-1',
        runId: 'run-1',
        type: film.type ?? 'adFilm',
        status: { name: closed() },
        startTime: new Date('2026-01-01T10:00:00Z'),
        closeTime: undefined,
        historyLength: 42,
      };
    },
  };
  const handle = {
    workflowId: 'adFilm-1',
    workflow,
    async status() {
      r.calls.push('status');
      return script[Math.min(i++, script.length - 1)];
    },
    async storyboards() {
      r.calls.push('storyboards');
      return BOARDS;
    },
    async requestEdits(edits: AdFilmEdit[]) {
      r.calls.push(`requestEdits ${JSON.stringify(edits)}`);
      return film.requestEdits ? film.requestEdits(edits) : { accepted: edits.length };
    },
    async approve() {
      r.calls.push('approve');
    },
    async cancel() {
      r.calls.push('cancel');
      film.closed = 'CANCELLED';
    },
    result: () => (film.result ? film.result() : Promise.resolve(RESULT)),
  };
  const fake = {
    temporal: { connection: { close: async () => undefined } },
    async startAdFilm(input: unknown, start: unknown) {
      r.started.push({ input, start });
      return handle;
    },
    getAdFilmHandle: () => handle,
    getHandle: () => ({ workflowId: 'adFilm-1', workflow }),
  };
  const io: CliIO = {
    stdout,
    stderr,
    cwd: CWD,
    readFile: () => '',
    fileExists: () => true,
    connect: async () => {
      r.connects += 1;
      return fake as unknown as ViduFlowClient;
    },
    onInterrupt: () => () => undefined,
    pollIntervalMs: 1,
  };
  r.code = await runCli(args, io);
  await new Promise((res) => setImmediate(res));
  return { ...r, stdout: out, stderr: errText };
}

describe('vidu-flow ad-film', () => {
  it('bad --edit specs and flags exit 2 listing every problem, without connecting', async () => {
    const r = await run([
      'ad-film',
      '--image',
      IMG,
      '--edit',
      'video:one:x',
      '--edit',
      'music:y',
      '--duration',
      '99',
      '--edit-attempts',
      'many',
    ]);
    expect(r.code).toBe(2);
    expect(r.connects).toBe(0);
    expect(r.stderr).toContain('invalid input, nothing was started');
    expect(r.stderr).toContain('--edit "video:one:x": the storyboard index must be a whole number');
    expect(r.stderr).toContain('--edit "music:y": unknown edit type "music"');
    expect(r.stderr).toContain('--edit-attempts must be an integer (got "many")');
    expect(r.stderr).toMatch(/duration: .*10 and 60.*\(--duration\)/);
    expect(r.stdout).toBe('');
  });

  it('--language and --on-review-timeout take only their choices (exit 2)', async () => {
    expect((await run(['ad-film', '--image', IMG, '--language', 'fr'])).code).toBe(2);
    expect((await run(['ad-film', '--image', IMG, '--review', '--on-review-timeout', 'wait'])).code).toBe(2);
  });

  it('--dry-run prints the input without connecting', async () => {
    const r = await run([
      'ad-film',
      '--image',
      'bottle.png',
      '--prompt',
      'p',
      '--edit',
      'video:0:a: b',
      '--edit',
      'bgm:c',
      '--review',
      '--idempotency-key',
      'k',
      '--dry-run',
    ]);
    expect(r.code).toBe(0);
    expect(r.connects).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      kind: 'adFilm',
      idempotencyKey: 'k',
      input: {
        request: { images: [path.join(CWD, 'bottle.png')], prompt: 'p' },
        edits: [
          { type: 'video', storyboard: 0, prompt: 'a: b' },
          { type: 'bgm', prompt: 'c' },
        ],
        options: { review: true, idempotencyKey: 'k' },
      },
    });
  });

  it('starts through startAdFilm and prints the workflow id (or { workflowId } with --json)', async () => {
    const r = await run(['ad-film', '--image', IMG, '--workflow-id', 'film-7']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('adFilm-1\n');
    expect(r.started).toEqual([{ input: { request: { images: [IMG] } }, start: { workflowId: 'film-7' } }]);
    expect(JSON.parse((await run(['ad-film', '--image', IMG, '--json'])).stdout)).toEqual({ workflowId: 'adFilm-1' });
  });

  it('--wait shows progress lines, announces each review round with the storyboards, keeps waiting, prints the result', async () => {
    const reviewing: AdFilmStatus = {
      ...base,
      phase: 'reviewing',
      taskId: '900',
      state: 'success',
      progress: 100,
      credits: 40,
    };
    const script: AdFilmStatus[] = [
      { ...base, phase: 'generating', taskId: '900', state: 'processing', progress: 50 },
      reviewing,
      reviewing,
      { ...reviewing, phase: 'editing', editsRunning: 1 },
      { ...reviewing, edits: [RESULT.edits[0]!] },
      { ...reviewing, approved: true, phase: 'composing', composeTaskId: '950', state: 'processing', progress: 10 },
      {
        ...reviewing,
        approved: true,
        phase: 'done',
        composeTaskId: '950',
        state: 'success',
        progress: 100,
        credits: 120,
      },
    ];
    const r = await run(['ad-film', '--image', IMG, '--review', '--wait'], { script });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('started AD film adFilm-1 (review mode)');
    expect(r.stderr).toContain('generating · film processing 50% · task 900');
    expect(r.stderr).toContain('⏸ adFilm-1 awaits review: 2 storyboard(s)');
    expect(r.stderr).toContain('⏸ adFilm-1 awaits review (round 2)');
    expect(r.stderr.match(/awaits review/g)).toHaveLength(2);
    expect(r.stderr).toContain('0  success  -      901       The bottle on a desk  https://cdn/0.mp4');
    expect(r.stderr).toContain('vidu-flow approve adFilm-1');
    expect(r.stderr).toContain('composing · composition processing 10% · task 950');
    expect(r.calls.filter((c) => c === 'storyboards')).toHaveLength(2);
    expect(r.stdout).toContain('✓ adFilm-1: AD film composed');
  });

  it('--wait announces a new round when edits finished between two polls (the editing phase unseen)', async () => {
    const reviewing: AdFilmStatus = { ...base, phase: 'reviewing', taskId: '900', state: 'success', progress: 100 };
    const script: AdFilmStatus[] = [
      reviewing,
      reviewing,
      { ...reviewing, edits: [RESULT.edits[0]!] },
      { ...reviewing, edits: [RESULT.edits[0]!] },
      { ...reviewing, phase: 'done', approved: true, edits: [RESULT.edits[0]!] },
    ];
    const r = await run(['watch', 'adFilm-1'], { script });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/awaits review/g)).toHaveLength(2);
    expect(r.stderr).toContain('awaits review (round 2)');
  });

  it('--wait --json prints the result as JSON on stdout; progress and the review notice stay on stderr', async () => {
    const script: AdFilmStatus[] = [
      { ...base, phase: 'reviewing', taskId: '900', state: 'success', progress: 100 },
      { ...base, phase: 'done', taskId: '900', state: 'success', progress: 100, approved: true },
    ];
    const r = await run(['ad-film', '--image', IMG, '--review', '--wait', '--json'], { script });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(RESULT);
    expect(r.stderr).toContain('awaits review');
  });

  it('--wait reports a failed film with its failure type, exit 1', async () => {
    const failure = ApplicationFailure.create({
      type: 'ReviewTimedOut',
      message: 'no approval within 60 s; nothing was composed',
      nonRetryable: true,
      details: [{ mainTaskId: '900' }],
    });
    const script: AdFilmStatus[] = [{ ...base, phase: 'failed', error: 'no approval' }];
    const r = await run(['ad-film', '--image', IMG, '--wait', '--json'], {
      script,
      result: () => Promise.reject(failure),
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      workflowId: 'adFilm-1',
      error: { type: 'ReviewTimedOut' },
      status: { phase: 'failed' },
    });
  });
});

describe('vidu-flow edit | approve | storyboards', () => {
  it('edit sends the requestEdits update and prints how many were accepted', async () => {
    const r = await run(['edit', 'adFilm-1', '--edit', 'video:1:Round two: snow', '--edit', 'bgm:lo-fi']);
    expect(r.code).toBe(0);
    expect(r.calls).toContain(
      `requestEdits ${JSON.stringify([
        { type: 'video', storyboard: 1, prompt: 'Round two: snow' },
        { type: 'bgm', prompt: 'lo-fi' },
      ])}`,
    );
    expect(r.stdout).toBe('adFilm-1: 2 edit(s) accepted; they run now\n');
    expect(JSON.parse((await run(['edit', 'adFilm-1', '--edit', 'bgm:x', '--json'])).stdout)).toEqual({
      workflowId: 'adFilm-1',
      accepted: 1,
    });
  });

  it('a rejected update prints the workflow’s reason and exits 2', async () => {
    const reason = 'invalid edits:\n  - edits[0].storyboard: the film has 3 storyboard(s), 0–2; got 7';
    const rejected = async () => {
      throw new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ message: reason }));
    };
    const r = await run(['edit', 'adFilm-1', '--edit', 'video:7:nope'], { requestEdits: rejected });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('adFilm-1 rejected the edits; nothing was sent to Vidu:');
    expect(r.stderr).toContain('the film has 3 storyboard(s), 0–2; got 7');
    expect(r.stdout).toBe('');
    const j = await run(['edit', 'adFilm-1', '--edit', 'video:7:nope', '--json'], { requestEdits: rejected });
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({ workflowId: 'adFilm-1', accepted: 0, rejected: reason });
  });

  it('edit: bad specs exit 2 before connecting; a missing --edit too', async () => {
    const r = await run(['edit', 'adFilm-1', '--edit', 'video:0', '--edit', 'bgm:']);
    expect(r.code).toBe(2);
    expect(r.connects).toBe(0);
    expect(r.stderr).toContain('invalid input, nothing was sent');
    expect(r.stderr).toContain('--edit "video:0": expected video:<index>:<prompt>');
    expect(r.stderr).toContain('--edit "bgm:": the prompt must not be empty');
    expect((await run(['edit', 'adFilm-1'])).code).toBe(2);
  });

  it('edit and approve refuse other workflow types (exit 2) and closed films (exit 1)', async () => {
    const other = await run(['edit', 'adFilm-1', '--edit', 'bgm:x'], { type: 'img2video' });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('adFilm-1 is a workflow of type img2video, not an AD film (adFilm)');
    expect(other.calls).toEqual([]);
    const closed = await run(['approve', 'adFilm-1'], { closed: 'COMPLETED' });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('adFilm-1 is closed (COMPLETED); nothing to approve');
    expect(closed.calls).toEqual([]);
  });

  it('approve sends the approve signal', async () => {
    const r = await run(['approve', 'adFilm-1']);
    expect(r.code).toBe(0);
    expect(r.calls[0]).toBe('approve');
    expect(r.stdout).toBe('adFilm-1: approved (phase reviewing); it composes now\n');
    expect(JSON.parse((await run(['approve', 'adFilm-1', '--json'])).stdout)).toEqual({
      workflowId: 'adFilm-1',
      approved: true,
      phase: 'reviewing',
      editsRunning: 0,
    });
  });

  it('storyboards prints the query as a table, or JSON', async () => {
    const r = await run(['storyboards', 'adFilm-1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${formatStoryboards(BOARDS)}\n`);
    expect(JSON.parse((await run(['storyboards', 'adFilm-1', '--json'])).stdout)).toEqual(BOARDS);
  });
});

describe('status, watch and cancel of an adFilm workflow', () => {
  it('status uses the AD-film status shape', async () => {
    const r = await run(['status', 'adFilm-1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^workflow +adFilm-1$/m);
    expect(r.stdout).toMatch(/^type +adFilm$/m);
    expect(r.stdout).toMatch(/^phase +reviewing$/m);
    expect(r.stdout).toMatch(/^edits +0 running · 0 done$/m);
    expect(r.stdout).toMatch(/^review +waiting: vidu-flow edit adFilm-1/m);
    const j = JSON.parse((await run(['status', 'adFilm-1', '--json'])).stdout);
    expect(j).toMatchObject({
      workflowId: 'adFilm-1',
      type: 'adFilm',
      execution: { status: 'RUNNING', historyLength: 42 },
      status: { phase: 'reviewing', editsRunning: 0 },
    });
  });

  it('watch follows the film to its result', async () => {
    const script: AdFilmStatus[] = [
      { ...base, phase: 'composing', taskId: '900', composeTaskId: '950', state: 'processing', progress: 60 },
      { ...base, phase: 'done', taskId: '900', composeTaskId: '950', state: 'success', progress: 100 },
    ];
    const r = await run(['watch', 'adFilm-1'], { script });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('composing · composition processing 60%');
    expect(r.stdout).toContain('✓ adFilm-1: AD film composed');
  });

  it('cancel cancels the film and waits for the workflow to close', async () => {
    const r = await run(['cancel', 'adFilm-1', '--json']);
    expect(r.code).toBe(0);
    expect(r.calls).toContain('cancel');
    expect(JSON.parse(r.stdout)).toMatchObject({
      workflowId: 'adFilm-1',
      execution: 'CANCELLED',
      summary: expect.stringContaining('cancelled'),
    });
    const done = await run(['cancel', 'adFilm-1'], { closed: 'COMPLETED' });
    expect(done.code).toBe(1);
    expect(done.stdout).toContain('already closed (COMPLETED); nothing to cancel');
  });
});
