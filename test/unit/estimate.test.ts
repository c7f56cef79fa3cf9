// The price function against the figures and rules of docs/vidu-pricing.md
// (docs/vidu-pricing.md), and its edges: defaults, unknown prices, off-peak on a model without it.
import { describe, expect, it } from 'vitest';
import { GENERATION_KINDS, ENDPOINTS, type EndpointSpec } from '../../vidu/endpoints';
import { estimateAdFilm, estimateCredits, PRICE_TABLE, PriceTable, totalOf, generationLine } from '../../vidu/prices';

const credits = (
  kind: Parameters<typeof estimateCredits>[0],
  request: Record<string, unknown>,
  facts?: { sourceSeconds?: number },
) => {
  const e = estimateCredits(kind, request, facts ? { facts } : {});
  expect(e.unpriced, e.basis).toBeUndefined();
  return e.credits;
};

describe('estimateCredits: the documented figures', () => {
  it('viduq1 5 s 1080p img2video = 80 (CN-new, EN-2026 $0.40), and 80 by default (the only length and resolution)', () => {
    expect(
      credits('img2video', { model: 'viduq1', duration: 5, resolution: '1080p', images: ['https://x/a.png'] }),
    ).toBe(80);
    expect(credits('img2video', { model: 'viduq1', images: ['https://x/a.png'] })).toBe(80);
  });

  it('off-peak is half, rounded up; is_rec adds 10 after the halving; string booleans count', () => {
    expect(credits('img2video', { model: 'viduq1', off_peak: true })).toBe(40);
    expect(credits('img2video', { model: 'viduq1', is_rec: true })).toBe(90);
    expect(credits('startEnd2video', { model: 'viduq1', is_rec: 'true', off_peak: 'true' })).toBe(50);
    // viduq2-turbo 540p 2 s = 6 + 2 = 8 → 4; 3 s = 10 → 5; q3-turbo 720p 1 s = 12 → 6 (docs/vidu-pricing.md "The table" shows 6); q3-pro 1080p 1 s 24 → 12
    expect(credits('img2video', { model: 'viduq2-turbo', resolution: '540p', duration: 3, off_peak: true })).toBe(5);
    expect(credits('text2video', { model: 'viduq3-turbo', resolution: '720p', duration: 1, off_peak: true })).toBe(6);
    // An odd figure: q3-turbo 1080p 1 s = 13 → 6.5 → 7 (docs/vidu-pricing.md "The table": 13 / 7).
    expect(credits('img2video', { model: 'viduq3-turbo', resolution: '1080p', duration: 1, off_peak: true })).toBe(7);
  });

  it('Q2 audio adds 15 (reference2video viduq2 720p 5 s = 25 + 5·4 = 45, + 15 = 60)', () => {
    expect(credits('reference2video', { model: 'viduq2', resolution: '720p', duration: 5, audio: true })).toBe(60);
    expect(credits('reference2video', { model: 'viduq2', resolution: '720p', duration: 5, audio: false })).toBe(45);
  });

  it('Q2 steps: turbo 720p "8, 10, then +10"; pro 1080p 55 + 15(d−1); t2v 540p 10 + 2(d−1)', () => {
    expect(
      [1, 2, 3, 5].map((d) => credits('img2video', { model: 'viduq2-turbo', resolution: '720p', duration: d })),
    ).toEqual([8, 10, 20, 40]);
    expect(credits('img2video', { model: 'viduq2-pro', resolution: '1080p', duration: 4 })).toBe(100);
    expect(credits('text2video', { model: 'viduq2', resolution: '540p', duration: 8 })).toBe(24);
  });

  it('the doc example viduq2-pro 5 s 720p reference2video = 55', () => {
    expect(credits('reference2video', { model: 'viduq2-pro', resolution: '720p', duration: 5 })).toBe(55);
  });

  it('Q3: rate × duration (q3-pro 1080p 8 s = 192) and the registry default (720p, 5 s = 100)', () => {
    expect(credits('text2video', { model: 'viduq3-pro', resolution: '1080p', duration: 8 })).toBe(192);
    expect(credits('img2video', { model: 'viduq3-pro' })).toBe(100);
  });

  it('the contradictions take the higher reading: q3-turbo 720p at 12/s, not 11', () => {
    expect(credits('img2video', { model: 'viduq3-turbo', resolution: '720p', duration: 10 })).toBe(120);
  });

  it('viduq3-mix has no off-peak: full price', () => {
    expect(credits('reference2video', { model: 'viduq3-mix', resolution: '1080p', duration: 4, off_peak: true })).toBe(
      116,
    );
  });

  it('flat models by length: vidu2.0 4 s 360p 20, 8 s 720p 100; vidu1.5 reference 4 s 1080p 400; vidu1.5 default 4 s 360p 40', () => {
    expect(credits('img2video', { model: 'vidu2.0', duration: 4, resolution: '360p' })).toBe(20);
    expect(credits('startEnd2video', { model: 'vidu2.0', duration: 8, resolution: '720p' })).toBe(100);
    expect(credits('reference2video', { model: 'vidu1.5', duration: 4, resolution: '1080p' })).toBe(400);
    expect(credits('text2video', { model: 'vidu1.5' })).toBe(40);
  });

  it('reference2image: by resolution and reference count (viduq2 0 refs 1080p 6, 3 refs 4K 20, 5 refs 2K 16; viduq1 20)', () => {
    expect(credits('reference2image', { model: 'viduq2', resolution: '1080p' })).toBe(6);
    expect(credits('reference2image', { model: 'viduq2', resolution: '4K', images: ['a', 'b', 'c'] })).toBe(20);
    expect(credits('reference2image', { model: 'viduq2', resolution: '2K', images: ['a', 'b', 'c', 'd', 'e'] })).toBe(
      16,
    );
    expect(credits('reference2image', { model: 'viduq1', images: ['a'] })).toBe(20);
  });

  it('extend (base + step·d) and multiframe (summed per segment, 5 s default)', () => {
    expect(
      credits('extend', { model: 'viduq2-turbo', resolution: '1080p', duration: 3, video_url: 'https://x/v.mp4' }),
    ).toBe(70);
    expect(credits('extend', { model: 'viduq2-pro', video_url: 'https://x/v.mp4' })).toBe(80); // 720p, 5 s: 30 + 50
    expect(
      credits('multiframe', {
        model: 'viduq2-turbo',
        resolution: '540p',
        image_settings: [{ key_image: 'a' }, { key_image: 'b', duration: 2 }],
      }),
    ).toBe(10 + 10 + 10 + 4);
  });

  it('audio, speech, upscale and lip-sync', () => {
    expect(credits('text2audio', { model: 'audio1.0', duration: 4 })).toBe(10);
    expect(credits('text2audio', { model: 'audio1.0', duration: 10 })).toBe(20);
    expect(credits('audioTts', { text: 'x'.repeat(501) })).toBe(20);
    expect(credits('audioTts', { text: '🎬'.repeat(500) })).toBe(10); // characters, not UTF-16 units
    expect(credits('upscale', { video_url: 'https://x/v.mp4', upscale_resolution: '2K' }, { sourceSeconds: 5.5 })).toBe(
      120,
    );
    expect(credits('upscale', { video_url: 'https://x/v.mp4' }, { sourceSeconds: 4 })).toBe(40);
    expect(credits('lipSync', { video_url: 'https://x/v.mp4', text: 'hi' }, { sourceSeconds: 11 })).toBe(60);
  });
});

