import { describe, it, expect } from 'vitest';
import {
  applyModelDefaults,
  MODEL_MATRIX,
  modelIssues,
  modelsFor,
  resolutionRuleFor,
  videoModelSpec,
  type VideoKind,
} from '../../vidu/models';
import { Img2VideoRequest, Reference2ImageRequest, Reference2VideoRequest } from '../../vidu/schemas';

const IMG = 'https://example.com/a.png';

describe('modelsFor', () => {
  it('lists the img2video models', () => {
    expect(modelsFor('img2video')).toEqual([
      'viduq3-pro',
      'viduq3-turbo',
      'viduq2',
      'viduq2-pro',
      'viduq2-turbo',
      'viduq2-pro-fast',
      'viduq1',
      'viduq1-classic',
      'vidu2.0',
      'vidu1.5',
    ]);
  });

  it('lists the reference2video models (q3/q3-mix, no q3-turbo)', () => {
    expect(modelsFor('reference2video')).toEqual([
      'viduq3-pro',
      'viduq3',
      'viduq3-mix',
      'viduq2',
      'viduq2-pro',
      'viduq2-turbo',
      'viduq2-pro-fast',
      'viduq1',
      'viduq1-classic',
      'vidu2.0',
      'vidu1.5',
    ]);
  });

  it('lists viduq2 and viduq1 for reference2image and nothing for image2dance', () => {
    expect(modelsFor('reference2image')).toEqual(['viduq2', 'viduq1']);
    expect(modelsFor('image2dance')).toEqual([]);
  });
});

describe('MODEL_MATRIX consistency', () => {
  const videoRows = (['img2video', 'reference2video'] as const).flatMap((kind) =>
    Object.entries(MODEL_MATRIX[kind]).map(([model, spec]) => [kind, model, spec] as const),
  );

  it.each(videoRows)(
    '%s %s: every offered duration has exactly one resolution rule with a valid default',
    (_kind, _model, spec) => {
      expect(spec.durations).toContain(spec.defaultDuration);
      for (const d of spec.durations) {
        const rules = spec.resolutionRules.filter((r) => r.durations.includes(d));
        expect(rules).toHaveLength(1);
        expect(rules[0]!.resolutions).toContain(rules[0]!.defaultResolution);
      }
      for (const r of spec.resolutionRules) for (const d of r.durations) expect(spec.durations).toContain(d);
    },
  );

  it.each(Object.entries(MODEL_MATRIX.reference2image))(
    'reference2image %s: default resolution is offered',
    (_m, spec) => {
      expect(spec.resolutions).toContain(spec.defaultResolution);
    },
  );

  it('reference2video models all offer the 16:9 default aspect ratio', () => {
    for (const spec of Object.values(MODEL_MATRIX.reference2video)) expect(spec.aspectRatios).toContain('16:9');
  });
});

describe('documented matrix rows (docs/vidu-api.md §1, §2, §3)', () => {
  it.each<[VideoKind, string, number, readonly string[], string]>([
    ['img2video', 'viduq3-pro', 16, ['540p', '720p', '1080p'], '720p'],
    ['img2video', 'viduq3-turbo', 1, ['540p', '720p', '1080p'], '720p'],
    ['img2video', 'viduq2', 10, ['540p', '720p', '1080p'], '720p'],
    ['img2video', 'viduq1', 5, ['1080p'], '1080p'],
    ['img2video', 'vidu2.0', 4, ['360p', '720p', '1080p'], '360p'],
    ['img2video', 'vidu2.0', 8, ['720p'], '720p'],
    ['img2video', 'vidu1.5', 4, ['360p', '720p', '1080p'], '360p'],
    ['img2video', 'vidu1.5', 8, ['720p'], '720p'],
    ['reference2video', 'viduq1', 5, ['1080p'], '1080p'],
    ['reference2video', 'vidu2.0', 4, ['360p', '720p'], '360p'],
    ['reference2video', 'vidu1.5', 4, ['360p', '720p', '1080p'], '360p'],
    ['reference2video', 'vidu1.5', 8, ['720p'], '720p'],
    ['reference2video', 'viduq2-pro', 10, ['540p', '720p', '1080p'], '720p'],
    ['reference2video', 'viduq2-pro-fast', 5, ['720p', '1080p'], '720p'],
  ])('%s %s at %i s offers %j, default %s', (kind, model, duration, resolutions, def) => {
    const rule = resolutionRuleFor(videoModelSpec(kind, model)!, duration);
    expect(rule?.resolutions).toEqual(resolutions);
    expect(rule?.defaultResolution).toBe(def);
  });

  it('q3 defaults audio on, others off (docs/vidu-api.md §1)', () => {
    expect(MODEL_MATRIX.img2video['viduq3-pro']!.defaultAudio).toBe(true);
    expect(MODEL_MATRIX.img2video['viduq2']!.defaultAudio).toBe(false);
  });

  it('reference2image: viduq2 0–7 images up to 4K, viduq1 1–7 images at 1080p', () => {
    expect(MODEL_MATRIX.reference2image['viduq2']).toMatchObject({
      minImages: 0,
      maxImages: 7,
      resolutions: ['1080p', '2K', '4K'],
      defaultResolution: '1080p',
    });
    expect(MODEL_MATRIX.reference2image['viduq2']!.aspectRatios).toEqual(
      expect.arrayContaining(['21:9', '2:3', '3:2', 'auto']),
    );
    expect(MODEL_MATRIX.reference2image['viduq1']).toMatchObject({
      minImages: 1,
      maxImages: 7,
      resolutions: ['1080p'],
    });
  });
});

