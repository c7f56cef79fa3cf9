import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdFilmOptions, checkAdFilmInput } from '../../contract/ad-film-input';
import { AdFilmResult, AdFilmStatus, Storyboards } from '../../contract/ad-film-result';
import { checkGenerationInput, GENERATION_KINDS, GenerationOptions } from '../../contract/generation-input';
import { GenerationResult, GenerationStatus } from '../../contract/generation-result';
import { buildJsonSchemas, mediaFieldsOf, renderJsonSchemas } from '../../contract/json-schemas';
import { findDrift } from '../../dev/gen-schemas';
import { type Schema, validate } from '../helpers/json-schema-check';

const DIR = path.join(__dirname, '../../schemas');

function onDisk(name: string): Schema {
  return JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Schema;
}

const IMG = 'https://cdn.example.com/a.png';
const VIDEO = 'https://cdn.example.com/dance.mp4';

// Seed examples (/work/shared/vidu-api/seeds) as workflow inputs. The img2video seed's
// movement_amplitude "standard" is not a documented value (docs/vidu-api.md §12 item 7), so "auto" is used.
const SEED_INPUTS: Record<(typeof GENERATION_KINDS)[number], unknown> = {
  img2video: {
    request: {
      model: 'viduq2-pro',
      images: ['https://imageproxy.zhongzhuan.chat/api/proxy/image/6fb238cc01649cb7580fbb2dd58f3d6d.png'],
      prompt: '镜头缓慢推进,展现画面中的细节,背景逐渐虚化',
      duration: 2,
      resolution: '1080p',
      aspect_ratio: '16:9',
      seed: 12345,
      movement_amplitude: 'auto',
      bgm: false,
      audio: false,
      off_peak: false,
      watermark: false,
    },
    options: {
      waitMode: 'auto',
      archive: true,
      timeoutSeconds: 3600,
      poll: { initialSeconds: 5, factor: 1.5, maxSeconds: 60 },
    },
  },
  reference2video: {
    request: {
      model: 'viduq2-pro',
      images: [
        'https://prod-ss-images.s3.cn-northwest-1.amazonaws.com.cn/vidu-maas/template/image2video.png',
        '/srv/inputs/face.jpg',
      ],
      prompt: 'The astronaut waved and the camera moved up.',
      duration: 5,
      seed: 0,
      resolution: '720p',
      movement_amplitude: 'auto',
      off_peak: 'false',
    },
  },
  reference2image: {
    request: {
      model: 'viduq2',
      images: [IMG],
      prompt: 'the same astronaut on a red sofa',
      seed: '0',
      aspect_ratio: 'auto',
      resolution: '2K',
      payload: 'trace-1',
    },
  },
  image2dance: {
    request: { image_url: 'data:image/png;base64,iVBORw0KGgo=', video_url: VIDEO },
    options: { archive: false },
  },
  // The endpoints of docs/vidu-api-more-endpoints.md, from their pages' examples (the MCP sends every field).
  text2video: {
    request: {
      model: 'viduq1',
      style: 'general',
      prompt: 'a lighthouse at dusk',
      duration: 5,
      seed: 0,
      aspect_ratio: '16:9',
      resolution: '1080p',
      movement_amplitude: 'auto',
      bgm: false,
    },
    options: { upscale: { resolution: '4K' } },
  },
  startEnd2video: {
    request: {
      model: 'viduq1',
      images: [IMG, 'https://cdn.example.com/b.png'],
      prompt: 'day turns to night',
      duration: 5,
      seed: 0,
      resolution: '1080p',
      movement_amplitude: 'auto',
      bgm: false,
    },
  },
  multiframe: {
    request: {
      model: 'viduq2-turbo',
      start_image: IMG,
      image_settings: [{ key_image: IMG, prompt: 'zoom', duration: 3 }, { key_image: IMG }],
      resolution: '720p',
      wm_position: 'bottom_left',
    },
  },
  upscale: { request: { video_creation_id: '911045603801182208', upscale_resolution: '4K' } },
  text2audio: { request: { model: 'audio1.0', prompt: 'rain on a tin roof', duration: 4.5, seed: 7 } },
  audioTts: {
    request: {
      text: 'Hello there.<#0.5#>Welcome.',
      voice_setting_voice_id: 'female-1',
      voice_setting_speed: 1.2,
      voice_setting_pitch: -2,
      voice_setting_emotion: 'calm',
    },
  },
  template: { request: { template: 'exotic_princess', images: [IMG], area: 'japan', aspect_ratio: '9:16', bgm: true } },
  extend: {
    request: {
      model: 'viduq2-pro',
      video_url: VIDEO,
      prompt: 'the camera keeps flying',
      duration: 4,
      resolution: '1080p',
    },
  },
  lipSync: { request: { video_url: VIDEO, text: 'Hello<#0.5#>there', voice_id: 'male-2', speed: 1.1, volume: 5 } },
  templateStory: { request: { story: 'love_story', images: [IMG, IMG] } },
  timing2audio: {
    request: {
      model: 'audio1.0',
      duration: 6,
      timing_prompts: [
        { from: 0, to: 2.5, prompt: 'a door creaks' },
        { from: 2, to: 6, prompt: 'rain on a tin roof' },
      ],
    },
  },
  audioClone: {
    request: {
      audio_url: 'https://cdn.example.com/voice.mp3',
      voice_id: 'narrator-01',
      prompt_audio_url: 'https://cdn.example.com/sample.wav',
      prompt_text: 'Hello there.',
      text: 'This is my cloned voice.',
    },
  },
};

