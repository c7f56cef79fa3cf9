/**
 * The one-click MV (docs/vidu-api-more-endpoints.md §10.1) on the AD film's pattern: create, and
 * the detail, edit and compose calls a reseller lists [3P] with the bodies vidu-flow assumes for
 * them (vidu/schemas/requests/one-click-mv.ts [INF]). The bookkeeping is the AD film's
 * (sim/ad-film.ts), with storyboards only: the music is the caller's audio.
 */
import type { FastifyInstance } from 'fastify';
import { MusicVideoComposeRequest, MusicVideoEditRequest, MusicVideoRequest } from '../../vidu/schemas';
import {
  adDetail,
  adMain,
  appendRecord,
  checkStoryboardIndex,
  composeProblems,
  filmComposeTask,
  filmEditTask,
  finishedAdMain,
} from '../ad-film';
import type { SimContext } from '../context';
import { nominalSize } from '../creations';
import { ViduHttpError } from '../http-errors';
import { checkMediaInputs, mediaInputsOf } from '../inputs';
import { simPrice } from '../pricing';
import { submitTask, type Prepared } from '../submit';
import { parseRequest } from '../validation';

/** [INF] The MV's default resolution is not documented; 720p, as the AD film's. */
const MV_DEFAULT_RESOLUTION = '720p';

export function registerMusicVideoRoutes(app: FastifyInstance, ctx: SimContext): void {
  const fetchOpts = { timeoutMs: ctx.config.fetchTimeoutMs, maxBytes: ctx.config.fetchMaxBytes };

  app.post('/ent/v2/one-click/mv', { config: { endpoint: 'one-click-mv' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = parseRequest(MusicVideoRequest, req.body);
      // The audio's length is checked (10–180 s) and is the video's length.
      const probes = await checkMediaInputs(mediaInputsOf('one-click-mv', r), fetchOpts);
      const audioSeconds = probes.get('audio_url')?.durationSeconds ?? 30;
      const duration = Math.max(1, Math.round(audioSeconds));
      const resolution = r.resolution ?? MV_DEFAULT_RESOLUTION;
      return {
        price: simPrice(ctx.prices, 'musicVideo', r as unknown as Record<string, unknown>, { audioSeconds }),
        init: {
          kind: 'one-click-mv',
          endpoint: 'one-click-mv',
          type: 'one-click-mv',
          model: '',
          prompt: r.prompt ?? '',
          images: r.images,
          durationSeconds: duration,
          resolution,
          aspectRatio: r.aspect_ratio,
          output: {
            media: 'video',
            ...nominalSize(resolution, r.aspect_ratio),
            durationSeconds: duration,
            watermark: false,
          },
          request: r,
          clientRequestId: r.client_request_id ?? '',
          callbackUrl: r.callback_url,
          payload: '',
          bgm: false,
          offPeak: false,
          processingSeconds: ctx.config.adFilmSeconds,
        },
        respond: (t) => ({
          task_id: t.id,
          state: t.state,
          credits: t.credits,
          created_at: t.createdAtText,
          client_request_id: t.clientRequestId,
        }),
      };
    }),
  );

  app.get<{ Params: { id: string } }>('/ent/v2/one-click/mv/:id', { config: { endpoint: 'mv-detail' } }, (req) => {
    const main = adMain(ctx, req.params.id, 'one-click-mv');
    req.simTaskId = main.id;
    return adDetail(ctx, main, ctx.clock.now());
  });

  app.post('/ent/v2/one-click/mv/edit', { config: { endpoint: 'mv-edit' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = parseRequest(MusicVideoEditRequest, req.body);
      const { main, book } = finishedAdMain(ctx, r.one_click_mv_task_id, 'an edit', 'one-click-mv');
      const index = r.storyboard_video_index;
      checkStoryboardIndex(book, index);
      const duration = book.storyboards[index]?.durationSeconds ?? 10;
      const task = filmEditTask(ctx, {
        kind: 'mv-edit',
        mainField: 'one_click_mv_task_id',
        main,
        request: r,
        type: r.type,
        prompt: r.prompt,
        index,
        durationSeconds: duration,
      });
      return {
        price: simPrice(ctx.prices, 'musicVideoEdit', r as unknown as Record<string, unknown>),
        init: task.init,
        stored: (t) => appendRecord(book, r.type, index, t.id),
        respond: task.respond,
      };
    }),
  );

  app.post('/ent/v2/one-click/mv/compose', { config: { endpoint: 'mv-compose' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = parseRequest(MusicVideoComposeRequest, req.body);
      const { main, book } = finishedAdMain(ctx, r.one_click_mv_task_id, 'compose', 'one-click-mv');
      const problems = composeProblems(ctx, book, r);
      if (problems.length > 0) throw new ViduHttpError('FieldInvalid', problems.join('; '));
      const task = filmComposeTask(ctx, {
        kind: 'mv-compose',
        mainField: 'one_click_mv_task_id',
        main,
        request: r,
        videoTaskIds: r.video_task_ids,
        bgmTaskId: '',
        narrationTaskId: '',
        bgm: false,
      });
      return {
        price: simPrice(ctx.prices, 'musicVideoCompose', r as unknown as Record<string, unknown>),
        init: task.init,
        stored: (t) => book.composeIds.push(t.id),
        respond: task.respond,
      };
    }),
  );
}
