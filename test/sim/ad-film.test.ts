import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdComposeResponse,
  AdEditResponse,
  AdOneClickCreateResponse,
  AdOneClickDetail,
  CreationsResponse,
} from '../../vidu/schemas';
import type { RunningSim } from '../../sim';
import { admin, api, pngUri, startTestSim } from './helpers';

let sim: RunningSim;
let mainId: string;

beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

const detail = async (id: string) => (await api.get(sim, `ad-one-click/${id}`)).body;

async function edit(body: Record<string, unknown>) {
  return api.post(sim, 'ad-one-click/edit', { ad_one_click_task_id: mainId, ...body });
}

describe('AD film', () => {
  it('creates a main task that runs the state machine; edits need it finished', async () => {
    const res = await api.post(sim, 'ad-one-click', {
      images: [pngUri()],
      prompt: 'a sneaker ad',
      duration: 15,
      language: 'en',
    });
    expect(res.status).toBe(200);
    const created = AdOneClickCreateResponse.parse(res.body);
    expect(created).toMatchObject({
      state: 'created',
      duration: 15,
      aspect_ratio: '16:9',
      language: 'en',
      credits: 400,
    }); // the sim's AD-film stand-in (sim/pricing.ts)
    mainId = created.task_id;

    await admin.advance(sim, 30);
    expect((await api.get(sim, `tasks/${mainId}/creations`)).body.state).toBe('processing');
    const early = await edit({ type: 'generate_bgm', prompt: 'jazz' });
    expect(early.body).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(early.body.message).toContain('processing');
    // Before success the detail has no records yet.
    expect(AdOneClickDetail.parse(await detail(mainId)).data_records?.storyboards).toEqual([]);

    await admin.advance(sim, 31);
    const g = CreationsResponse.parse((await api.get(sim, `tasks/${mainId}/creations`)).body);
    expect(g).toMatchObject({ state: 'success', progress: 100, bgm: true });
    expect(g.creations).toHaveLength(1);
  });

  it('a successful main task owns 3 storyboards (15 s), one narration and one BGM record', async () => {
    const raw = await detail(mainId);
    expect(raw.data_records.storyboards.map((s: { stroyboard_id: number }) => s.stroyboard_id)).toEqual([0, 1, 2]);
    const d = AdOneClickDetail.parse(raw);
    expect(d).toMatchObject({ id: mainId, state: 'success', err_code: '' });
    const records = d.data_records!;
    for (const sb of records.storyboards) {
      expect(sb.records).toHaveLength(1);
      expect(sb.records[0]).toMatchObject({ type: 'generate_video', state: 'success', err_code: '' });
      expect(sb.records[0]!.prompt).toContain('a sneaker ad');
      expect((await fetch(sb.records[0]!.creation_url!)).status).toBe(200);
    }
    expect(records.narration_records).toMatchObject([{ type: 'generate_narration', state: 'success' }]);
    expect(records.bgm_records).toMatchObject([{ type: 'generate_bgm', state: 'success' }]);
    expect(records.completed_creation_records).toEqual([]);
    // Footage sub-task ids work with Get Generation.
    const clip = CreationsResponse.parse(
      (await api.get(sim, `tasks/${records.storyboards[1]!.records[0]!.id}/creations`)).body,
    );
    expect(clip.creations[0]!.video?.duration).toBe(5);
  });

  it('edit validates the main task and the storyboard index', async () => {
    expect(
      (
        await api.post(sim, 'ad-one-click/edit', {
          ad_one_click_task_id: '999999999999999999',
          type: 'generate_bgm',
          prompt: 'x',
        })
      ).body,
    ).toMatchObject({
      code: 404,
      reason: 'TaskNotFound',
    });
    const out = await edit({ type: 'generate_video', storyboard_video_index: 3, prompt: 'x' });
    expect(out.body).toMatchObject({ code: 400, reason: 'FieldInvalid' });
    expect(out.body.message).toMatch(/^storyboard_video_index: 3/);
    expect((await edit({ type: 'generate_video', prompt: 'x' })).body).toMatchObject({
      code: 400,
      reason: 'FieldLacking',
    });
  });

  it('edit appends a new sub-task that runs as its own task, callbacks and all', async () => {
    const res = await edit({ type: 'generate_video', storyboard_video_index: 1, prompt: 'closer on the logo' });
    expect(res.status).toBe(200);
    const e = AdEditResponse.parse(res.body);
    expect(e).toMatchObject({ ad_one_click_task_id: mainId, state: 'created', err_code: '', credits: 80 });
    const records = AdOneClickDetail.parse(await detail(mainId)).data_records!;
    expect(records.storyboards[1]!.records.map((r) => r.id)).toHaveLength(2);
    expect(records.storyboards[1]!.records[1]).toMatchObject({
      id: e.sub_task_id,
      state: 'created',
      prompt: 'closer on the logo',
      creation_url: '',
    });
    await admin.advance(sim, 21);
    const g = CreationsResponse.parse((await api.get(sim, `tasks/${e.sub_task_id}/creations`)).body);
    expect(g.state).toBe('success');
    expect(g.creations[0]!.video?.duration).toBe(5);
  });

  it('compose refuses a wrong count, a non-success record and an id from another storyboard', async () => {
    const r = AdOneClickDetail.parse(await detail(mainId)).data_records!;
    const first = r.storyboards.map((s) => s.records[0]!.id);
    const base = {
      ad_one_click_task_id: mainId,
      bgm_task_id: r.bgm_records[0]!.id,
      narration_task_id: r.narration_records[0]!.id,
    };

    let res = await api.post(sim, 'ad-one-click/compose', { ...base, video_task_ids: first.slice(0, 2) });
    expect(res.body).toMatchObject({ code: 400, reason: 'FieldInvalid' });
    expect(res.body.message).toMatch(/video_task_ids: expected 3/);

    res = await api.post(sim, 'ad-one-click/compose', { ...base, video_task_ids: [first[0], first[0], first[2]] });
    expect(res.body.reason).toBe('FieldInvalid');
    expect(res.body.message).toContain(`video_task_ids[1]: task ${first[0]} is not a record of storyboard 1`);

    const pending = AdEditResponse.parse(
      (await edit({ type: 'generate_video', storyboard_video_index: 2, prompt: 'slower' })).body,
    );
    res = await api.post(sim, 'ad-one-click/compose', {
      ...base,
      video_task_ids: [first[0], first[1], pending.sub_task_id],
    });
    expect(res.body.reason).toBe('FieldInvalid');
    expect(res.body.message).toContain(`video_task_ids[2]: task ${pending.sub_task_id} is created, not success`);

    res = await api.post(sim, 'ad-one-click/compose', { ...base, video_task_ids: first, bgm_task_id: first[0] });
    expect(res.body.message).toContain(`bgm_task_id: task ${first[0]} is not a BGM record`);
    await admin.advance(sim, 21);
  });

  it('compose with the right ids makes a compose task listed with its params and, when done, its film', async () => {
    const r = AdOneClickDetail.parse(await detail(mainId)).data_records!;
    const chosen = [
      r.storyboards[0]!.records[0]!.id,
      r.storyboards[1]!.records[1]!.id,
      r.storyboards[2]!.records[1]!.id,
    ];
    const res = await api.post(sim, 'ad-one-click/compose', {
      ad_one_click_task_id: mainId,
      video_task_ids: chosen,
      bgm_task_id: r.bgm_records[0]!.id,
      narration_task_id: r.narration_records[0]!.id,
    });
    expect(res.status).toBe(200);
    const c = AdComposeResponse.parse(res.body);
    expect(c).toMatchObject({ ad_one_click_task_id: mainId, state: 'created', credits: 40 });

    let composed = AdOneClickDetail.parse(await detail(mainId)).data_records!.completed_creation_records;
    expect(composed).toMatchObject([{ id: c.compose_sub_task_id, state: 'created', creation_url: '' }]);
    expect(composed[0]!.params).toEqual({
      video_task_ids: chosen,
      bgm_task_id: r.bgm_records[0]!.id,
      narration_task_id: r.narration_records[0]!.id,
    });

    await admin.advance(sim, 21);
    composed = AdOneClickDetail.parse(await detail(mainId)).data_records!.completed_creation_records;
    expect(composed[0]!.state).toBe('success');
    expect((await fetch(composed[0]!.creation_url!)).headers.get('content-type')).toBe('video/mp4');
    const g = CreationsResponse.parse((await api.get(sim, `tasks/${c.compose_sub_task_id}/creations`)).body);
    expect(g.creations).toHaveLength(1);
    expect(g.creations[0]!.video?.duration).toBe(15);
  });

  it('detail of an id that is not an AD film → 404', async () => {
    expect((await api.get(sim, 'ad-one-click/123')).body).toMatchObject({ code: 404, reason: 'TaskNotFound' });
  });
});
