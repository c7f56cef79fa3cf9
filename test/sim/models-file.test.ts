// The simulator accepts what the operator's models file adds (sim/config.ts loads it,
// sim/routes/generate.ts checks with requestSchemaOf) and, without it, refuses the same request the
// way Vidu refuses an unknown model or field: nothing unknown is accepted by default.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSimConfig, SimConfigError, type RunningSim } from '../../sim';
import { installModelExtensions } from '../../vidu/model-extensions';
import { api, img2video, startTestSim } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'sim-models-file-'));
const file = path.join(dir, 'models.json');
writeFileSync(
  file,
  JSON.stringify({
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
        fields: { audio_type: { type: 'enum', values: ['all', 'speech_only'] } },
      },
    },
  }),
);
const request = img2video({ model: 'viduq9-test', duration: 12, audio_type: 'all' });

let sim: RunningSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim?.close());
afterEach(() => installModelExtensions(undefined));

describe('simulator and VIDU_FLOW_MODELS_FILE', () => {
  it('refuses the added model and field without the file', async () => {
    const res = await api.post(sim, 'img2video', request);
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('FieldUnwanted');
    expect(res.body.message).toContain('unknown field "audio_type"');
    expect(res.body.message).toContain('unknown model "viduq9-test"');
  });

  it("accepts them once its configuration loads the file, with the added model's defaults and limits", async () => {
    loadSimConfig({ VIDU_FLOW_MODELS_FILE: file });
    const ok = await api.post(sim, 'img2video', request);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ model: 'viduq9-test', duration: 12, resolution: '1080p' });
    const tooLong = await api.post(sim, 'img2video', { ...request, duration: 10 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toContain('viduq9-test offers 5 or 12 s (got 10)');
    const badValue = await api.post(sim, 'img2video', { ...request, audio_type: 'music' });
    expect(badValue.status).toBe(400);
    expect(badValue.body.message).toContain('audio_type must be one of all, speech_only');
  });

  it('refuses to start on a bad file, naming the entry', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ endpoints: { img2video: { models: { q: { durations: [3] } } } } }));
    expect(() => loadSimConfig({ VIDU_FLOW_MODELS_FILE: bad })).toThrow(SimConfigError);
    expect(() => loadSimConfig({ VIDU_FLOW_MODELS_FILE: bad })).toThrow(
      /endpoints\.img2video\.models\["q"\]\.resolutions: required/,
    );
  });
});
