// End to end, every endpoint added from docs/vidu-api-more-endpoints.md (text2video, startEnd2video,
// multiframe, upscale, text2audio, audioTts, template, extend, lipSync, templateStory, timing2audio,
// audioClone) in callback and poll-only mode on
// one stack (simulator, callback receiver and worker as processes); then the follow-ups: a
// generation that asks for an upscale of its result, and an extend of an earlier result given as
// vidu-flow:<workflowId>/<creationId>. Each endpoint's bad-input table is in
// test/unit/vidu-endpoints.test.ts; here one bad input per kind shows the client refuses it before
// starting anything.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidGenerationInput, type ViduFlowClient } from '../../client';
import type { Stack } from '../../dev/stack';
import { renderMp4, renderPng } from '../../sim/media/render';
import { renderWav } from '../../sim/media/wav';
import { ENDPOINTS, type EndpointSpec } from '../../vidu/endpoints';
import type { GenerationKind, GenerationResult } from '../../core/generation-types';
import { startE2eEnv, type E2eEnv } from '../helpers/e2e';
import { withinOrReport } from '../helpers/stuck-report';
import type { SimAdmin } from '../../sim/admin-client';

const FAST_POLL = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };
const NEW_KINDS = [
  'text2video',
  'startEnd2video',
  'multiframe',
  'upscale',
  'text2audio',
  'audioTts',
  'template',
  'extend',
  'lipSync',
  'templateStory',
  'timing2audio',
  'audioClone',
] as const;

let stack: Stack;
let client: ViduFlowClient;
let sim: SimAdmin;
let env: E2eEnv;
let dir: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-e2e-more-'));
  const fixtures: Record<string, Buffer> = {
    'start.png': renderPng('start', { width: 640, height: 360 }),
    'end.png': renderPng('end', { width: 600, height: 360 }),
    'square.png': renderPng('square', { width: 320, height: 320 }),
    'clip.mp4': renderMp4('clip', { durationSeconds: 5, width: 320, height: 180 }),
    'face.mp4': renderMp4('face', { durationSeconds: 2, width: 640, height: 360 }),
    'voice.wav': renderWav('voice', 2),
    'story.png': renderPng('story', { width: 360, height: 640 }),
    'clone.wav': renderWav('clone', 12),
  };
  for (const [name, bytes] of Object.entries(fixtures)) {
    files[name] = path.join(dir, name);
    await writeFile(files[name]!, bytes);
  }
  env = await startE2eEnv('more-endpoints', dir, { simEnv: { VIDU_SIM_TIME_SCALE: '60' } });
  ({ stack, client, sim } = env);
});

