// api/studio/forms.ts: the studio's new-generation forms are derived from the endpoint registry
// and its model matrix, so a model offers exactly what the API's checks accept.
import { describe, expect, it } from 'vitest';
import { studioForms, type StudioForm } from '../../api/studio/forms';
import { ENDPOINTS } from '../../vidu/endpoints';
import { IMG2VIDEO_MODELS } from '../../vidu/endpoints/img2video';

const forms = studioForms();
const formOf = (kind: string): StudioForm => forms.find((f) => f.kind === kind)!;

describe('studio forms from the registry', () => {
  it('has one form per endpoint of the registry, in its order, then the AD film', () => {
    expect(forms.map((f) => f.kind)).toEqual([...Object.keys(ENDPOINTS), 'adFilm']);
  });

  it('never offers the fields vidu-flow sets or refuses over HTTP (callbacks, request ids, Vidu creation ids)', () => {
    for (const f of forms) {
      const names = f.fields.map((x) => x.name);
      for (const hidden of ['callback_url', 'client_request_id', 'payload', 'video_creation_id'])
        expect(names, f.kind).not.toContain(hidden);
    }
  });

  it("img2video: the start frame is one required image upload; model, duration and resolution come from the model's matrix", () => {
    const f = formOf('img2video');
    const images = f.fields.find((x) => x.name === 'images')!;
    expect(images).toMatchObject({
      control: 'media-list',
      required: true,
      media: { kind: 'image', minItems: 1, maxItems: 1, formats: ['png', 'jpeg', 'webp'] },
    });
    expect(f.fields.find((x) => x.name === 'model')).toMatchObject({ control: 'model', required: true });
    expect(f.fields.find((x) => x.name === 'duration')?.control).toBe('duration');
    expect(f.fields.find((x) => x.name === 'resolution')?.control).toBe('resolution');
    expect(Object.keys(f.models!)).toEqual(Object.keys(IMG2VIDEO_MODELS.models));
  });

  it('a model decides the durations and, per duration, the resolutions (vidu2.0: 4 s at 360p–1080p, 8 s at 720p only)', () => {
    const m = formOf('img2video').models!['vidu2.0']!;
    expect(m.durations).toEqual([4, 8]);
    expect(m.resolutions).toEqual({ '4': ['360p', '720p', '1080p'], '8': ['720p'] });
    expect(m.defaultDuration).toBe(4);
    expect(formOf('img2video').models!.viduq1).toMatchObject({ durations: [5], resolutions: { '5': ['1080p'] } });
  });

  it('aspect ratios are a matrix field where the model table has them (text2video), a plain select where the schema enumerates them (template)', () => {
    expect(formOf('text2video').fields.find((x) => x.name === 'aspect_ratio')?.control).toBe('ratio');
    expect(formOf('text2video').models!.viduq1!.aspectRatios?.length).toBeGreaterThan(0);
    expect(formOf('template').fields.find((x) => x.name === 'aspect_ratio')).toMatchObject({
      control: 'select',
      options: ['16:9', '9:16', '1:1'],
    });
  });

  it('enums are selects with their values and defaults; booleans are checkboxes; prompts are text areas', () => {
    const f = formOf('img2video');
    expect(f.fields.find((x) => x.name === 'movement_amplitude')).toMatchObject({
      control: 'select',
      options: ['auto', 'small', 'medium', 'large'],
      default: 'auto',
    });
    expect(f.fields.find((x) => x.name === 'off_peak')).toMatchObject({ control: 'checkbox', default: false });
    expect(f.fields.find((x) => x.name === 'prompt')).toMatchObject({ control: 'textarea', required: false });
    expect(formOf('text2video').fields.find((x) => x.name === 'prompt')?.required).toBe(true);
  });

  it('startEnd2video takes exactly two frames; upscale takes a video (or a vidu-flow: reference) and no model', () => {
    expect(formOf('startEnd2video').fields.find((x) => x.name === 'images')?.media).toMatchObject({
      minItems: 2,
      maxItems: 2,
    });
    const up = formOf('upscale');
    expect(up.models).toBeUndefined();
    expect(up.fields.find((x) => x.name === 'video_url')).toMatchObject({ control: 'media', media: { kind: 'video' } });
  });

  it('the AD film form: 1–7 images, a duration defaulting to 15 s, ratio and language selects', () => {
    const f = formOf('adFilm');
    expect(f.fields.find((x) => x.name === 'images')?.media).toMatchObject({ minItems: 1, maxItems: 7 });
    expect(f.fields.find((x) => x.name === 'duration')).toMatchObject({ control: 'number', default: 15 });
    expect(f.fields.find((x) => x.name === 'language')).toMatchObject({ control: 'select', options: ['zh', 'en'] });
  });
});
