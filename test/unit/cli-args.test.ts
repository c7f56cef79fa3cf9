import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/actions';
import { buildStartPlan, type GenerateFlags, prepareStart, requestFlagsFor, UsageError } from '../../cli/args';
import { isLocalPath } from '../../contract/local-path';
import { runCli } from '../../cli/program';
import { GENERATION_KINDS } from '../../vidu/endpoints';
import type { ViduFlowClient } from '../../client/index';

const CWD = '/home/me/project';
const URL_IMG = 'https://cdn.example.com/frame.png';
const URL_VID = 'https://cdn.example.com/dance.mp4';

function ctx(files: Record<string, string> = {}) {
  return {
    cwd: CWD,
    readFile(file: string): string {
      const text = files[file];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return text;
    },
  };
}

function usageIssues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.issues;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('flags → GenerationInput', () => {
  it('maps request flags to Vidu field names, parsing numbers and booleans', () => {
    const plan = buildStartPlan(
      'img2video',
      {
        model: 'viduq2',
        image: [URL_IMG],
        prompt: 'a cat',
        duration: '5',
        seed: '42',
        offPeak: true,
        audio: false,
        movementAmplitude: 'small',
        resolution: '720p',
        aspectRatio: '16:9',
        payload: 'p',
      },
      ctx(),
    );
    expect(plan.kind).toBe('img2video');
    expect(plan.input).toEqual({
      request: {
        model: 'viduq2',
        images: [URL_IMG],
        prompt: 'a cat',
        duration: 5,
        seed: 42,
        off_peak: true,
        audio: false,
        movement_amplitude: 'small',
        resolution: '720p',
        aspect_ratio: '16:9',
        payload: 'p',
      },
    });
    expect(typeof (plan.input.request as Record<string, unknown>).duration).toBe('number');
    expect(plan.start).toEqual({});
    expect(plan.localFiles).toEqual([]);
  });

  it('--no-off-peak sends off_peak false; an absent flag sends nothing', () => {
    expect(buildStartPlan('img2video', { offPeak: false }, ctx()).input.request).toEqual({ off_peak: false });
    expect(buildStartPlan('img2video', {}, ctx()).input.request).toEqual({});
  });

  it('collects a repeated --image and --video in order, and makes local paths absolute', () => {
    const plan = buildStartPlan(
      'reference2video',
      {
        model: 'viduq2-pro',
        prompt: 'p',
        image: [URL_IMG, 'refs/a.png', '/abs/b.jpg', 'data:image/png;base64,AAAA'],
        video: ['clips/c.mp4'],
      },
      ctx(),
    );
    const req = plan.input.request as Record<string, unknown>;
    expect(req.images).toEqual([URL_IMG, path.join(CWD, 'refs/a.png'), '/abs/b.jpg', 'data:image/png;base64,AAAA']);
    expect(req.videos).toEqual([path.join(CWD, 'clips/c.mp4')]);
    expect(plan.localFiles).toEqual([path.join(CWD, 'refs/a.png'), '/abs/b.jpg', path.join(CWD, 'clips/c.mp4')]);
  });

  it('image2dance takes --image-url/--video-url, or --image/--video as aliases', () => {
    expect(buildStartPlan('image2dance', { imageUrl: 'me.jpg', videoUrl: URL_VID }, ctx()).input.request).toEqual({
      image_url: path.join(CWD, 'me.jpg'),
      video_url: URL_VID,
    });
    expect(buildStartPlan('image2dance', { image: [URL_IMG], video: ['d.mp4'] }, ctx()).input.request).toEqual({
      image_url: URL_IMG,
      video_url: path.join(CWD, 'd.mp4'),
    });
    expect(usageIssues(() => buildStartPlan('image2dance', { image: ['a.png', 'b.png'] }, ctx()))).toEqual([
      '--image takes one value for image2dance (got 2)',
    ]);
    expect(usageIssues(() => buildStartPlan('image2dance', { image: ['a.png'], imageUrl: 'b.png' }, ctx()))).toEqual([
      '--image and --image-url name the same field for image2dance; give one',
    ]);
  });

  it('merges --request @file under the flags, with the file’s paths relative to the file', () => {
    const file = '/data/jobs/job.json';
    const files = {
      [file]: JSON.stringify({
        model: 'viduq1',
        images: ['frame.png'],
        prompt: 'from file',
        duration: 5,
        wm_position: 2,
      }),
    };
    const plan = buildStartPlan(
      'img2video',
      { request: '@../data/jobs/job.json', prompt: 'from flag', duration: '4' },
      { ...ctx(files), cwd: '/work' },
    );
    expect(plan.input.request).toEqual({
      model: 'viduq1',
      images: ['/data/jobs/frame.png'],
      prompt: 'from flag',
      duration: 4,
      wm_position: 2,
    });
  });

  it('flags replace a list from --request rather than appending to it', () => {
    const plan = buildStartPlan(
      'reference2video',
      { request: JSON.stringify({ images: [URL_IMG, URL_IMG], prompt: 'p' }), image: ['x.png'] },
      ctx(),
    );
    expect((plan.input.request as Record<string, unknown>).images).toEqual([path.join(CWD, 'x.png')]);
  });

  it('accepts a whole { kind, request, options } input in --request; flags override its options', () => {
    const inline = JSON.stringify({
      kind: 'img2video',
      request: { model: 'viduq2', images: [URL_IMG] },
      options: { waitMode: 'poll', timeoutSeconds: 600, idempotencyKey: 'job-7' },
    });
    const plan = buildStartPlan('img2video', { request: inline, timeout: '900', archive: false }, ctx());
    expect(plan.input).toEqual({
      request: { model: 'viduq2', images: [URL_IMG] },
      options: { waitMode: 'poll', timeoutSeconds: 900, archive: false, idempotencyKey: 'job-7' },
    });
    expect(plan.start).toEqual({ idempotencyKey: 'job-7' });
    expect(usageIssues(() => buildStartPlan('reference2image', { request: inline }, ctx()))).toEqual([
      '--request: the file is for kind "img2video", not reference2image',
    ]);
  });

  it('maps the orchestration flags to options and start options', () => {
    const flags: GenerateFlags = {
      model: 'viduq2',
      image: [URL_IMG],
      waitMode: 'callback',
      archive: false,
      timeout: '3600',
      pollInitial: '2.5',
      idempotencyKey: 'order-1',
      workflowId: 'wf-1',
    };
    const plan = buildStartPlan('img2video', flags, ctx());
    expect(plan.input.options).toEqual({
      waitMode: 'callback',
      archive: false,
      timeoutSeconds: 3600,
      poll: { initialSeconds: 2.5 },
      idempotencyKey: 'order-1',
    });
    expect(plan.start).toEqual({ workflowId: 'wf-1', idempotencyKey: 'order-1' });
  });

  it('archive true (commander’s default for --no-archive) adds no option', () => {
    expect(buildStartPlan('img2video', { archive: true }, ctx()).input).toEqual({ request: {} });
  });

  it('reports every usage problem at once', () => {
    const issues = usageIssues(() =>
      buildStartPlan(
        'reference2image',
        { duration: '5s', seed: '1.5', offPeak: true, video: ['v.mp4'], timeout: 'soon', request: '{"prompt": ' },
        ctx(),
      ),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^--request: not valid JSON/),
      '--video does not apply to reference2image (its request has no videos field)',
      '--duration does not apply to reference2image (its request has no duration field)',
      '--seed must be an integer (got "1.5")',
      '--off-peak does not apply to reference2image (its request has no off_peak field)',
      '--timeout must be a number (got "soon")',
    ]);
  });

  it('reports an unreadable or non-object --request', () => {
    expect(usageIssues(() => buildStartPlan('img2video', { request: '@missing.json' }, ctx()))).toEqual([
      `--request @missing.json: cannot read ${path.join(CWD, 'missing.json')} (ENOENT)`,
    ]);
    expect(usageIssues(() => buildStartPlan('img2video', { request: '[1,2]' }, ctx()))).toEqual([
      '--request: must be a JSON object (the Vidu request body, or { request, options })',
    ]);
  });

  it('rejects an unknown kind as a usage error', () => {
    expect(usageIssues(() => buildStartPlan('text2speech', {}, ctx()))).toEqual([
      `unknown kind "text2speech"; expected one of ${GENERATION_KINDS.join(', ')}`,
    ]);
  });

  it('prepareStart adds the input checks of the client, pointing at the flag', () => {
    const issues = usageIssues(() =>
      prepareStart(
        'img2video',
        { model: 'viduq2', image: [URL_IMG, URL_IMG], timeout: '0', movementAmplitude: 'huge' },
        ctx(),
      ),
    );
    expect(issues).toContainEqual(
      expect.stringMatching(/^options\.timeoutSeconds: Too small: expected number to be >=\d+ \(--timeout\)$/),
    );
    expect(issues.some((l) => l.startsWith('images:'))).toBe(true);
    expect(issues.some((l) => l.startsWith('movement_amplitude:'))).toBe(true);
    // Local paths pass the check: the worker reads and checks them.
    expect(
      prepareStart('img2video', { model: 'viduq2', image: ['frame.png'], duration: '5' }, ctx()).input.request,
    ).toMatchObject({ images: [path.join(CWD, 'frame.png')] });
  });

  it('offers each kind only the flags its request takes', () => {
    const flags = (kind: Parameters<typeof requestFlagsFor>[0]) => requestFlagsFor(kind).map((f) => f.flag);
    expect(flags('image2dance')).toEqual(['image', 'video', 'image-url', 'video-url', 'payload']);
    expect(flags('reference2image')).toEqual([
      'model',
      'image',
      'prompt',
      'resolution',
      'aspect-ratio',
      'seed',
      'payload',
    ]);
    expect(flags('img2video')).not.toContain('video');
    expect(flags('reference2video')).toContain('video');
  });

  it('tells local paths from URLs, data URIs and other schemes', () => {
    expect(['a.png', './a.png', '/a.png', '../x/y.mp4'].every(isLocalPath)).toBe(true);
    expect([URL_IMG, 'data:image/png;base64,AA', 'file:///a.png', 'staged:abc', ''].some(isLocalPath)).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// The command line itself, with a fake Temporal client.

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  connects: number;
  started: unknown[];
}

async function run(args: string[], opts: { files?: Record<string, string>; startError?: Error } = {}): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (errText += c.toString()));
  const result: Run = { code: -1, stdout: '', stderr: '', connects: 0, started: [] };
  const fake = {
    temporal: { connection: { close: async () => undefined } },
    async start(kind: string, input: unknown, start: { workflowId?: string }) {
      if (opts.startError) throw opts.startError;
      result.started.push({ kind, input, start });
      return { workflowId: start.workflowId ?? `${kind}-fake` };
    },
  };
  const io: CliIO = {
    stdout,
    stderr,
    cwd: CWD,
    readFile: ctx(opts.files).readFile,
    fileExists: () => true,
    connect: async () => {
      result.connects += 1;
      return fake as unknown as ViduFlowClient;
    },
    onInterrupt: () => () => undefined,
  };
  result.code = await runCli(args, io);
  await new Promise((r) => setImmediate(r));
  return { ...result, stdout: out, stderr: errText };
}

