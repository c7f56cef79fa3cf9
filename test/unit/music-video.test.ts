// The one-click MV's edges, without Temporal: the request schema and the input contract (every
// bad input named by field and rule), the audio's length checked by the stage activity before
// any credit is spent, the lip-sync surcharge in the estimate, the prices file, the CLI's flags,
// and the HTTP start refusing bad input before the client is used.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStageInputs } from '../../activities/stage';
import { buildApi } from '../../api/server';
import type { ViduFlowClient } from '../../client';
import type { CliIO } from '../../cli/actions';
import { prepareMusicVideo } from '../../cli/music-video';
import { runCli } from '../../cli/program';
import { checkMusicVideoInput } from '../../contract/music-video-input';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { newApiKey } from '../../platform/keys/api-keys';
import { StagingStore } from '../../platform/stores/staging-store';
import { renderWav } from '../../sim/media/wav';
import { estimateCredits, estimateMusicVideo, parsePricesFile, PriceTable } from '../../vidu/prices';
import { makeM4a, makeMp3 } from '../helpers/audio-fixtures';
import { makePng } from '../helpers/media-fixtures';

const ok = { images: ['https://cdn.example/a.png'], audio_url: 'https://cdn.example/song.mp3' };

describe('the one-click/mv request and the musicVideo input', () => {
  it.each([
    ['images', { ...ok, images: [] }, /images: images must contain 1–7 image/],
    ['images', { ...ok, images: Array(8).fill('https://cdn.example/a.png') }, /images: images must contain 1–7 image/],
    ['audio_url', { images: ok.images }, /audio_url/],
    ['prompt', { ...ok, prompt: 'p'.repeat(3001) }, /prompt must be at most 3000 characters \(got 3001\)/],
    ['aspect_ratio', { ...ok, aspect_ratio: '21:9' }, /aspect_ratio/],
    ['resolution', { ...ok, resolution: '4k' }, /resolution/],
    ['lip_sync', { ...ok, lip_sync: 'yes' }, /lip_sync must be true or false/],
    ['payload', { ...ok, payload: 'x' }, /payload/],
    ['duration', { ...ok, duration: 30 }, /duration/],
  ])('refuses a bad %s, naming the field', (_field, request, rule) => {
    const issues = checkMusicVideoInput({ request });
    expect(issues.join('\n')).toMatch(rule);
  });

  it('takes a good request, footage edits, and the AD film options; refuses narration and BGM edits', () => {
    expect(
      checkMusicVideoInput({
        request: { ...ok, lip_sync: true, prompt: 'rooftop', aspect_ratio: '4:3', resolution: '1080p' },
        edits: [{ type: 'video', storyboard: 1, prompt: 'rain' }],
        options: { review: true, editAttempts: 2 },
      }),
    ).toEqual([]);
    const issues = checkMusicVideoInput({ request: ok, edits: [{ type: 'bgm', prompt: 'jazz' }] });
    expect(issues[0]).toMatch(/^edits\[0\]\.type: a music video takes video \(footage\) edits only/);
    expect(checkMusicVideoInput({ request: ok, extra: 1 })).toEqual([
      'extra: unknown input field; expected request, edits and options',
    ]);
  });
});

describe('the stage activity reads the audio before anything is paid (10–180 s)', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-mv-'));
    await writeFile(path.join(tmp, 'a.png'), makePng(640, 360));
    await writeFile(path.join(tmp, 'short.mp3'), makeMp3(5));
    await writeFile(path.join(tmp, 'long.m4a'), makeM4a(200));
    await writeFile(path.join(tmp, 'song.wav'), renderWav('song', 30));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));
  const stage = (audio: string) =>
    makeStageInputs({
      staging: new StagingStore(path.join(tmp, 'staging')),
      inputRoots: [tmp],
      ownership: async () => ({ owner: 'operator', callerText: true }),
    })({
      kind: 'one-click-mv',
      workflowId: `mv-${audio}`,
      request: { images: [path.join(tmp, 'a.png')], audio_url: path.join(tmp, audio) },
    });

  it('refuses 5 s and 200 s naming the field and the rule; stages 30 s with its length', async () => {
    await expect(stage('short.mp3')).rejects.toThrow(
      /audio_url: audio lasts 5(\.\d+)? s; one-click\/mv accepts 10–180 s/,
    );
    await expect(stage('long.m4a')).rejects.toThrow(
      /audio_url: audio lasts 200(\.\d+)? s; one-click\/mv accepts 10–180 s/,
    );
    const staged = await stage('song.wav');
    expect(staged.media.find((m) => m.field === 'audio_url')?.durationSeconds).toBeCloseTo(30, 1);
    expect(staged.request.audio_url).toMatch(/^staged:/);
  });
});

