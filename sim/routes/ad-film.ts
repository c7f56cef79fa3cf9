/**
 * AD-film endpoints (docs/vidu-api.md §5): create, detail, edit, compose.
 */
import type { FastifyInstance } from 'fastify';
import { AdComposeRequest, AdEditRequest, AdOneClickRequest } from '../../vidu/schemas';
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

/** [INF] The AD film's resolution is not documented; 720p at the requested aspect ratio. */
const AD_RESOLUTION = '720p';

export function registerAdFilmRoutes(app: FastifyInstance, ctx: SimContext): void {
  const fetchOpts = { timeoutMs: ctx.config.fetchTimeoutMs, maxBytes: ctx.config.fetchMaxBytes };

  app.post('/ent/v2/ad-one-click', { config: { endpoint: 'ad-one-click' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = parseRequest(AdOneClickRequest, req.body);
      await checkMediaInputs(mediaInputsOf('ad-one-click', r), fetchOpts);
      return {
        price: simPrice(ctx.prices, 'adFilm', r as unknown as Record<string, unknown>),
        init: {
          kind: 'ad-one-click',
          endpoint: 'ad-one-click',
          type: 'ad-one-click',
          model: '',
          prompt: r.prompt ?? '',
          images: r.images,
          durationSeconds: r.duration,
          resolution: AD_RESOLUTION,
          aspectRatio: r.aspect_ratio,
          output: {
            media: 'video',
            ...nominalSize(AD_RESOLUTION, r.aspect_ratio),
            durationSeconds: r.duration,
            watermark: false,
          },
          request: r,
          clientRequestId: r.client_request_id ?? '',
          callbackUrl: r.callback_url,
          payload: '',
          bgm: true,
          offPeak: false,
          processingSeconds: ctx.config.adFilmSeconds,
        },
        respond: (t) => ({
          task_id: t.id,
          state: t.state,
          images: t.images,
          prompt: t.prompt,
          duration: t.durationSeconds,
          aspect_ratio: t.aspectRatio,
          language: r.language,
          credits: t.credits,
          created_at: t.createdAtText,
          client_request_id: t.clientRequestId,
        }),
      };
    }),
  );

  app.get<{ Params: { id: string } }>('/ent/v2/ad-one-click/:id', { config: { endpoint: 'ad-detail' } }, (req) => {
    const main = adMain(ctx, req.params.id);
    req.simTaskId = main.id;
    return adDetail(ctx, main, ctx.clock.now());
  });

  // [INF] The doc's example answers state "success" at once; here the edit is
  // a task of its own that runs the state machine (created → … → success),
  // so callers must wait for it like any task.
  app.post('/ent/v2/ad-one-click/edit', { config: { endpoint: 'ad-edit' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = parseRequest(AdEditRequest, req.body);
      const { main, book } = finishedAdMain(ctx, r.ad_one_click_task_id, 'an edit');
      const index = r.type === 'generate_video' ? r.storyboard_video_index : undefined;
      if (index !== undefined) checkStoryboardIndex(book, index);
      // "When making modifications, the duration remains unchanged."
      const duration = index !== undefined ? (book.storyboards[index]?.durationSeconds ?? 5) : main.durationSeconds;
      const task = filmEditTask(ctx, {
        kind: 'ad-edit',
        mainField: 'ad_one_click_task_id',
        main,
        request: r,
        type: r.type,
        prompt: r.prompt,
        index,
        durationSeconds: duration,
      });
      return {
        price: simPrice(ctx.prices, 'adFilmEdit', r as unknown as Record<string, unknown>),
        init: task.init,
        stored: (t) => appendRecord(book, r.type, index, t.id),
        respond: task.respond,
      };
    }),
  );

  app.post('/ent/v2/ad-one-click/compose', { config: { endpoint: 'ad-compose' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = parseRequest(AdComposeRequest, req.body);
      const { main, book } = finishedAdMain(ctx, r.ad_one_click_task_id, 'compose');
      const problems = composeProblems(ctx, book, r);
      if (problems.length > 0) throw new ViduHttpError('FieldInvalid', problems.join('; '));
      const task = filmComposeTask(ctx, {
        kind: 'ad-compose',
        mainField: 'ad_one_click_task_id',
        main,
        request: r,
        videoTaskIds: r.video_task_ids,
        bgmTaskId: r.bgm_task_id,
        narrationTaskId: r.narration_task_id,
        bgm: true,
      });
      return {
        price: simPrice(ctx.prices, 'adFilmCompose', r as unknown as Record<string, unknown>),
        init: task.init,
        stored: (t) => book.composeIds.push(t.id),
        respond: task.respond,
      };
    }),
  );
}
