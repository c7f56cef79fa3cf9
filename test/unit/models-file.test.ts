// The operator's models file (vidu/models-file.ts, platform/config/models-file.ts): its checks name
// the entry and the rule, and once installed the request checks every process runs
// (contract/generation-input.ts, the simulator's schema via requestSchemaOf) judge what it adds
// like built-in models and fields; without it, the same requests are refused with the hint.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkGenerationInput } from '../../contract/generation-input';
import { ConfigError } from '../../platform/config/env';
import { loadModelsFile } from '../../platform/config/models-file';
import { loadApiConfig } from '../../api/config';
import { loadWorkerConfig } from '../../worker/config';
import { installModelExtensions } from '../../vidu/model-extensions';
import { applyModelDefaults, modelsFor } from '../../vidu/models';
import { compileModelsFile } from '../../vidu/models-file';
import { requestSchemaOf } from '../../vidu/request-schemas';

const IMG = 'https://example.com/a.png';
const I2V = { model: 'viduq9-test', images: [IMG], prompt: 'p' };

const FILE = {
  endpoints: {
    img2video: {
      models: {
        'viduq9-test': {
          like: 'viduq2',
          durations: [5, 12],
          resolutions: ['720p', '1080p'],
          defaultResolution: '1080p',
        },
      },
      fields: {
        audio_type: { type: 'enum', values: ['all', 'speech_only'] },
        style_strength: { type: 'number', integer: true, min: 0, max: 10 },
      },
    },
    reference2image: { models: { 'viduq9-image': { like: 'viduq2', maxImages: 10 } } },
    text2audio: { models: { 'audio9.0': {} } },
  },
};