describe('estimateCredits: what it cannot price, it says', () => {
  it('names the reason for an unknown model, a length with no price, a missing source length and an unpublished price', () => {
    expect(estimateCredits('img2video', { model: 'viduq9' }).unpriced).toMatch(/no price entry for model "viduq9"/);
    expect(estimateCredits('img2video', { model: 'viduq1', duration: 8 }).unpriced).toMatch(
      /no price for 8 s at 1080p/,
    );
    expect(estimateCredits('upscale', { video_creation_id: '123' }).unpriced).toMatch(/length is not known/);
    expect(estimateCredits('template', { template: 'hug' }).unpriced).toMatch(/each template/);
    expect(estimateCredits('image2dance', {}).unpriced).toBeDefined();
    expect(estimateCredits('img2video', {}).unpriced).toMatch(/no model/);
    for (const e of [estimateCredits('img2video', { model: 'viduq9' }), estimateCredits('template', {})])
      expect(e.credits).toBe(0);
  });

  it('a model called "constructor" or "__proto__" finds no entry (own keys only)', () => {
    expect(estimateCredits('img2video', { model: 'constructor' }).unpriced).toBeDefined();
    expect(estimateCredits('img2video', { model: '__proto__' }).unpriced).toBeDefined();
    expect(estimateCredits('img2video', { model: 'viduq1', resolution: 'constructor' }).unpriced).toBeDefined();
  });

  it('has an entry for every model of every endpoint, each with a source and a date', () => {
    for (const kind of GENERATION_KINDS) {
      const table = (ENDPOINTS[kind] as EndpointSpec).models;
      const models = table ? Object.keys(table.models) : ['*'];
      for (const model of models) {
        const entry = PRICE_TABLE.find((e) => e.kind === kind && e.model === model);
        expect(entry, `${kind} ${model}`).toBeDefined();
        expect(entry!.source.length).toBeGreaterThan(0);
        expect(entry!.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it('an override wins and says so; the basis names the source and date', () => {
    const table = new PriceTable([
      {
        kind: 'template',
        model: '*',
        rule: { per: 'call', credits: 30 },
        source: 'operator invoice',
        readOn: '2026-12-01',
      },
    ]);
    const e = estimateCredits('template', { template: 'hug' }, { table });
    expect(e).toMatchObject({ credits: 30, entry: { override: true, readOn: '2026-12-01' } });
    expect(e.basis).toMatch(/operator prices file, operator invoice, read 2026-12-01/);
    expect(estimateCredits('img2video', { model: 'viduq1' }).basis).toMatch(/built-in table.*read 2026-08-13/);
  });
});

describe('totals', () => {
  it('an AD film is create + each edit + compose; unpublished prices are listed, not guessed', () => {
    const none = estimateAdFilm({ request: { images: ['a'] }, edits: [{ type: 'video' }, { type: 'bgm' }] });
    expect(none.credits).toBe(0);
    expect(none.unpriced.map((u) => u.label)).toEqual(['create', 'edit 1 (video)', 'edit 2 (bgm)', 'compose']);
    const table = new PriceTable([
      { kind: 'adFilm', model: '*', rule: { per: 'call', credits: 400 }, source: 's', readOn: '2026-12-01' },
      {
        kind: 'adFilmEdit',
        model: 'generate_video',
        rule: { per: 'call', credits: 80 },
        source: 's',
        readOn: '2026-12-01',
      },
      { kind: 'adFilmCompose', model: '*', rule: { per: 'call', credits: 40 }, source: 's', readOn: '2026-12-01' },
    ]);
    const priced = estimateAdFilm(
      { request: {}, edits: [{ type: 'video' }, { type: 'video' }, { type: 'bgm' }] },
      table,
    );
    expect(priced.credits).toBe(400 + 80 + 80 + 40);
    expect(priced.unpriced).toEqual([{ label: 'edit 3 (bgm)', reason: expect.stringMatching(/generate_bgm/) }]);
  });

  it('a batch: total, by model, and the lines that could not be priced', () => {
    const t = totalOf([
      generationLine('line 1', 'img2video', { model: 'viduq1' }),
      generationLine('line 2', 'img2video', { model: 'viduq1', off_peak: true }),
      generationLine('line 3', 'text2video', { model: 'viduq2', duration: 2, resolution: '540p' }),
      generationLine('line 4', 'template', { template: 'hug' }),
    ]);
    expect(t).toMatchObject({
      credits: 80 + 40 + 12,
      byModel: { viduq1: 120, viduq2: 12 },
      unpriced: [{ label: 'line 4' }],
    });
  });
});