describe('generated JSON Schemas', () => {
  it('the files in schemas/ match a fresh in-memory generation', () => {
    const expected = renderJsonSchemas();
    for (const [name, text] of Object.entries(expected))
      expect(readFileSync(path.join(DIR, name), 'utf8'), `${name} is stale: run npm run schemas`).toBe(text);
    expect(findDrift(DIR, expected)).toEqual({ changed: [], stale: [] });
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.schema.json'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });

  it('writes one input schema per kind, plus result and status, the adFilm input, result and query answers, the batch input and the failures', () => {
    expect(Object.keys(buildJsonSchemas()).sort()).toEqual(
      [
        ...GENERATION_KINDS.map((k) => `${k}.input.schema.json`),
        'generation.result.schema.json',
        'generation.status.schema.json',
        'adFilm.input.schema.json',
        'adFilm.result.schema.json',
        'adFilm.status.schema.json',
        'adFilm.storyboards.schema.json',
        'musicVideo.input.schema.json',
        'musicVideo.result.schema.json',
        'batch.input.schema.json',
        'failures.schema.json',
      ].sort(),
    );
  });

  it('batch input: an absolute JSONL path, the window and default options; nothing else', () => {
    const schema = onDisk('batch.input.schema.json') as {
      required?: string[];
      additionalProperties?: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(['source']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(['linesPerRun', 'options', 'source', 'window']);
  });

  it.each(GENERATION_KINDS)('%s input: { request, options }, without callback_url and client_request_id', (kind) => {
    const schema = onDisk(`${kind}.input.schema.json`);
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['request']);
    expect(schema.additionalProperties).toBe(false);
    const props = schema.properties as Record<string, Schema>;
    expect(Object.keys(props)).toEqual(['request', 'options']);
    const requestProps = props.request?.properties as Record<string, Schema>;
    expect(requestProps).not.toHaveProperty('callback_url');
    expect(requestProps).not.toHaveProperty('client_request_id');
    expect(Object.keys(props.options?.properties as object)).toEqual(Object.keys(GenerationOptions.shape));
    expect(Object.keys(props.options?.properties as object)).toEqual(
      expect.arrayContaining(['waitMode', 'archive', 'timeoutSeconds', 'poll', 'idempotencyKey']),
    );
  });

  it('documents media fields as URL, data URI, or a path the worker can read', () => {
    const r2v = onDisk('reference2video.input.schema.json') as any;
    const req = r2v.properties.request.properties;
    for (const node of [
      req.images.items,
      req.videos.items,
      req.subjects.items.properties.images.items,
      req.subjects.items.properties.videos.items,
    ]) {
      expect(node.description).toMatch(/URL.*data URI.*path.*worker can read/);
      expect(node).not.toHaveProperty('pattern');
    }
    // wm_url is not staged: it goes to Vidu as it is, so it must be a URL or data URI.
    expect(req.wm_url.pattern).toBeDefined();
    const dance = (onDisk('image2dance.input.schema.json') as any).properties.request;
    expect(dance.required).toEqual(['image_url', 'video_url']);
    expect(dance.properties.image_url.description).toMatch(/path/);
    expect(mediaFieldsOf('image2dance')).toEqual(['image_url', 'video_url']);
  });

  it('spells out the string-or-boolean and string-or-integer fields', () => {
    const req = (onDisk('img2video.input.schema.json') as any).properties.request.properties;
    expect(req.off_peak.anyOf).toEqual([{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }]);
    expect(req.off_peak.default).toBe(false);
    expect(req.duration.anyOf[0]).toEqual({ type: 'integer' });
    expect(req.seed.anyOf[0]).toEqual({ type: 'integer', minimum: 0, maximum: 2147483647 });
    expect(req.prompt.maxLength).toBe(2000);
  });

  it.each(GENERATION_KINDS)('%s: the seed example input validates against the generated schema', (kind) => {
    const schema = onDisk(`${kind}.input.schema.json`);
    expect(validate(schema, SEED_INPUTS[kind])).toEqual([]);
    // …and the zod contract the client and the stage activity apply agrees.
    expect(checkGenerationInput(kind, SEED_INPUTS[kind])).toEqual([]);
  });

  it('refuses inputs that break the schema', () => {
    const schema = onDisk('img2video.input.schema.json');
    const seed = SEED_INPUTS.img2video as { request: Record<string, unknown> };
    const { images: _images, ...noImages } = seed.request;
    expect(validate(schema, { request: noImages })).toEqual(['$.request.images: required']);
    expect(validate(schema, { request: { ...seed.request, callback_url: 'https://x.example/cb' } })).toEqual([
      '$.request.callback_url: not allowed',
    ]);
    expect(validate(schema, { request: seed.request, extra: 1 })).toEqual(['$.extra: not allowed']);
    expect(validate(schema, { request: { ...seed.request, off_peak: 'yes' } })).toEqual([
      '$.request.off_peak: matches no anyOf branch',
    ]);
    expect(
      validate(schema, { request: seed.request, options: { waitMode: 'push', timeoutSeconds: 10 * 86_400 } }),
    ).toEqual(['$.options.waitMode: not one of ["auto","callback","poll"]', '$.options.timeoutSeconds: above 604800']);
    expect(validate(schema, {})).toEqual(['$.request: required']);
  });

  it('result and status schemas accept what the workflow returns', () => {
    const result = {
      kind: 'img2video',
      workflowId: 'img2video-1',
      taskId: '900',
      state: 'success',
      credits: 20,
      creations: [{ id: 'c1', url: 'https://cdn/v.mp4', coverUrl: '' }],
      archive: {
        root: '/data/archive/img2video-1',
        manifest: '/data/archive/img2video-1/manifest.json',
        files: [
          {
            name: 'c1.mp4',
            role: 'video',
            creationId: 'c1',
            sha256: 'ab'.repeat(32),
            bytes: 10,
            contentType: 'video/mp4',
            location: 'file:///data/archive/img2video-1/c1.mp4',
          },
        ],
      },
    };
    expect(GenerationResult.safeParse(result).success).toBe(true);
    expect(validate(onDisk('generation.result.schema.json'), result)).toEqual([]);
    expect(validate(onDisk('generation.result.schema.json'), { ...result, state: 'failed' })).toEqual([
      '$.state: expected "success"',
    ]);

    const status = {
      kind: 'image2dance',
      phase: 'waiting',
      state: 'processing',
      progress: 40,
      taskId: '900',
      credits: 20,
      waitMode: 'callback',
      updates: 2,
    };
    expect(GenerationStatus.safeParse(status).success).toBe(true);
    expect(validate(onDisk('generation.status.schema.json'), status)).toEqual([]);
    expect(validate(onDisk('generation.status.schema.json'), { ...status, state: 'not_submitted' })).toEqual([]);
    expect(validate(onDisk('generation.status.schema.json'), { ...status, phase: 'sleeping' })).toHaveLength(1);
  });
});

// The AD film: the seed's ad-one-click body (/work/shared/vidu-api/seeds/ad-film-one-click.txt)
// with edits and review options, and what the workflow returns and its queries answer.
const AD_INPUT = {
  request: {
    images: [IMG, '/srv/inputs/model.jpg'],
    prompt: 'A bottle of cold brew on a desk',
    duration: 15,
    aspect_ratio: '9:16',
    language: 'en',
  },
  edits: [
    { type: 'video', storyboard: 0, prompt: 'Close-up: condensation on the bottle' },
    { type: 'narration', text: 'Cold brew, ready when you are.' },
    { type: 'bgm', prompt: 'Warm acoustic guitar' },
  ],
  options: {
    waitMode: 'callback',
    review: true,
    reviewTimeoutSeconds: 3600,
    onReviewTimeout: 'compose',
    editAttempts: 2,
  },
};

const ARCHIVE = {
  root: '/data/archive/adFilm-1',
  manifest: '/data/archive/adFilm-1/manifest.json',
  files: [
    {
      name: 'f1.mp4',
      role: 'video',
      creationId: 'f1',
      sha256: 'ab'.repeat(32),
      bytes: 10,
      contentType: 'video/mp4',
      location: 'file:///data/archive/adFilm-1/f1.mp4',
    },
  ],
};

describe('adFilm JSON Schemas', () => {
  it('input: { request, edits, options }; request is ad-one-click without callback_url and client_request_id', () => {
    const schema = onDisk('adFilm.input.schema.json') as any;
    expect(schema.title).toBe('adFilm workflow input');
    expect(schema.required).toEqual(['request']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['request', 'edits', 'options']);
    const request = schema.properties.request;
    expect(Object.keys(request.properties)).toEqual(['images', 'prompt', 'duration', 'aspect_ratio', 'language']);
    expect(request.required).toEqual(['images']);
    expect(request.properties.images).toMatchObject({ minItems: 1, maxItems: 7 });
    expect(request.properties.images.items.description).toMatch(/URL.*data URI.*path.*worker can read/);
    expect(request.description).toContain('/ent/v2/ad-one-click');
    expect(Object.keys(schema.properties.options.properties)).toEqual(Object.keys(AdFilmOptions.shape));
    expect(Object.keys(schema.properties.options.properties)).toEqual(
      expect.arrayContaining(['review', 'reviewTimeoutSeconds', 'onReviewTimeout', 'editAttempts']),
    );
    // The edits: one branch per type, exactly the AdFilmEdit union.
    const branches = schema.properties.edits.items.oneOf as Schema[];
    expect(branches.map((b: any) => b.properties.type.const)).toEqual(['video', 'narration', 'bgm']);
    expect(branches.map((b) => b.required)).toEqual([
      ['type', 'storyboard', 'prompt'],
      ['type', 'text'],
      ['type', 'prompt'],
    ]);
  });

  it('the example input validates against the schema and the zod contract alike', () => {
    expect(validate(onDisk('adFilm.input.schema.json'), AD_INPUT)).toEqual([]);
    expect(checkAdFilmInput(AD_INPUT)).toEqual([]);
    expect(validate(onDisk('adFilm.input.schema.json'), { request: { images: [IMG] } })).toEqual([]);
  });

  it('refuses broken AD-film inputs, as the zod contract does', () => {
    const schema = onDisk('adFilm.input.schema.json');
    const bad: [unknown, string[]][] = [
      [
        { ...AD_INPUT, request: { ...AD_INPUT.request, callback_url: 'https://x.example/cb' } },
        ['$.request.callback_url: not allowed'],
      ],
      [{ ...AD_INPUT, request: { ...AD_INPUT.request, images: [] } }, ['$.request.images: fewer than 1 items']],
      [
        { ...AD_INPUT, request: { ...AD_INPUT.request, language: 'fr' } },
        ['$.request.language: not one of ["zh","en"]'],
      ],
      [
        { ...AD_INPUT, edits: [{ type: 'video', storyboard: -1, prompt: 'p' }] },
        ['$.edits[0]: matches 0 oneOf branches, not exactly one'],
      ],
      [
        { ...AD_INPUT, edits: [{ type: 'sound', prompt: 'p' }] },
        ['$.edits[0]: matches 0 oneOf branches, not exactly one'],
      ],
      [
        { ...AD_INPUT, edits: [{ type: 'bgm', prompt: '' }] },
        ['$.edits[0]: matches 0 oneOf branches, not exactly one'],
      ],
      [{ ...AD_INPUT, options: { editAttempts: 11 } }, ['$.options.editAttempts: above 10']],
      [
        { ...AD_INPUT, options: { onReviewTimeout: 'wait' } },
        ['$.options.onReviewTimeout: not one of ["fail","compose"]'],
      ],
    ];
    for (const [input, errors] of bad) {
      expect(validate(schema, input)).toEqual(errors);
      expect(checkAdFilmInput(input), JSON.stringify(input)).not.toEqual([]);
    }
  });

  it('result, status and storyboards schemas accept what the workflow returns', () => {
    const result = {
      workflowId: 'adFilm-1',
      taskId: '900',
      composeTaskId: '950',
      credits: 120,
      videoTaskIds: ['901', '912', '903'],
      bgmTaskId: '913',
      narrationTaskId: '905',
      edits: [
        { edit: { type: 'video', storyboard: 1, prompt: 'p' }, state: 'success', subTaskIds: ['912'], credits: 20 },
        {
          edit: { type: 'bgm', prompt: 'lo-fi' },
          state: 'success',
          subTaskIds: ['910', '913'],
          credits: 10,
          errCode: '',
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
      film: [{ id: 'f1', url: 'https://cdn/f1.mp4', coverUrl: 'https://cdn/f1.jpg', sourceTaskId: '950' }],
      archive: ARCHIVE,
    };
    expect(AdFilmResult.safeParse(result).success).toBe(true);
    expect(validate(onDisk('adFilm.result.schema.json'), result)).toEqual([]);
    const { archive: _archive, ...unarchived } = result;
    expect(validate(onDisk('adFilm.result.schema.json'), unarchived)).toEqual([]);
    expect(validate(onDisk('adFilm.result.schema.json'), { ...result, composeTaskId: undefined })).toEqual([
      '$.composeTaskId: expected string',
    ]);

    const status = {
      phase: 'reviewing',
      taskId: '900',
      state: 'success',
      progress: 100,
      credits: 80,
      editsRunning: 0,
      edits: result.edits,
      approved: false,
    };
    expect(AdFilmStatus.safeParse(status).success).toBe(true);
    expect(validate(onDisk('adFilm.status.schema.json'), status)).toEqual([]);
    expect(
      validate(onDisk('adFilm.status.schema.json'), {
        phase: 'staging',
        state: 'not_submitted',
        progress: 0,
        credits: 0,
        editsRunning: 0,
        edits: [],
        approved: false,
      }),
    ).toEqual([]);
    expect(validate(onDisk('adFilm.status.schema.json'), { ...status, phase: 'waiting' })).toHaveLength(1);

    const storyboards = [
      { index: 0, prompt: 'a', state: 'success', mediaUrl: 'https://cdn/0.mp4', subTaskId: '901', edits: 0 },
      {
        index: 1,
        prompt: 'b',
        state: 'success',
        mediaUrl: 'https://cdn/1.mp4',
        subTaskId: '912',
        edits: 2,
        lastEdit: 'success',
      },
    ];
    expect(Storyboards.safeParse(storyboards).success).toBe(true);
    expect(validate(onDisk('adFilm.storyboards.schema.json'), storyboards)).toEqual([]);
    expect(validate(onDisk('adFilm.storyboards.schema.json'), [])).toEqual([]);
    expect(
      validate(onDisk('adFilm.storyboards.schema.json'), [{ ...storyboards[0], lastEdit: 'queued' }]),
    ).toHaveLength(1);
  });
});