describe('modelIssues', () => {
  it('ignores a request without a model (the schema reports that)', () => {
    expect(modelIssues('img2video', {})).toEqual([]);
  });

  it('reports an unknown model once, without duration noise', () => {
    expect(modelIssues('img2video', { model: 'x', duration: 99 })).toEqual([
      {
        path: ['model'],
        message:
          'model: unknown model "x" for img2video; expected one of viduq3-pro, viduq3-turbo, viduq2, viduq2-pro, viduq2-turbo, viduq2-pro-fast, viduq1, viduq1-classic, vidu2.0, vidu1.5',
      },
    ]);
  });

  it('skips the resolution check when the duration is already wrong', () => {
    expect(modelIssues('img2video', { model: 'viduq1', duration: 8, resolution: '720p' }).map((i) => i.path)).toEqual([
      ['duration'],
    ]);
  });
});

describe('applyModelDefaults', () => {
  it.each([
    ['viduq2', undefined, undefined, 5, '720p'],
    ['viduq3-turbo', 12, undefined, 12, '720p'],
    ['viduq1', undefined, undefined, 5, '1080p'],
    ['vidu1.5', undefined, undefined, 4, '360p'],
    ['vidu1.5', 8, undefined, 8, '720p'],
    ['vidu2.0', 4, '1080p', 4, '1080p'],
  ] as const)('img2video %s (duration %s, resolution %s) → %i s %s', (model, duration, resolution, d, r) => {
    const req = Img2VideoRequest.parse({ model, images: [IMG], duration, resolution });
    const out = applyModelDefaults('img2video', req);
    expect(out.duration).toBe(d);
    expect(out.resolution).toBe(r);
    expect(out.images).toEqual([IMG]);
  });

  it('reference2video: vidu2.0 defaults to 4 s at 360p', () => {
    const req = Reference2VideoRequest.parse({ model: 'vidu2.0', images: [IMG], prompt: 'p' });
    expect(applyModelDefaults('reference2video', req)).toMatchObject({
      duration: 4,
      resolution: '360p',
      aspect_ratio: '16:9',
    });
  });

  it('reference2image: fills 1080p and leaves an explicit 4K alone', () => {
    const a = Reference2ImageRequest.parse({ model: 'viduq2', prompt: 'p' });
    const b = Reference2ImageRequest.parse({ model: 'viduq2', prompt: 'p', resolution: '4K' });
    expect(applyModelDefaults('reference2image', a).resolution).toBe('1080p');
    expect(applyModelDefaults('reference2image', b).resolution).toBe('4K');
  });

  it('image2dance: returns an equal copy', () => {
    const req = { image_url: IMG, video_url: IMG };
    const out = applyModelDefaults('image2dance', req);
    expect(out).toEqual(req);
    expect(out).not.toBe(req);
  });

  it('does not mutate its input', () => {
    const req = Img2VideoRequest.parse({ model: 'viduq2', images: [IMG] });
    applyModelDefaults('img2video', req);
    expect(req.duration).toBeUndefined();
    expect(req.resolution).toBeUndefined();
  });

  it('throws on a model the matrix does not know', () => {
    expect(() => applyModelDefaults('img2video', { model: 'vidu9' })).toThrow(/unknown model "vidu9" for img2video/);
    expect(() => applyModelDefaults('reference2image', { model: 'viduq3' })).toThrow(
      /unknown model "viduq3" for reference2image/,
    );
  });

  it('throws on a duration the model does not offer', () => {
    expect(() => applyModelDefaults('img2video', { model: 'viduq1', duration: 8 })).toThrow(
      /viduq1 offers 5 s only \(got 8\)/,
    );
  });
});