describe('vidu-flow command line', () => {
  it('an unknown kind is a usage error (exit 2) and connects to nothing', async () => {
    const r = await run(['text2speech', '--prompt', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'text2speech'");
    expect(r.connects).toBe(0);
  });

  it('bad input exits 2, lists every issue on stderr, and starts nothing', async () => {
    const r = await run([
      'img2video',
      '--image',
      URL_IMG,
      '--image',
      URL_IMG,
      '--duration',
      'five',
      '--video',
      'v.mp4',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid input, nothing was started');
    expect(r.stderr).toContain('--duration must be an integer (got "five")');
    expect(r.stderr).toContain('--video does not apply to img2video');
    expect(r.connects).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('schema issues exit 2 too, before connecting', async () => {
    const r = await run(['reference2image', '--model', 'viduq2', '--image', URL_IMG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/prompt: .*required/);
    expect(r.connects).toBe(0);
  });

  it('an unknown option exits 2', async () => {
    expect((await run(['img2video', '--bogus'])).code).toBe(2);
  });

  it('--help exits 0 and lists the kinds and the global options', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const word of [
      'img2video',
      'reference2video',
      'reference2image',
      'image2dance',
      'status',
      'watch',
      'cancel',
      'list',
      '--address',
      '--namespace',
      '--task-queue',
    ])
      expect(r.stdout).toContain(word);
  });

  it('starts without --wait and prints the workflow id; --json prints { workflowId }', async () => {
    const plain = await run([
      'img2video',
      '--model',
      'viduq2',
      '--image',
      'frame.png',
      '--duration',
      '5',
      '--workflow-id',
      'wf-42',
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('wf-42\n');
    expect(plain.started).toEqual([
      {
        kind: 'img2video',
        input: { request: { model: 'viduq2', images: [path.join(CWD, 'frame.png')], duration: 5 } },
        start: { workflowId: 'wf-42' },
      },
    ]);
    const json = await run(['img2video', '--model', 'viduq2', '--image', URL_IMG, '--json', '--idempotency-key', 'k']);
    expect(JSON.parse(json.stdout)).toEqual({ workflowId: 'img2video-fake' });
    expect(json.started[0]).toMatchObject({
      start: { idempotencyKey: 'k' },
      input: { options: { idempotencyKey: 'k' } },
    });
  });

  it('global options may come before or after the kind', async () => {
    expect((await run(['--address', '127.0.0.1:1', 'img2video', '--model', 'viduq2', '--image', URL_IMG])).code).toBe(
      0,
    );
    expect((await run(['img2video', '--model', 'viduq2', '--image', URL_IMG, '--task-queue', 'q'])).code).toBe(0);
  });

  it('--request @file works end to end through the parser', async () => {
    const files = {
      [path.join(CWD, 'job.json')]: JSON.stringify({ model: 'viduq2', prompt: 'from file', images: ['ref.png'] }),
    };
    const r = await run(['reference2video', '--request', '@job.json', '--video', URL_VID, '--off-peak', '--dry-run'], {
      files,
    });
    expect(r.code).toBe(0);
    expect(r.connects).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      kind: 'reference2video',
      input: {
        request: {
          model: 'viduq2',
          prompt: 'from file',
          images: [path.join(CWD, 'ref.png')],
          videos: [URL_VID],
          off_peak: true,
        },
      },
    });
  });

  it('a failing connection exits 1 with the address', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let errText = '';
    stderr.on('data', (c: Buffer) => (errText += c.toString()));
    const code = await runCli(['--address', '127.0.0.1:9', 'status', 'wf-1'], {
      stdout,
      stderr,
      cwd: CWD,
      readFile: () => '',
      fileExists: () => true,
      connect: async () => {
        throw new Error('connection refused');
      },
      onInterrupt: () => () => undefined,
    });
    expect(code).toBe(1);
    expect(errText).toContain('cannot connect to Temporal at 127.0.0.1:9: connection refused');
  });
});
