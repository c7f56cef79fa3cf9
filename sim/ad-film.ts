/**
 * AD-film bookkeeping (docs/vidu-api.md §5, seed ad-film-one-click.txt): the sub-task
 * records a finished main task owns, the rules edit and compose are held to,
 * and the GET /ent/v2/ad-one-click/{id} view.
 */
import { rfc3339Nano } from './clock';
import type { SimContext } from './sim-context';
import { filesOf } from './creations';
import { taskNotFound, ViduHttpError } from './http-errors';
import { addCreation } from './outputs';
import { buildTask, type TaskInit } from './task-factory';
import type { AdFilmBook, AdRecordType, OutputSpec, SimTask } from './task';

/** [INF] One storyboard per started 5 s of film: 15 s ⇒ 3 (5+5+5), 12 s ⇒ 3 (5+5+2). */
export const STORYBOARD_SECONDS = 5;

export function storyboardDurations(totalSeconds: number): number[] {
  const n = Math.max(1, Math.ceil(totalSeconds / STORYBOARD_SECONDS));
  return Array.from({ length: n }, (_, i) =>
    i < n - 1 ? STORYBOARD_SECONDS : totalSeconds - STORYBOARD_SECONDS * (n - 1),
  );
}

/** Output of a sub-task: footage is the storyboard's length; narration and BGM span the film. */
export function recordOutput(main: SimTask, durationSeconds: number): OutputSpec {
  return { ...main.output, durationSeconds, watermark: false };
}

function defaultPrompt(main: SimTask, type: AdRecordType, storyboard?: number, count?: number): string {
  const subject = main.prompt || 'the product';
  const english = main.request.language === 'en';
  switch (type) {
    case 'generate_video':
      return `Storyboard ${(storyboard ?? 0) + 1} of ${count ?? 1}: ${subject}`;
    case 'generate_narration':
      return english ? `Narration introducing ${subject}` : `旁白：介绍${subject}`;
    case 'generate_bgm':
      return 'Upbeat, modern background music';
  }
}

/** A record made by the sim itself when the main task succeeds: already `success`, no charge of its own. */
function finishedRecord(
  ctx: SimContext,
  main: SimTask,
  type: AdRecordType,
  durationSeconds: number,
  at: number,
  sb?: { index: number; count: number },
): string {
  const prompt = defaultPrompt(main, type, sb?.index, sb?.count);
  const rec = buildTask(ctx, {
    kind: 'ad-record',
    endpoint: undefined,
    type,
    model: '',
    prompt,
    images: [],
    durationSeconds,
    resolution: main.resolution,
    aspectRatio: main.aspectRatio,
    output: recordOutput(main, durationSeconds),
    request: {},
    clientRequestId: '',
    callbackUrl: undefined,
    payload: '',
    bgm: false,
    offPeak: false,
    processingSeconds: 0.001,
    ad: { mainId: main.id, role: 'record', recordType: type, storyboardIndex: sb?.index, prompt },
  });
  const stamp = rfc3339Nano(at);
  Object.assign(rec, { createdAt: at, createdAtText: stamp, startedAt: at, finishedAt: at, state: 'success' });
  rec.history = [
    { state: 'created', at: stamp },
    { state: 'success', at: stamp },
  ];
  addCreation(ctx, rec);
  ctx.store.add(rec);
  return rec.id;
}

export function buildAdFilmBook(ctx: SimContext, main: SimTask, at: number): void {
  const durations = storyboardDurations(main.durationSeconds);
  const book: AdFilmBook = {
    storyboards: durations.map((d, index) => ({
      index,
      durationSeconds: d,
      recordIds: [finishedRecord(ctx, main, 'generate_video', d, at, { index, count: durations.length })],
    })),
    narrationIds: [finishedRecord(ctx, main, 'generate_narration', main.durationSeconds, at)],
    bgmIds: [finishedRecord(ctx, main, 'generate_bgm', main.durationSeconds, at)],
    composeIds: [],
  };
  main.adFilm = book;
}

/**
 * [INF] The music video's storyboards: one per started 10 s of the audio (nothing documents how
 * Vidu cuts a song; a 30 s song ⇒ 3). Only footage: the music is the caller's audio, so there is
 * no narration or BGM record.
 */
export const MV_STORYBOARD_SECONDS = 10;