describe('prices', () => {
  it('the base is unpublished: the estimate says so rather than guess', () => {
    const e = estimateCredits('musicVideo', { ...ok, lip_sync: true });
    expect(e.credits).toBe(0);
    expect(e.unpriced).toMatch(/music video base price is unpublished/);
  });

  it('with an operator base, lip_sync adds 4 credits a second: on the audio read, else on 180 s (read high)', () => {
    const parsed = parsePricesFile([
      {
        kind: 'musicVideo',
        model: '*',
        rule: { per: 'call', credits: 100 },
        lipSyncPerSecond: 4,
        source: 'op',
        readOn: '2026-12-01',
      },
      {
        kind: 'musicVideoEdit',
        model: 'generate_video',
        rule: { per: 'call', credits: 20 },
        source: 'op',
        readOn: '2026-12-01',
      },
      { kind: 'musicVideoCompose', model: '*', rule: { per: 'call', credits: 10 }, source: 'op', readOn: '2026-12-01' },
    ]);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const table = new PriceTable(parsed.entries);
    const read = estimateCredits('musicVideo', { ...ok, lip_sync: true }, { table, facts: { audioSeconds: 29.6 } });
    expect(read.credits).toBe(100 + 4 * 30);
    console.log(`[music-video] ${read.basis}`);
    expect(estimateCredits('musicVideo', { ...ok, lip_sync: true }, { table }).credits).toBe(100 + 4 * 180);
    expect(estimateCredits('musicVideo', ok, { table }).credits).toBe(100);
    const total = estimateMusicVideo({ request: ok, edits: [{}, {}] }, table, { audioSeconds: 30 });
    expect(total.credits).toBe(100 + 2 * 20 + 10);
  });

  it('the prices file refuses an MV edit type the MV does not have', () => {
    const parsed = parsePricesFile([
      {
        kind: 'musicVideoEdit',
        model: 'generate_bgm',
        rule: { per: 'call', credits: 1 },
        source: 'op',
        readOn: '2026-12-01',
      },
    ]);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]).toMatch(
      /unknown model "generate_bgm" for musicVideoEdit; expected one of generate_video/,
    );
  });
});

describe('vidu-flow music-video flags', () => {
  const ctx = { cwd: '/work/in', readFile: () => '' };
  it('maps the flags to the input, local paths made absolute', () => {
    const plan = prepareMusicVideo(
      { image: ['a.png'], audio: 'song.mp3', lipSync: true, aspectRatio: '9:16', edit: ['video:1:rain'], review: true },
      ctx,
    );
    expect(plan.input).toEqual({
      request: { images: ['/work/in/a.png'], audio_url: '/work/in/song.mp3', lip_sync: true, aspect_ratio: '9:16' },
      edits: [{ type: 'video', storyboard: 1, prompt: 'rain' }],
      options: { review: true },
    });
    expect(plan.localFiles).toEqual(['/work/in/a.png', '/work/in/song.mp3']);
  });

  it('refuses a narration edit and a missing --audio, naming the flags, all at once', () => {
    expect(() => prepareMusicVideo({ image: ['a.png'], edit: ['narration:hello'] }, ctx)).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.stringMatching(/audio_url/),
          expect.stringMatching(/^edits\[0\]\.type: a music video takes video .*\(--edit\)$/),
        ]),
      }),
    );
  });
});

describe('POST /v1/music-videos refuses bad input before the client is used', () => {
  const full = newApiKey('shop');
  const reader = newApiKey('reader', ['read']);
  const untouchable = new Proxy(
    {},
    {
      get: (_t, p) => {
        throw new Error(`the client was used (${String(p)})`);
      },
    },
  ) as ViduFlowClient;
  let app: FastifyInstance;
  beforeAll(async () => {
    app = buildApi({
      client: untouchable,
      keys: () => [full.entry, reader.entry],
      privateUrls: parseAllowPrivate(undefined),
      bodyLimit: 1 << 20,
      log: () => {},
    });
    await app.ready();
  });
  afterAll(() => app.close());
  const post = (body: unknown, key = full.key) =>
    app.inject({
      method: 'POST',
      url: '/v1/music-videos',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('422 naming each field: a local path, a too-long prompt, a BGM edit', async () => {
    const res = await post({
      request: { images: ['/etc/passwd'], audio_url: 'https://cdn.example/s.mp3', prompt: 'p'.repeat(3001) },
      edits: [{ type: 'bgm', prompt: 'jazz' }],
    });
    expect(res.statusCode).toBe(422);
    const fields = (res.json() as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['request.images[0]', 'request.prompt', 'edits[0].type']));
  });

  it('403 for a read-only key', async () => {
    expect((await post({ request: ok }, reader.key)).statusCode).toBe(403);
  });
});

describe('vidu-flow estimate music-video', () => {
  it('prices lip sync on the local song’s real length, without connecting; unpriced calls are listed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-mv-estimate-'));
    const song = path.join(dir, 'song.wav');
    const prices = path.join(dir, 'prices.json');
    await writeFile(song, renderWav('song', 30));
    await writeFile(
      prices,
      JSON.stringify([
        {
          kind: 'musicVideo',
          model: '*',
          rule: { per: 'call', credits: 100 },
          lipSyncPerSecond: 4,
          source: 'op',
          readOn: '2026-12-01',
        },
      ]),
    );
    const saved = process.env.VIDU_FLOW_PRICES_FILE;
    process.env.VIDU_FLOW_PRICES_FILE = prices;
    let out = '';
    let connects = 0;
    const io: CliIO = {
      stdout: { write: (s: string) => ((out += s), true) } as never,
      stderr: { write: () => true } as never,
      cwd: dir,
      readFile: () => '',
      fileExists: () => true,
      connect: async () => {
        connects += 1;
        throw new Error('estimate must not connect');
      },
      onInterrupt: () => () => undefined,
    };
    try {
      const code = await runCli(
        [
          'estimate',
          'music-video',
          '--image',
          'https://cdn.example/a.png',
          '--audio',
          song,
          '--lip-sync',
          '--edit',
          'video:0:rain',
        ],
        io,
      );
      // The edit and compose prices are unpublished: exit 1, and the total says what it left out.
      expect({ code, connects }).toEqual({ code: 1, connects: 0 });
      expect(out).toMatch(/^estimate: 220 credits for the music video \(create, edits, compose\) \(1 of 3 priced\)/);
      expect(out).toMatch(/musicVideoEdit generate_video: the music video edit price is unpublished/);
    } finally {
      if (saved === undefined) delete process.env.VIDU_FLOW_PRICES_FILE;
      else process.env.VIDU_FLOW_PRICES_FILE = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
