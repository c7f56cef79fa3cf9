import { describe, expect, it } from 'vitest';
import { checkGenerationInput, checkRequest, GENERATION_KINDS } from '../../contract/generation-input';
import type { GenerationKind } from '../../core/generation-types';

const STAGED = `staged:${'a'.repeat(64)}.png`;

const i2v = (extra: Record<string, unknown> = {}) => ({
  model: 'viduq2',
  images: ['./cat.png'],
  prompt: 'a cat walks',
  ...extra,
});

interface BadCase {
  name: string;
  kind: GenerationKind;
  input: unknown;
  /** Every one of these must appear in the single message. */
  mentions: string[];
}

const BAD: BadCase[] = [
  {
    name: 'a prompt over 2000 characters',
    kind: 'img2video',
    input: { request: i2v({ prompt: 'x'.repeat(2001) }) },
    mentions: ['prompt', '2000'],
  },
  {
    name: 'a prompt over 2000 characters (reference2image)',
    kind: 'reference2image',
    input: { request: { model: 'viduq2', prompt: 'y'.repeat(2001) } },
    mentions: ['prompt', '2000'],
  },
  {
    name: 'a duration the model does not offer (viduq1, 8 s)',
    kind: 'img2video',
    input: { request: i2v({ model: 'viduq1', duration: 8 }) },
    mentions: ['duration', 'viduq1', '5', '8'],
  },
  {
    name: 'a duration beyond viduq2’s range (11 s)',
    kind: 'img2video',
    input: { request: i2v({ duration: 11 }) },
    mentions: ['duration', 'viduq2', '11'],
  },
  {
    name: 'a resolution the model does not offer (viduq1, 720p)',
    kind: 'img2video',
    input: { request: i2v({ model: 'viduq1', resolution: '720p' }) },
    mentions: ['resolution', 'viduq1', '1080p', '720p'],
  },
  {
    name: 'a resolution the model does not offer (reference2image viduq2, 8K)',
    kind: 'reference2image',
    input: { request: { model: 'viduq2', prompt: 'p', resolution: '8K' } },
    mentions: ['resolution', '8K', '4K'],
  },
  {
    name: 'an unknown model',
    kind: 'img2video',
    input: { request: i2v({ model: 'viduq9' }) },
    mentions: ['model', 'viduq9', 'viduq1', 'viduq2'],
  },
  {
    name: 'an unknown model (reference2video)',
    kind: 'reference2video',
    input: { request: { model: 'sora', images: ['./a.png'], prompt: 'p' } },
    mentions: ['model', 'sora'],
  },
  {
    name: 'too many reference images (8 for reference2video)',
    kind: 'reference2video',
    input: { request: { model: 'viduq1', images: Array.from({ length: 8 }, (_, i) => `./ref${i}.png`), prompt: 'p' } },
    mentions: ['images', '7', '8'],
  },
  {
    name: 'too many reference images (8 for reference2image)',
    kind: 'reference2image',
    input: { request: { model: 'viduq2', images: Array.from({ length: 8 }, (_, i) => `./ref${i}.png`), prompt: 'p' } },
    mentions: ['images', '7', '8'],
  },
  {
    name: 'two images for img2video',
    kind: 'img2video',
    input: { request: i2v({ images: ['./a.png', './b.png'] }) },
    mentions: ['images', '1', '2'],
  },
  {
    name: 'callback_url in the request (reserved)',
    kind: 'img2video',
    input: { request: i2v({ callback_url: 'https://hooks.example/cb' }) },
    mentions: ['callback_url', 'vidu-flow', 'remove'],
  },
  {
    name: 'client_request_id in the request (reserved)',
    kind: 'reference2image',
    input: { request: { model: 'viduq2', prompt: 'p', client_request_id: 'mine' } },
    mentions: ['client_request_id', 'vidu-flow', 'remove'],
  },
  {
    name: 'an unknown options key',
    kind: 'img2video',
    input: { request: i2v(), options: { waitmode: 'poll' } },
    mentions: ['options.waitmode', 'unknown'],
  },
  {
    name: 'an unknown key inside options.poll',
    kind: 'img2video',
    input: { request: i2v(), options: { poll: { every: 5 } } },
    mentions: ['options.poll.every', 'unknown'],
  },
  {
    name: 'options.waitMode "sometimes"',
    kind: 'img2video',
    input: { request: i2v(), options: { waitMode: 'sometimes' } },
    mentions: ['options.waitMode', 'auto', 'callback', 'poll'],
  },
  {
    name: 'options.timeoutSeconds below the minimum',
    kind: 'img2video',
    input: { request: i2v(), options: { timeoutSeconds: 0 } },
    mentions: ['options.timeoutSeconds', '1'],
  },
  { name: 'a string request', kind: 'img2video', input: { request: 'make a video' }, mentions: ['request', 'object'] },
  { name: 'an array request', kind: 'img2video', input: { request: [i2v()] }, mentions: ['request', 'object'] },
  { name: 'a null request', kind: 'reference2video', input: { request: null }, mentions: ['request', 'object'] },
  { name: 'a missing request', kind: 'image2dance', input: {}, mentions: ['request', 'object'] },
  { name: 'a non-object input (string)', kind: 'img2video', input: 'hello', mentions: ['input', 'object'] },
  { name: 'a non-object input (null)', kind: 'img2video', input: null, mentions: ['input', 'object'] },
  { name: 'a non-object input (array)', kind: 'img2video', input: [{ request: i2v() }], mentions: ['input', 'object'] },
  {
    name: 'an unknown top-level field',
    kind: 'img2video',
    input: { request: i2v(), callback: 'x' },
    mentions: ['callback', 'request and options'],
  },
  {
    name: 'an unknown request field',
    kind: 'img2video',
    input: { request: i2v({ colour: 'red' }) },
    mentions: ['colour', 'img2video'],
  },
];