function problemsOf(raw: unknown): string[] {
  const r = compileModelsFile(raw, 'models.json');
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

function install(raw: unknown = FILE): void {
  const r = compileModelsFile(raw, 'models.json');
  if (!r.ok) throw new Error(r.problems.join('\n'));
  installModelExtensions(r.extensions);
}

afterEach(() => installModelExtensions(undefined));

describe('compileModelsFile', () => {
  it('accepts the example file', () => {
    expect(compileModelsFile(FILE, 'models.json').ok).toBe(true);
  });

  it.each([
    [
      'an unknown endpoint',
      { endpoints: { img3video: { models: { x: {} } } } },
      'models.json: endpoints.img3video: not an endpoint vidu-flow runs; expected one of img2video',
    ],
    [
      'a built-in model',
      { endpoints: { img2video: { models: { viduq2: { like: 'viduq1' } } } } },
      'endpoints.img2video.models["viduq2"]: viduq2 is a built-in model of img2video',
    ],
    [
      'a video model without durations',
      { endpoints: { img2video: { models: { q: { resolutions: ['720p'] } } } } },
      'endpoints.img2video.models["q"].durations: required',
    ],
    [
      'a default duration it does not offer',
      { endpoints: { img2video: { models: { q: { durations: [4, 8], defaultDuration: 5, resolutions: ['720p'] } } } } },
      'endpoints.img2video.models["q"].defaultDuration: 5 is not one of its durations (4, 8)',
    ],
    [
      'a default resolution it does not offer',
      {
        endpoints: { img2video: { models: { q: { durations: [4], resolutions: ['720p'], defaultResolution: '4K' } } } },
      },
      'endpoints.img2video.models["q"].defaultResolution: "4K" is not one of its resolutions (720p)',
    ],
    [
      'a duration no rule covers',
      {
        endpoints: {
          img2video: {
            models: {
              q: {
                durations: [4, 8],
                resolutionRules: [{ durations: [4], resolutions: ['720p'], defaultResolution: '720p' }],
              },
            },
          },
        },
      },
      'endpoints.img2video.models["q"].resolutionRules: no rule covers its duration 8 s',
    ],
    [
      'an image constraint on a video model',
      { endpoints: { img2video: { models: { q: { like: 'viduq2', maxImages: 3 } } } } },
      'endpoints.img2video.models["q"].maxImages: not a constraint of img2video models',
    ],
    [
      'a like that is not built in',
      { endpoints: { reference2image: { models: { q: { like: 'viduq7' } } } } },
      'endpoints.reference2image.models["q"].like: "viduq7" is not a built-in model of reference2image',
    ],
    [
      'more minimum than maximum images',
      { endpoints: { reference2image: { models: { q: { like: 'viduq2', minImages: 5, maxImages: 2 } } } } },
      'endpoints.reference2image.models["q"].minImages: 5 is more than maxImages 2',
    ],
    [
      'models for an endpoint that takes none',
      { endpoints: { upscale: { models: { q: {} } } } },
      'endpoints.upscale.models: upscale takes no model',
    ],
    [
      'a field that is built in',
      { endpoints: { img2video: { fields: { seed: { type: 'number' } } } } },
      'endpoints.img2video.fields["seed"]: seed is a built-in field of img2video',
    ],
    [
      'a field name that is not snake case',
      { endpoints: { img2video: { fields: { __proto__x: { type: 'boolean' } } } } },
      'endpoints.img2video.fields["__proto__x"]: a field name is lower-case snake case',
    ],
    [
      'a pattern that is not a regular expression',
      { endpoints: { img2video: { fields: { tag: { type: 'string', pattern: '(' } } } } },
      'endpoints.img2video.fields["tag"].pattern: not a regular expression',
    ],
    [
      'a field type it does not know',
      { endpoints: { img2video: { fields: { tag: { type: 'date' } } } } },
      'models.json: endpoints.img2video.fields.tag.type',
    ],
    ['an unknown key at the top', { endpoints: {}, extra: 1 }, 'models.json: (file)'],
  ])('refuses %s, naming the entry', (_name, raw, problem) => {
    expect(problemsOf(raw).join('\n')).toContain(problem);
  });
});

describe('requests with the file installed', () => {
  it('accepts the added model within its own constraints and refuses it outside them', () => {
    expect(checkGenerationInput('img2video', { request: I2V })).toEqual([
      `model: unknown model "viduq9-test" for img2video; expected one of viduq3-pro, viduq3-turbo, viduq2, viduq2-pro, viduq2-turbo, viduq2-pro-fast, viduq1, viduq1-classic, vidu2.0, vidu1.5; to allow it, add "viduq9-test" under endpoints.img2video.models in the models file (VIDU_FLOW_MODELS_FILE; README "New models without a release")`,
    ]);
    install();
    expect(modelsFor('img2video')).toContain('viduq9-test');
    expect(checkGenerationInput('img2video', { request: { ...I2V, duration: 12 } })).toEqual([]);
    expect(checkGenerationInput('img2video', { request: { ...I2V, duration: 7 } })).toEqual([
      'duration: viduq9-test offers 5 or 12 s (got 7)',
    ]);
    expect(checkGenerationInput('img2video', { request: { ...I2V, duration: 12, resolution: '540p' } })).toEqual([
      'resolution: viduq9-test at 12 s offers 720p, 1080p (got 540p)',
    ]);
    // The defaults the simulator applies come from the added row too.
    expect(applyModelDefaults('img2video', { ...I2V })).toMatchObject({ duration: 5, resolution: '1080p' });
  });

  it('checks image counts of an added image model', () => {
    install();
    const images = (n: number) => Array.from({ length: n }, () => IMG);
    expect(
      checkGenerationInput('reference2image', { request: { model: 'viduq9-image', images: images(10), prompt: 'p' } }),
    ).toEqual([]);
    expect(
      checkGenerationInput('reference2image', { request: { model: 'viduq9-image', images: images(11), prompt: 'p' } }),
    ).toEqual(['images: images must contain at most 10 images (got 11)']);
    // The wider list is no licence for the built-in models: each keeps its own count.
    expect(
      checkGenerationInput('reference2image', { request: { model: 'viduq2', images: images(9), prompt: 'p' } }),
    ).toEqual(['images: viduq2 needs 0–7 images (got 9)']);
    expect(checkGenerationInput('text2audio', { request: { model: 'audio9.0', prompt: 'rain' } })).toEqual([]);
  });

  it('accepts the allowed fields with their types and refuses any other unknown field with the hint', () => {
    const withField = { ...I2V, model: 'viduq2', audio_type: 'all' };
    expect(checkGenerationInput('img2video', { request: withField })).toEqual([
      'audio_type: unknown field "audio_type" is not accepted by img2video; to allow it, add "audio_type" under endpoints.img2video.fields in the models file (VIDU_FLOW_MODELS_FILE; README "New models without a release")',
    ]);
    install();
    expect(checkGenerationInput('img2video', { request: withField })).toEqual([]);
    expect(requestSchemaOf('img2video').parse(withField)).toMatchObject({ audio_type: 'all' });
    expect(checkGenerationInput('img2video', { request: { ...withField, audio_type: 'music' } })).toEqual([
      'audio_type: audio_type must be one of all, speech_only (got "music")',
    ]);
    expect(checkGenerationInput('img2video', { request: { ...withField, style_strength: 11 } })).toEqual([
      'style_strength: style_strength must be at most 10 (got 11)',
    ]);
    expect(checkGenerationInput('img2video', { request: { ...withField, style: 'anime' } })[0]).toMatch(
      /^style: unknown field "style" is not accepted by img2video; to allow it, add "style" under endpoints\.img2video\.fields/,
    );
    // A field allowed on one endpoint is still unknown to another.
    expect(
      checkGenerationInput('text2video', { request: { model: 'viduq2', prompt: 'p', audio_type: 'all' } })[0],
    ).toContain('under endpoints.text2video.fields');
    // The built-in rules still hold next to the added fields.
    expect(checkGenerationInput('img2video', { request: { ...withField, duration: 99 } })).toEqual([
      'duration: viduq2 offers 1–10 s (got 99)',
    ]);
  });

  it('a nested unknown field gets no hint: the file adds top-level fields only', () => {
    install();
    const req = { model: 'viduq2', prompt: 'p', subjects: [{ name: 'a', images: [IMG], role: 'hero' }] };
    const lines = checkGenerationInput('reference2video', { request: req });
    expect(lines.join('\n')).toContain('subjects[0].role: unknown field "role"');
    expect(lines.join('\n')).not.toContain('models file');
  });
});

describe('loadModelsFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'models-file-'));

  it('installs nothing without the variable', () => {
    expect(loadModelsFile({})).toBeUndefined();
    expect(modelsFor('img2video')).not.toContain('viduq9-test');
  });

  it('installs a good file', () => {
    const file = path.join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(FILE));
    expect(loadModelsFile({ VIDU_FLOW_MODELS_FILE: file })?.file).toBe(file);
    expect(modelsFor('img2video')).toContain('viduq9-test');
  });

  it.each([
    ['a missing file', 'missing.json', undefined, /VIDU_FLOW_MODELS_FILE: .*missing\.json cannot be read \(ENOENT\)/],
    ['a file that is not JSON', 'bad.json', '{ endpoints', /VIDU_FLOW_MODELS_FILE: .*bad\.json is not JSON/],
    [
      'a file with a bad entry',
      'entry.json',
      JSON.stringify({ endpoints: { img2video: { models: { viduq2: {} } } } }),
      /VIDU_FLOW_MODELS_FILE: .*entry\.json: endpoints\.img2video\.models\["viduq2"\]: viduq2 is a built-in model/,
    ],
  ])('stops the start on %s, naming the variable and the file', (_name, name, text, message) => {
    const file = path.join(dir, name);
    if (text !== undefined) writeFileSync(file, text);
    let error: unknown;
    try {
      loadModelsFile({ VIDU_FLOW_MODELS_FILE: file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(message);
  });

  it("is loaded by the worker's and the API's configuration, with their other problems in one report", () => {
    const bad = path.join(dir, 'config-bad.json');
    writeFileSync(bad, JSON.stringify({ endpoints: { img2video: { models: { viduq2: {} } } } }));
    const worker = () =>
      loadWorkerConfig({ VIDU_API_KEY: 'k'.repeat(20), VIDU_FLOW_MODELS_FILE: bad, VIDU_HTTP_TIMEOUT_MS: 'soon' });
    expect(worker).toThrow(ConfigError);
    expect(worker).toThrow(/VIDU_HTTP_TIMEOUT_MS[\s\S]*VIDU_FLOW_MODELS_FILE: .*viduq2 is a built-in model/);
    // No keys file either: both problems are reported at once.
    expect(() => loadApiConfig({ VIDU_FLOW_MODELS_FILE: bad })).toThrow(
      /VIDU_FLOW_MODELS_FILE: .*viduq2 is a built-in model/,
    );
    const good = path.join(dir, 'config-good.json');
    writeFileSync(good, JSON.stringify(FILE));
    installModelExtensions(undefined);
    loadWorkerConfig({ VIDU_API_KEY: 'k'.repeat(20), VIDU_FLOW_MODELS_FILE: good });
    expect(modelsFor('img2video')).toContain('viduq9-test');
  });
});
