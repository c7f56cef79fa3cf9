// The one-click music video end to end (simulator, callback receiver and worker as processes, the
// run's Temporal dev server): a lip-synced MV with a footage edit given at start, in callback mode
// and, at the same time, one in poll-only mode; the compose request the simulator received names
// footage only. The branches (review, refused edits) are in test/workflow/music-video.test.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPng } from '../../sim/media/render';
import { renderWav } from '../../sim/media/wav';
import type { MusicVideoInput } from '../../core/music-video-types';
import { startE2eEnv, type E2eEnv } from '../helpers/e2e';

const FAST_POLL = { initialSeconds: 1, factor: 1.5, maxSeconds: 2 };
const SONG_SECONDS = 25;

let dir: string;
let env: E2eEnv;
let input: (waitMode: 'callback' | 'poll') => MusicVideoInput;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-mv-'));
  const singer = path.join(dir, 'singer.png');
  const song = path.join(dir, 'song.wav');
  await writeFile(singer, renderPng('singer', { width: 720, height: 1280 }));
  await writeFile(song, renderWav('song', SONG_SECONDS));
  input = (waitMode) => ({
    request: {
      images: [singer],
      audio_url: song,
      lip_sync: true,
      prompt: 'a singer on a rooftop',
      aspect_ratio: '9:16',
    },
    edits: [{ type: 'video', storyboard: 1, prompt: 'rain on the lens' }],
    options: { waitMode, poll: FAST_POLL },
  });
  env = await startE2eEnv('music-video', dir, { simEnv: { VIDU_SIM_TIME_SCALE: '60' } });
});

afterAll(async () => {
  await env?.stack.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

describe('musicVideo end to end', () => {
  it('callback and poll mode: staged song, lip-sync charge, edit, compose of footage only, archive', async () => {
    const started = Date.now();
    const [viaCallback, viaPoll] = await Promise.all([
      env.client.startMusicVideo(input('callback')),
      env.client.startMusicVideo(input('poll')),
    ]);
    const results = await Promise.all([viaCallback.result(), viaPoll.result()]);
    console.log(
      `[music-video e2e] two MVs (callback, poll) composed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const composeBodies = (await env.sim.requests())
      .filter((r) => r.endpoint === 'mv-compose' && r.status === 200)
      .map((r) => r.body as Record<string, unknown>);
    for (const result of results) {
      expect(result).not.toHaveProperty('bgmTaskId');
      expect(result.edits).toEqual([expect.objectContaining({ state: 'success' })]);
      expect(result.videoTaskIds).toHaveLength(3); // [INF] the simulator: one storyboard per started 10 s
      expect(result.videoTaskIds[1]).toBe(result.edits[0]?.subTaskIds.at(-1));
      // The simulator's stand-ins (sim/pricing.ts): 300 + 4 × 25 s lip sync, the edit 80, compose 40.
      expect(result.credits).toBe(300 + 4 * SONG_SECONDS + 80 + 40);
      expect(result.archive?.files.length).toBeGreaterThan(0);
      const body = composeBodies.find((b) => b.one_click_mv_task_id === result.taskId);
      expect(body).toBeDefined();
      expect(Object.keys(body ?? {}).sort()).toEqual(
        expect.arrayContaining(['one_click_mv_task_id', 'video_task_ids']),
      );
      expect(body).not.toHaveProperty('bgm_task_id');
      expect(body?.video_task_ids).toEqual(result.videoTaskIds);
    }
    // Poll mode registered no callback with the simulator.
    const creates = (await env.sim.requests()).filter((r) => r.endpoint === 'one-click-mv' && r.status === 200);
    expect(creates.map((r) => 'callback_url' in (r.body as object)).sort()).toEqual([false, true]);
  });
});
