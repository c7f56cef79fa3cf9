// The length of every accepted audio format is read before submission (vidu/media/audio-duration.ts
// through probeFile; WAV from its header), and lip-sync's documented 1–600 s rule
// (vidu/endpoints/lip-sync.ts) is applied to each: the stage activity refuses a too-long MP3, M4A,
// Ogg or WAV naming the field and the limit, before any credit is spent. The files are real files
// of each format, written by test/helpers/audio-fixtures.ts (no encoder is guaranteed here).
import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStageInputs } from '../../activities/stage';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { createGuardedFetch } from '../../platform/net/guarded-fetch';
import { StagingStore } from '../../platform/stores/staging-store';
import { renderWav } from '../../sim/media/wav';
import { probeFile } from '../../vidu/media/probe-file';
import { makeM4a, makeMp3, makeOgg } from '../helpers/audio-fixtures';
import { makeMp4, toDataUri } from '../helpers/media-fixtures';
import { api, startTestSim } from '../sim/helpers';

const FORMATS = {
  mp3: makeMp3,
  m4a: makeM4a,
  ogg: makeOgg,
  wav: (seconds: number) => renderWav('voice', seconds),
} as const;
type Format = keyof typeof FORMATS;

let tmp: string;
const fileOf = (format: Format, seconds: number) => path.join(tmp, `${seconds}s.${format}`);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-audio-duration-'));
  for (const [format, make] of Object.entries(FORMATS))
    for (const seconds of [0.5, 3, 700]) await writeFile(fileOf(format as Format, seconds), make(seconds));
  await writeFile(path.join(tmp, 'face.mp4'), makeMp4({ durationSeconds: 3, width: 640, height: 360 }));
});

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('probeFile reads the length of every accepted audio format', () => {
  it.each(Object.keys(FORMATS) as Format[])('%s', async (format) => {
    for (const seconds of [3, 700]) {
      const t0 = performance.now();
      const probe = await probeFile(fileOf(format, seconds), statSync(fileOf(format, seconds)).size);
      const ms = performance.now() - t0;
      expect(probe).toMatchObject({ kind: 'audio', format });
      // MP3 frames are 72 ms: the written length is the nearest whole number of frames.
      expect(probe.durationSeconds).toBeCloseTo(seconds, format === 'mp3' ? 1 : 3);
      console.log(
        `[audio-duration] ${format} ${seconds} s: read ${probe.durationSeconds?.toFixed(3)} s in ${ms.toFixed(1)} ms`,
      );
    }
  });
});

describe("the stage activity applies lip-sync's 1–600 s audio rule to every format", () => {
  const stageInputs = () =>
    makeStageInputs({
      staging: new StagingStore(path.join(tmp, 'staging')),
      inputRoots: [tmp],
      fetch: createGuardedFetch({ policy: parseAllowPrivate('127.0.0.1') }),
      ownership: async () => ({ owner: 'operator', callerText: true }),
    });
  const stage = (audio: string) =>
    stageInputs()({
      kind: 'lipSync',
      workflowId: `audio-${path.basename(audio)}`,
      request: { video_url: path.join(tmp, 'face.mp4'), audio_url: audio },
    });

  it.each(Object.keys(FORMATS) as Format[])(
    '%s: too long and too short are refused naming the field and the limit; 3 s is staged',
    async (format) => {
      await expect(stage(fileOf(format, 700))).rejects.toThrow(
        /audio_url: audio lasts 700(\.0+)? s; lip-sync accepts 1–600 s/,
      );
      await expect(stage(fileOf(format, 0.5))).rejects.toThrow(
        /audio_url: audio lasts 0\.\d+ s; lip-sync accepts 1–600 s/,
      );
      const staged = await stage(fileOf(format, 3));
      expect(staged.media.find((m) => m.field === 'audio_url')).toMatchObject({ format });
      expect(staged.media.find((m) => m.field === 'audio_url')?.durationSeconds).toBeCloseTo(3, 1);
    },
  );

  it('leaves a file the library cannot read to Vidu rather than guessing (the headers give no length)', async () => {
    // An MP3 that is only an ID3 tag: recognised as MP3, no frames, so no length to judge.
    const tagOnly = Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0, 0, 0, 0, 0])]);
    const file = path.join(tmp, 'tag-only.mp3');
    await writeFile(file, tagOnly);
    const probe = await probeFile(file, tagOnly.length);
    expect(probe).toMatchObject({ kind: 'audio', format: 'mp3' });
    expect(probe.durationSeconds).toBeUndefined();
  });
});

describe("the simulator judges every audio format's length, as Vidu does", () => {
  it.each(['mp3', 'm4a', 'ogg'] as const)(
    '%s: 700 s is refused with PageSizeOutOfRange, 3 s is taken',
    async (format) => {
      const sim = await startTestSim();
      try {
        const mime = { mp3: 'audio/mpeg', m4a: 'audio/mp4', ogg: 'audio/ogg' }[format];
        const video = toDataUri(makeMp4({ durationSeconds: 3, width: 640, height: 360 }), 'video/mp4');
        const tooLong = await api.post(sim, 'lip-sync', {
          video_url: video,
          audio_url: toDataUri(FORMATS[format](700), mime),
        });
        expect(tooLong.status).toBe(400);
        expect(tooLong.body).toMatchObject({ reason: 'PageSizeOutOfRange' });
        expect(tooLong.body.message).toMatch(/audio_url: audio lasts 700(\.0+)? s; lip-sync accepts 1–600 s/);
        const ok = await api.post(sim, 'lip-sync', {
          video_url: video,
          audio_url: toDataUri(FORMATS[format](3), mime),
        });
        expect(ok.status).toBe(200);
      } finally {
        await sim.close();
      }
    },
  );
});