describe('checkGenerationInput refuses bad input with a message naming the field and the limit', () => {
  it.each(BAD.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const issues = checkGenerationInput(c.kind, c.input);
    expect(issues, JSON.stringify(issues)).toHaveLength(1);
    const [message] = issues as [string];
    for (const m of c.mentions) expect(message, message).toContain(m);
  });
});

describe('checkGenerationInput accepts valid input', () => {
  const GOOD: Array<[string, GenerationKind, unknown]> = [
    ['img2video with a relative local path', 'img2video', { request: i2v() }],
    ['img2video with a 2000-character prompt', 'img2video', { request: i2v({ prompt: 'x'.repeat(2000) }) }],
    ['img2video with an absolute path', 'img2video', { request: i2v({ images: ['/srv/media/cat.png'] }) }],
    ['img2video with a file:// URL', 'img2video', { request: i2v({ images: ['file:///srv/media/cat%20one.png'] }) }],
    ['img2video with a staged reference', 'img2video', { request: i2v({ images: [STAGED] }) }],
    ['img2video with a data URI', 'img2video', { request: i2v({ images: ['data:image/png;base64,iVBORw0KGgo='] }) }],
    ['img2video with an https URL', 'img2video', { request: i2v({ images: ['https://cdn.example/cat.png'] }) }],
    [
      'img2video viduq1 at its only duration and resolution',
      'img2video',
      { request: i2v({ model: 'viduq1', duration: 5, resolution: '1080p' }) },
    ],
    [
      'img2video vidu1.5 8 s at 720p',
      'img2video',
      { request: i2v({ model: 'vidu1.5', duration: 8, resolution: '720p' }) },
    ],
    [
      'reference2video with 7 local images',
      'reference2video',
      { request: { model: 'viduq1', images: Array.from({ length: 7 }, (_, i) => `./ref${i}.png`), prompt: 'p' } },
    ],
    [
      'reference2video in subject mode with local images',
      'reference2video',
      {
        request: {
          model: 'viduq2',
          subjects: [
            { name: '1', images: ['./a.png', '../b.jpg'] },
            { name: '2', images: ['c.webp'] },
          ],
          prompt: '@1 and @2',
        },
      },
    ],
    [
      'reference2image text only',
      'reference2image',
      { request: { model: 'viduq2', prompt: 'a red cube', resolution: '4K', aspect_ratio: '21:9' } },
    ],
    [
      'reference2image with local images',
      'reference2image',
      { request: { model: 'viduq1', images: ['./a.png'], prompt: 'p' } },
    ],
    [
      'image2dance with local files',
      'image2dance',
      { request: { image_url: './person.png', video_url: './dance.mp4' } },
    ],
    [
      'every option set',
      'img2video',
      {
        request: i2v(),
        options: {
          waitMode: 'callback',
          archive: false,
          timeoutSeconds: 3600,
          poll: { initialSeconds: 5, factor: 2, maxSeconds: 60 },
          idempotencyKey: 'order-42',
        },
      },
    ],
    ['empty options', 'img2video', { request: i2v(), options: {} }],
  ];

  it.each(GOOD)('%s', (_name, kind, input) => {
    expect(checkGenerationInput(kind, input)).toEqual([]);
  });

  it('does not modify the request it checks (local paths stay for the stage activity)', () => {
    const input = { request: i2v({ images: ['./cat.png'], callback_url: 'https://x/cb' }) };
    const before = structuredClone(input);
    checkGenerationInput('img2video', input);
    expect(input).toEqual(before);
  });
});

describe('checkGenerationInput reports every problem at once', () => {
  it('one line per bad field', () => {
    const issues = checkGenerationInput('img2video', {
      request: i2v({ model: 'viduq1', prompt: 'x'.repeat(2500), duration: 8, callback_url: 'https://x/cb' }),
      options: { waitMode: 'sometimes' },
    });
    expect(issues.length).toBeGreaterThanOrEqual(4);
    for (const field of ['prompt', 'duration', 'callback_url', 'options.waitMode']) {
      expect(
        issues.some((line) => line.startsWith(field)),
        `${field} in ${JSON.stringify(issues)}`,
      ).toBe(true);
    }
  });

  it('checks options even when the request is not an object', () => {
    const issues = checkGenerationInput('img2video', { request: 'x', options: { waitMode: 'never' } });
    expect(issues).toHaveLength(2);
  });
});

describe('checkRequest', () => {
  it('covers ad-one-click too, with local images', () => {
    expect(checkRequest('ad-one-click', { images: ['./product.png'], prompt: 'an ad' })).toEqual([]);
    const issues = checkRequest('ad-one-click', { images: ['./p.png'], callback_url: 'https://x/cb' });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain('callback_url');
  });

  it('the kinds list is the endpoint registry: one workflow type per endpoint', () => {
    expect([...GENERATION_KINDS].sort()).toEqual([
      'audioClone',
      'audioTts',
      'extend',
      'image2dance',
      'img2video',
      'lipSync',
      'multiframe',
      'reference2image',
      'reference2video',
      'startEnd2video',
      'template',
      'templateStory',
      'text2audio',
      'text2video',
      'timing2audio',
      'upscale',
    ]);
  });
});
