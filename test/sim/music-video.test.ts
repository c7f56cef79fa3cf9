// The simulator's one-click MV (sim/routes/music-video.ts): the create call Vidu documents
// (docs/vidu-api-more-endpoints.md §10.1) with its audio-length rule and the lip-sync surcharge,
// and the detail/edit/compose calls on the AD film's pattern as vidu-flow assumes them [3P/INF].
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdOneClickDetail,
  CreationsResponse,
  MusicVideoComposeResponse,
  MusicVideoCreateResponse,
  MusicVideoEditResponse,
} from '../../vidu/schemas';
import type { RunningSim } from '../../sim';
import { renderWav } from '../../sim/media/wav';
import { toDataUri } from '../helpers/media-fixtures';
import { admin, api, pngUri, startTestSim } from './helpers';

let sim: RunningSim;
let mainId: string;

beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

const song = (seconds: number) => toDataUri(renderWav(`song-${seconds}`, seconds), 'audio/wav');
const detail = async (id: string) => AdOneClickDetail.parse((await api.get(sim, `one-click/mv/${id}`)).body);

describe('one-click MV', () => {
  it('refuses what the page refuses, before creating anything: short audio, 8 images, payload, a long prompt', async () => {
    const base = { images: [pngUri()], audio_url: song(25) };
    const short = await api.post(sim, 'one-click/mv', { ...base, audio_url: song(5) });
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/audio_url/);
    const tooMany = await api.post(sim, 'one-click/mv', { ...base, images: Array(8).fill(pngUri()) });
    expect(tooMany.body).toMatchObject({ code: 400 });
    expect(tooMany.body.message).toMatch(/images/);
    expect((await api.post(sim, 'one-click/mv', { ...base, payload: 'x' })).body.message).toMatch(/payload/);
    expect((await api.post(sim, 'one-click/mv', { ...base, prompt: 'p'.repeat(3001) })).body.message).toMatch(
      /prompt must be at most 3000/,
    );
    expect((await api.post(sim, 'one-click/mv', { ...base, aspect_ratio: '21:9' })).body.message).toMatch(
      /aspect_ratio/,
    );
  });

  it('creates the MV; lip_sync charges +4 credits a second of audio; it owns footage storyboards only', async () => {
    const res = await api.post(sim, 'one-click/mv', {
      images: [pngUri()],
      audio_url: song(25),
      lip_sync: true,
      prompt: 'a singer on a rooftop',
      aspect_ratio: '9:16',
    });
    expect(res.status).toBe(200);
    const created = MusicVideoCreateResponse.parse(res.body);
    // The simulator's stand-in base (300, sim/pricing.ts) + 4 × 25 s.
    expect(created).toMatchObject({ state: 'created', credits: 400 });
    mainId = created.task_id;
    await admin.advance(sim, 61);
    const d = await detail(mainId);
    expect(d.state).toBe('success');
    // [INF] one storyboard per started 10 s of the song; no narration, no BGM.
    expect(d.data_records?.storyboards.map((s) => s.records[0]?.state)).toEqual(['success', 'success', 'success']);
    expect(d.data_records?.narration_records).toEqual([]);
    expect(d.data_records?.bgm_records).toEqual([]);
  });

  it('an AD film id is not an MV, and an MV id is not an AD film (404 both ways)', async () => {
    expect((await api.get(sim, 'one-click/mv/999999999999999999')).body).toMatchObject({ code: 404 });
    expect((await api.get(sim, `ad-one-click/${mainId}`)).body).toMatchObject({ code: 404 });
  });

  it('edit takes footage only, checks the storyboard, and appends a sub-task', async () => {
    const narration = await api.post(sim, 'one-click/mv/edit', {
      one_click_mv_task_id: mainId,
      type: 'generate_narration',
      storyboard_video_index: 0,
      prompt: 'x',
    });
    expect(narration.body).toMatchObject({ code: 400 });
    const beyond = await api.post(sim, 'one-click/mv/edit', {
      one_click_mv_task_id: mainId,
      type: 'generate_video',
      storyboard_video_index: 3,
      prompt: 'x',
    });
    expect(beyond.body).toMatchObject({ code: 400, reason: 'FieldInvalid' });
    const res = await api.post(sim, 'one-click/mv/edit', {
      one_click_mv_task_id: mainId,
      type: 'generate_video',
      storyboard_video_index: 1,
      prompt: 'rain on the lens',
    });
    const e = MusicVideoEditResponse.parse(res.body);
    expect(e).toMatchObject({ one_click_mv_task_id: mainId, state: 'created', credits: 80 });
    await admin.advance(sim, 21);
    expect((await detail(mainId)).data_records?.storyboards[1]?.records.map((r) => r.id)).toContain(e.sub_task_id);
  });

  it('compose takes one footage sub-task per storyboard and nothing else; the composition is listed', async () => {
    const sb = (await detail(mainId)).data_records!.storyboards;
    const ids = [sb[0]!.records[0]!.id, sb[1]!.records[1]!.id, sb[2]!.records[0]!.id];
    const wrong = await api.post(sim, 'one-click/mv/compose', {
      one_click_mv_task_id: mainId,
      video_task_ids: ids.slice(1),
    });
    expect(wrong.body.message).toMatch(/video_task_ids: expected 3/);
    const withBgm = await api.post(sim, 'one-click/mv/compose', {
      one_click_mv_task_id: mainId,
      video_task_ids: ids,
      bgm_task_id: ids[0],
    });
    expect(withBgm.body.message).toMatch(/bgm_task_id/);
    const c = MusicVideoComposeResponse.parse(
      (await api.post(sim, 'one-click/mv/compose', { one_click_mv_task_id: mainId, video_task_ids: ids })).body,
    );
    expect(c.credits).toBe(40);
    await admin.advance(sim, 61);
    const g = CreationsResponse.parse((await api.get(sim, `tasks/${c.compose_sub_task_id}/creations`)).body);
    expect(g.state).toBe('success');
    expect((await detail(mainId)).data_records?.completed_creation_records).toMatchObject([
      { id: c.compose_sub_task_id, params: { video_task_ids: ids } },
    ]);
  });
});