export function buildMusicVideoBook(ctx: SimContext, main: SimTask, at: number): void {
  const total = main.durationSeconds;
  const n = Math.max(1, Math.ceil(total / MV_STORYBOARD_SECONDS));
  const durations = Array.from({ length: n }, (_, i) =>
    i < n - 1 ? MV_STORYBOARD_SECONDS : total - MV_STORYBOARD_SECONDS * (n - 1),
  );
  main.adFilm = {
    storyboards: durations.map((d, index) => ({
      index,
      durationSeconds: d,
      recordIds: [finishedRecord(ctx, main, 'generate_video', d, at, { index, count: n })],
    })),
    narrationIds: [],
    bgmIds: [],
    composeIds: [],
  };
}

/** The film kinds the sub-task routes serve: the AD film, and the music video on its pattern. */
export type FilmMainKind = 'ad-one-click' | 'one-click-mv';

/** The main task for edit/compose/detail: 404 unless it is a main task of that film kind. */
export function adMain(ctx: SimContext, id: string, kind: FilmMainKind = 'ad-one-click'): SimTask {
  const main = ctx.store.get(id);
  if (!main || main.kind !== kind) throw taskNotFound(id);
  return main;
}

/** Edit and compose need the main task finished, with its records in place. */
export function finishedAdMain(
  ctx: SimContext,
  id: string,
  action: string,
  kind: FilmMainKind = 'ad-one-click',
): { main: SimTask; book: AdFilmBook } {
  const main = adMain(ctx, id, kind);
  if (main.state !== 'success' || !main.adFilm) {
    throw new ViduHttpError(
      'BadRequest',
      `${kind} task ${id} is ${main.state}; ${action} needs a task in state success`,
    );
  }
  return { main, book: main.adFilm };
}

export function checkStoryboardIndex(book: AdFilmBook, index: number): void {
  const n = book.storyboards.length;
  if (index >= n) {
    throw new ViduHttpError(
      'FieldInvalid',
      `storyboard_video_index: ${index} is out of range; this film has ${n} storyboards (0–${n - 1})`,
    );
  }
}

/** Appends a new edit sub-task to the record list it regenerates. */
export function appendRecord(
  book: AdFilmBook,
  type: AdRecordType,
  storyboardIndex: number | undefined,
  id: string,
): void {
  if (type === 'generate_video') book.storyboards[storyboardIndex ?? 0]?.recordIds.push(id);
  else if (type === 'generate_narration') book.narrationIds.push(id);
  else book.bgmIds.push(id);
}

/** The AD film's compose names a BGM and a narration; the music video's only footage. */
export interface ComposeIds {
  video_task_ids: readonly string[];
  bgm_task_id?: string;
  narration_task_id?: string;
}

/** Every problem with the ids of a compose request, each naming the bad id (empty = fine). */
export function composeProblems(ctx: SimContext, book: AdFilmBook, req: ComposeIds): string[] {
  const n = book.storyboards.length;
  if (req.video_task_ids.length !== n) {
    return [`video_task_ids: expected ${n} task ids, one per storyboard (got ${req.video_task_ids.length})`];
  }
  const problems: string[] = [];
  const mustSucceed = (field: string, id: string) => {
    const state = ctx.store.get(id)?.state;
    if (state !== 'success') problems.push(`${field}: task ${id} is ${state ?? 'unknown'}, not success`);
  };
  req.video_task_ids.forEach((id, i) => {
    const field = `video_task_ids[${i}]`;
    if (!book.storyboards[i]?.recordIds.includes(id))
      problems.push(`${field}: task ${id} is not a record of storyboard ${i}`);
    else mustSucceed(field, id);
  });
  if (req.bgm_task_id !== undefined) {
    if (!book.bgmIds.includes(req.bgm_task_id))
      problems.push(`bgm_task_id: task ${req.bgm_task_id} is not a BGM record of this film`);
    else mustSucceed('bgm_task_id', req.bgm_task_id);
  }
  if (req.narration_task_id === undefined) return problems;
  if (!book.narrationIds.includes(req.narration_task_id)) {
    problems.push(`narration_task_id: task ${req.narration_task_id} is not a narration record of this film`);
  } else mustSucceed('narration_task_id', req.narration_task_id);
  return problems;
}

function creationUrl(ctx: SimContext, t: SimTask, issuedAt: number): string {
  const c = t.state === 'success' ? t.creations[0] : undefined;
  return c ? ctx.signer.issue(filesOf(c).main, issuedAt) : '';
}

function recordView(ctx: SimContext, id: string, issuedAt: number) {
  const t = ctx.store.get(id);
  if (!t) return undefined;
  const type = t.ad?.role === 'record' ? t.ad.recordType : 'generate_video';
  return {
    id: t.id,
    type,
    prompt: t.prompt,
    creation_url: creationUrl(ctx, t, issuedAt),
    state: t.state,
    err_code: t.errCode,
  };
}