afterAll(async () => {
  await stack?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

let clones = 0;
function requestFor(kind: (typeof NEW_KINDS)[number]): Record<string, unknown> {
  switch (kind) {
    case 'text2video':
      return { model: 'viduq2', prompt: 'a lighthouse at dusk', duration: 4, aspect_ratio: '9:16' };
    case 'startEnd2video':
      return {
        model: 'viduq2-turbo',
        images: [files['start.png'], files['end.png']],
        prompt: 'day turns to night',
        duration: 3,
      };
    case 'multiframe':
      return {
        model: 'viduq2-pro',
        start_image: files['start.png'],
        image_settings: [
          { key_image: files['end.png'], duration: 2 },
          { key_image: files['start.png'], prompt: 'and back' },
        ],
      };
    case 'upscale':
      return { video_url: files['clip.mp4'], upscale_resolution: '2K' };
    case 'text2audio':
      return { model: 'audio1.0', prompt: 'rain on a tin roof', duration: 3 };
    case 'audioTts':
      return { text: 'Hello from vidu-flow.', voice_setting_voice_id: 'female-1' };
    case 'template':
      return { template: 'hugging', images: [files['square.png']], prompt: 'two friends hug' };
    case 'extend':
      return { model: 'viduq2-turbo', video_url: files['clip.mp4'], duration: 2 };
    case 'lipSync':
      return { video_url: files['face.mp4'], audio_url: files['voice.wav'] };
    case 'templateStory':
      return { story: 'love_story', images: [files['story.png']] };
    case 'timing2audio':
      return { model: 'audio1.0', duration: 3, timing_prompts: [{ from: 0, to: 2, prompt: 'a door creaks' }] };
    case 'audioClone':
      // A voice_id is unique on the account: one name per run.
      return { audio_url: files['clone.wav'], voice_id: `narrator-0${++clones}`, text: 'Hello in my own voice.' };
  }
}

/** One bad request per kind: the client refuses it (InvalidGenerationInput) and starts nothing. */
const BAD: Record<(typeof NEW_KINDS)[number], [Record<string, unknown>, RegExp]> = {
  text2video: [{ model: 'viduq1', prompt: 'p', duration: 8 }, /duration: viduq1 offers 5 s only/],
  startEnd2video: [{ model: 'viduq1', images: ['https://example.com/a.png'] }, /images must contain exactly 2 images/],
  multiframe: [{ model: 'viduq2-pro', start_image: 'https://example.com/a.png', image_settings: [] }, /2–9 key frames/],
  upscale: [{ upscale_resolution: '4K' }, /video_url is required unless video_creation_id/],
  text2audio: [{ model: 'audio1.0', prompt: '' }, /prompt is required/],
  audioTts: [{ text: 'hi', voice_setting_voice_id: 'v', voice_setting_pitch: 20 }, /voice_setting_pitch/],
  template: [
    { template: 'hugging', images: ['https://example.com/a.png'], beast: 'wolf' },
    /beast applies to template beast_companion only/,
  ],
  extend: [
    { model: 'viduq2-pro', video_url: 'vidu-flow:no-such-workflow' },
    /must look like vidu-flow:<workflowId>\/<creationId>/,
  ],
  lipSync: [{ video_url: 'https://example.com/face.mp4' }, /audio_url is required unless text is sent/],
  templateStory: [
    { story: 'love_story', images: ['https://example.com/a.png'], prompt: 'p' },
    /unknown field "prompt"/,
  ],
  timing2audio: [
    { model: 'audio1.0', duration: 2, timing_prompts: [{ from: 1, to: 3, prompt: 'x' }] },
    /at most the duration, 2 s/,
  ],
  audioClone: [{ audio_url: 'https://example.com/v.mp3', voice_id: 'narrator_', text: 'hi' }, /voice_id must start/],
};

async function expectArchived(result: GenerationResult): Promise<void> {
  const archive = result.archive!;
  expect(archive.files.length).toBeGreaterThanOrEqual(result.creations.length);
  const simRecord = JSON.stringify(await sim.task(result.taskId));
  for (const file of archive.files) {
    const bytes = await readFile(file.location);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    expect(simRecord).toContain(file.sha256);
  }
}

describe('the new endpoints end to end', () => {
  it('runs every new kind in callback and poll-only mode, then an upscale follow-up and an extend of an earlier result', async () => {
    const t0 = Date.now();
    const runs = NEW_KINDS.flatMap((kind) =>
      (['callback', 'poll'] as const).map(async (waitMode) => {
        const handle = await client.start(kind, { request: requestFor(kind), options: { waitMode, poll: FAST_POLL } });
        // Each finishes in seconds (24 in 12–16 s on 2 cores); one hung to the test's timeout once in
        // CI with nothing printed, so past 60 s the failure says where that workflow stands.
        const result = await withinOrReport(env, handle.workflowId, handle.result(), 60_000);
        return { kind, waitMode, result, status: await handle.status() };
      }),
    );
    const done = await Promise.all(runs);
    for (const { kind, waitMode, result, status } of done) {
      expect(result.kind).toBe(kind);
      expect(result.state).toBe('success');
      // audio-tts documents no callback_url: vidu-flow polls it whatever the mode.
      expect(status.waitMode).toBe((ENDPOINTS[kind] as EndpointSpec).noCallbacks ? 'poll' : waitMode);
      const main = result.archive!.files.find((f) => f.role !== 'cover')!;
      expect(main.role).toBe(ENDPOINTS[kind].result.media);
      await expectArchived(result);
    }
    console.log(`[more-endpoints] ${done.length} generations in ${Date.now() - t0} ms`);

    // audio-clone's result is a voice: sent to Vidu under the owner's prefix (here the operator's),
    // recorded in the result, and usable as clone:<name> in audio-tts (README "The tenant model").
    for (const { result } of done.filter((d) => d.kind === 'audioClone')) {
      const task = (await sim.task(result.taskId)) as { request?: Record<string, unknown> };
      const name = result.voice!.voiceId.replace(/^clone:/, '');
      expect(result.voice).toEqual({ voiceId: `clone:${name}`, viduVoiceId: task.request?.voice_id });
      expect(result.voice!.viduVoiceId).toMatch(new RegExp(`^vf-[0-9a-f]{12}-${name}$`));
    }
    const voice = done.find((d) => d.kind === 'audioClone')!.result.voice!;
    const speak = await client.start('audioTts', {
      request: { text: 'Spoken in the cloned voice.', voice_setting_voice_id: voice.voiceId },
      options: { poll: FAST_POLL },
    });
    const spoken = (await sim.task((await withinOrReport(env, speak.workflowId, speak.result(), 60_000)).taskId)) as {
      request?: Record<string, unknown>;
    };
    expect(spoken.request?.voice_setting_voice_id).toBe(voice.viduVoiceId);
    // Cloning a name this owner already used: Vidu refuses it (409 Conflict), before any credit.
    const twice = await client.start('audioClone', {
      request: { audio_url: files['clone.wav'], voice_id: voice.voiceId.replace(/^clone:/, ''), text: 'Again.' },
      options: { poll: FAST_POLL },
    });
    const refused = await withinOrReport(env, twice.workflowId, twice.result(), 60_000).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(refused).toBeDefined();
    const twiceStatus = await twice.status();
    console.log(`[more-endpoints] a voice cloned twice: ${twiceStatus.failureType}: ${twiceStatus.error}`);
    expect(twiceStatus.state).toBe('not_submitted');

    // A generation that asks for an upscale of its result: a child `upscale` workflow, archived beside it.
    const t1 = Date.now();
    const withUpscale = await client.start('text2video', {
      request: { model: 'viduq1', prompt: 'a red kite' },
      options: { poll: FAST_POLL, upscale: { resolution: '4K' } },
    });
    const first = await withinOrReport(env, withUpscale.workflowId, withUpscale.result(), 60_000);
    expect(first.upscale?.kind).toBe('upscale');
    expect(first.upscale?.workflowId).toBe(`${withUpscale.workflowId}~upscale`);
    expect(path.dirname(first.upscale!.archive!.root)).toBe(path.dirname(first.archive!.root));
    const upscaleTask = await sim.task(first.upscale!.taskId);
    expect(JSON.stringify(upscaleTask)).toContain(first.creations[0]!.id);
    await expectArchived(first.upscale as GenerationResult);

    // Extend that result by reference: resolved at stage time to Vidu's creation id.
    const ext = await client.start('extend', {
      request: {
        model: 'viduq2-pro',
        video_url: `vidu-flow:${withUpscale.workflowId}/${first.creations[0]!.id}`,
        duration: 3,
      },
      options: { poll: FAST_POLL },
    });
    const extended = await withinOrReport(env, ext.workflowId, ext.result(), 60_000);
    const extTask = (await sim.task(extended.taskId)) as {
      request?: Record<string, unknown>;
      durationSeconds?: number;
    };
    expect(extTask.request?.video_creation_id).toBe(first.creations[0]!.id);
    expect(extTask.request?.video_url).toBeUndefined();
    expect(extTask.durationSeconds).toBe(5 + 3);
    console.log(`[more-endpoints] upscale follow-up and extend by reference in ${Date.now() - t1} ms`);

    // An unknown reference fails at stage, before anything reaches Vidu.
    const missing = await client.start('extend', {
      request: { model: 'viduq2-pro', video_url: `vidu-flow:${withUpscale.workflowId}/1234` },
    });
    await expect(missing.result()).rejects.toThrow();
    expect((await missing.status()).error ?? (await missing.status()).phase).toBeDefined();
  });

  it('refuses one bad input per new kind before starting anything', async () => {
    for (const kind of NEW_KINDS) {
      const [request, message] = BAD[kind];
      const err = await client.start(kind as GenerationKind, { request }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, kind).toBeInstanceOf(InvalidGenerationInput);
      expect((err as Error).message, kind).toMatch(message);
    }
  });
});