const present = <T>(v: T | undefined): v is T => v !== undefined;

/**
 * GET /ent/v2/ad-one-click/{id}. The storyboard key is spelled `stroyboard_id`
 * as in Vidu's doc and example. Before the main task succeeds the record
 * lists are empty ([INF]: the doc only describes completed tasks).
 */
export function adDetail(ctx: SimContext, main: SimTask, issuedAt: number): Record<string, unknown> {
  const book = main.adFilm;
  return {
    id: main.id,
    state: main.state,
    err_code: main.errCode,
    data_records: {
      storyboards: (book?.storyboards ?? []).map((sb) => ({
        stroyboard_id: sb.index,
        records: sb.recordIds.map((id) => recordView(ctx, id, issuedAt)).filter(present),
      })),
      narration_records: (book?.narrationIds ?? []).map((id) => recordView(ctx, id, issuedAt)).filter(present),
      bgm_records: (book?.bgmIds ?? []).map((id) => recordView(ctx, id, issuedAt)).filter(present),
      completed_creation_records: (book?.composeIds ?? [])
        .map((id) => ctx.store.get(id))
        .filter(present)
        .map((t) => ({
          id: t.id,
          state: t.state,
          err_code: t.errCode,
          creation_url: creationUrl(ctx, t, issuedAt),
          params:
            t.ad?.role === 'compose'
              ? {
                  video_task_ids: t.ad.videoTaskIds,
                  bgm_task_id: t.ad.bgmTaskId,
                  narration_task_id: t.ad.narrationTaskId,
                }
              : { video_task_ids: [], bgm_task_id: '', narration_task_id: '' },
        })),
    },
  };
}

/**
 * What the AD film and the MV (sim/routes/ad-film.ts, sim/routes/music-video.ts) send back for a
 * sub-task: the same task, answered under the main task's own field name.
 */
interface FilmSubTaskCall {
  kind: 'ad-edit' | 'ad-compose' | 'mv-edit' | 'mv-compose';
  /** The field the answer names the main task by (`ad_one_click_task_id`, `one_click_mv_task_id`). */
  mainField: string;
  main: SimTask;
  request: { callback_url?: string | undefined; payload?: string | undefined };
}

/** The task an edit creates: one record of `type` (at storyboard `index` for footage), as long as what it replaces. */
export function filmEditTask(
  ctx: SimContext,
  call: FilmSubTaskCall & { type: AdRecordType; prompt: string; index: number | undefined; durationSeconds: number },
): { init: TaskInit; respond: (t: SimTask) => Record<string, unknown> } {
  const { main } = call;
  return {
    init: {
      ...subTaskBase(call, call.durationSeconds),
      type: call.type,
      prompt: call.prompt,
      bgm: false,
      processingSeconds: ctx.config.editSeconds,
      ad: { mainId: main.id, role: 'record', recordType: call.type, storyboardIndex: call.index, prompt: call.prompt },
    },
    respond: (t) => ({
      [call.mainField]: main.id,
      sub_task_id: t.id,
      state: t.state,
      err_code: '',
      credits: t.credits,
    }),
  };
}

/** The composition task: the film's length, from the sub-tasks named. */
export function filmComposeTask(
  ctx: SimContext,
  call: FilmSubTaskCall & { videoTaskIds: readonly string[]; bgmTaskId: string; narrationTaskId: string; bgm: boolean },
): { init: TaskInit; respond: (t: SimTask) => Record<string, unknown> } {
  const { main } = call;
  return {
    init: {
      ...subTaskBase(call, main.durationSeconds),
      type: 'compose',
      prompt: main.prompt,
      bgm: call.bgm,
      processingSeconds: ctx.config.composeSeconds,
      ad: {
        mainId: main.id,
        role: 'compose',
        videoTaskIds: [...call.videoTaskIds],
        bgmTaskId: call.bgmTaskId,
        narrationTaskId: call.narrationTaskId,
      },
    },
    respond: (t) => ({ [call.mainField]: main.id, compose_sub_task_id: t.id, state: t.state, credits: t.credits }),
  };
}

function subTaskBase(call: FilmSubTaskCall, durationSeconds: number) {
  const { main, request: r } = call;
  return {
    kind: call.kind,
    endpoint: call.kind,
    model: '',
    images: [],
    durationSeconds,
    resolution: main.resolution,
    aspectRatio: main.aspectRatio,
    output: recordOutput(main, durationSeconds),
    request: r,
    clientRequestId: '',
    callbackUrl: r.callback_url,
    payload: r.payload ?? '',
    offPeak: false,
  };
}
