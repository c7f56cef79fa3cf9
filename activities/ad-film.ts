import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { heartbeat } from './heartbeats';
import type { AdOneClickDetail, MusicVideoEditRequest } from '../vidu/schemas';
import { filmKindOf, type FilmKindName } from '../core/film-kinds';
import { FailureType } from '../core/failure-types';
import type { ViduClient } from '../vidu/client';
import { ViduTransportError } from '../vidu/errors';
import type { AdFilmDetail, AdFilmEdit, AdSubTask } from '../core/ad-film-types';
import { toSnapshot } from '../core/task-snapshot';
import type { FilmCreation, TaskStateName, WaitMode } from '../core/generation-types';
import { toApplicationFailure } from './failures';
import { callbackUrlFor } from './idempotency';
import { wantsCallback } from './submit';

// Vidu's edit and compose calls take no client_request_id (docs/vidu-api.md §5.3–5.4). After an interrupted
// call the task's detail is read instead: a sub-task that was not there before, for the same
// storyboard and prompt (edit) or with the same ids (compose), is the one the lost call created.

export interface SubmitAdEditInput {
  /** The film (core/film-kinds.ts); absent: the AD film. */
  film?: FilmKindName;
  workflowId: string;
  mainTaskId: string;
  edit: AdFilmEdit;
  /** Sub-task ids that existed before this edit: none of them can be its result. */
  knownIds: string[];
  waitMode: WaitMode;
}

export interface ComposeAdFilmInput {
  /** The film (core/film-kinds.ts); absent: the AD film. */
  film?: FilmKindName;
  workflowId: string;
  mainTaskId: string;
  videoTaskIds: string[];
  /** The AD film's two; a music video composes over the caller's audio and sends neither. */
  bgmTaskId?: string;
  narrationTaskId?: string;
  knownIds: string[];
  waitMode: WaitMode;
}

export interface SubTaskSubmitted {
  taskId: string;
  state: TaskStateName;
  credits: number;
  callbackRegistered: boolean;
  via: 'created' | 'recovered-from-detail';
}

export function toAdFilmDetail(body: AdOneClickDetail): AdFilmDetail {
  const records = body.data_records;
  const sub = (r: {
    id: string;
    state: TaskStateName;
    err_code: string;
    prompt?: string | undefined;
    creation_url?: string | undefined;
  }): AdSubTask => ({
    id: r.id,
    state: r.state,
    errCode: r.err_code,
    prompt: r.prompt ?? '',
    creationUrl: r.creation_url ?? '',
  });
  return {
    taskId: body.id,
    state: body.state,
    storyboards: (records?.storyboards ?? [])
      .map((s) => ({ index: s.storyboard_id, records: s.records.map(sub) }))
      .sort((a, b) => a.index - b.index),
    narration: (records?.narration_records ?? []).map(sub),
    bgm: (records?.bgm_records ?? []).map(sub),
    composed: (records?.completed_creation_records ?? []).map((c) => ({
      id: c.id,
      state: c.state,
      creationUrl: c.creation_url ?? '',
      videoTaskIds: c.params?.video_task_ids ?? [],
      bgmTaskId: c.params?.bgm_task_id ?? '',
      narrationTaskId: c.params?.narration_task_id ?? '',
    })),
  };
}

export function editTarget(detail: AdFilmDetail, edit: AdFilmEdit): AdSubTask[] | undefined {
  if (edit.type === 'video') return detail.storyboards.find((s) => s.index === edit.storyboard)?.records;
  return edit.type === 'narration' ? detail.narration : detail.bgm;
}

export function editPrompt(edit: AdFilmEdit): string {
  return edit.type === 'narration' ? edit.text : edit.prompt;
}

export function makeAdFilmActivities(deps: { vidu: ViduClient; callbackUrl: string | undefined }) {
  async function getAdFilmDetail(input: { taskId: string; film?: FilmKindName }): Promise<AdFilmDetail> {
    const kind = filmKindOf(input.film);
    try {
      // The music video's detail is read with the AD film's schema: a reseller describes the same pattern [3P].
      const body =
        kind.name === 'musicVideo'
          ? await deps.vidu.getMusicVideo(input.taskId)
          : await deps.vidu.getAdOneClick(input.taskId);
      return toAdFilmDetail(body);
    } catch (err) {
      throw toApplicationFailure(err, `read the sub-tasks of ${kind.label} ${input.taskId}`);
    }
  }

  /**
   * Sends a paid sub-task call at most once per activity: a retry reuses the heartbeat's answer,
   * and after an attempt that may have reached Vidu (a retry, or a lost answer) it looks for the
   * sub-task the lost call created before sending again.
   */
  async function submitOnce(
    doing: string,
    callbackRegistered: boolean,
    find: () => Promise<{ id: string; state: TaskStateName } | undefined>,
    send: () => Promise<{ taskId: string; state: TaskStateName; credits: number }>,
  ): Promise<SubTaskSubmitted> {
    const previous = activityInfo().heartbeatDetails as SubTaskSubmitted | undefined;
    if (previous?.taskId) return previous;
    const recover = async () => {
      const found = await find();
      return (
        found &&
        remember({ taskId: found.id, state: found.state, credits: 0, callbackRegistered, via: 'recovered-from-detail' })
      );
    };
    if (activityInfo().attempt > 1) {
      const recovered = await recover();
      if (recovered) return recovered;
    }
    try {
      return remember({ ...(await send()), callbackRegistered, via: 'created' });
    } catch (err) {
      if (err instanceof ViduTransportError && err.ambiguous) {
        const recovered = await recover();
        if (recovered) return recovered;
      }
      throw toApplicationFailure(err, doing);
    }
  }

  async function submitAdEdit(input: SubmitAdEditInput): Promise<SubTaskSubmitted> {
    const callbackRegistered = wantsCallback(input.waitMode, deps.callbackUrl);
    const body = {
      ad_one_click_task_id: input.mainTaskId,
      type:
        input.edit.type === 'video'
          ? 'generate_video'
          : input.edit.type === 'narration'
            ? 'generate_narration'
            : 'generate_bgm',
      ...(input.edit.type === 'video' ? { storyboard_video_index: input.edit.storyboard } : {}),
      prompt: editPrompt(input.edit),
      ...(callbackRegistered && deps.callbackUrl
        ? { callback_url: callbackUrlFor(deps.callbackUrl, input.workflowId) }
        : {}),
    };
    const kind = filmKindOf(input.film);
    if (!kind.editTypes.includes(input.edit.type)) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidEdits,
        message: `the ${kind.label} takes no ${input.edit.type} edit`,
        nonRetryable: true,
      });
    }
    return submitOnce(
      `edit ${kind.label} ${input.mainTaskId}`,
      callbackRegistered,
      async () => {
        const detail = await getAdFilmDetail({ taskId: input.mainTaskId, ...filmOf(input) });
        const fresh = (editTarget(detail, input.edit) ?? []).filter(
          (r) => !input.knownIds.includes(r.id) && r.prompt === editPrompt(input.edit),
        );
        return fresh[fresh.length - 1];
      },
      async () => {
        const res =
          kind.name === 'musicVideo'
            ? await deps.vidu.editMusicVideo(musicVideoEditBody(body))
            : await deps.vidu.editAdOneClick(body as never);
        return { taskId: res.sub_task_id, state: res.state, credits: res.credits };
      },
    );
  }

  async function composeAdFilm(input: ComposeAdFilmInput): Promise<SubTaskSubmitted> {
    const callbackRegistered = wantsCallback(input.waitMode, deps.callbackUrl);
    const kind = filmKindOf(input.film);
    const callback =
      callbackRegistered && deps.callbackUrl
        ? { callback_url: callbackUrlFor(deps.callbackUrl, input.workflowId) }
        : {};
    return submitOnce(
      `compose ${kind.label} ${input.mainTaskId}`,
      callbackRegistered,
      async () => {
        const detail = await getAdFilmDetail({ taskId: input.mainTaskId, ...filmOf(input) });
        return detail.composed.find(
          (c) =>
            !input.knownIds.includes(c.id) &&
            (input.bgmTaskId === undefined || c.bgmTaskId === input.bgmTaskId) &&
            (input.narrationTaskId === undefined || c.narrationTaskId === input.narrationTaskId) &&
            c.videoTaskIds.join(',') === input.videoTaskIds.join(','),
        );
      },
      async () => {
        const res =
          kind.name === 'musicVideo'
            ? await deps.vidu.composeMusicVideo({
                one_click_mv_task_id: input.mainTaskId,
                video_task_ids: input.videoTaskIds,
                ...callback,
              })
            : await deps.vidu.composeAdOneClick({
                ad_one_click_task_id: input.mainTaskId,
                video_task_ids: input.videoTaskIds,
                bgm_task_id: input.bgmTaskId,
                narration_task_id: input.narrationTaskId,
                ...callback,
              } as never);
        return { taskId: res.compose_sub_task_id, state: res.state, credits: res.credits };
      },
    );
  }

  /** The composed film, plus the cover of each storyboard footage compose used. */
  async function adFilmMedia(input: { composeTaskId: string; videoTaskIds: string[] }): Promise<FilmCreation[]> {
    const creationsOf = async (taskId: string) => {
      try {
        return toSnapshot(await deps.vidu.getCreations(taskId), 'poll', taskId)?.creations ?? [];
      } catch (err) {
        throw toApplicationFailure(err, `get the creations of task ${taskId}`);
      }
    };
    const film = (await creationsOf(input.composeTaskId)).map((c) => ({ ...c, sourceTaskId: input.composeTaskId }));
    if (film.length === 0)
      throw ApplicationFailure.create({ message: `compose task ${input.composeTaskId} lists no creation yet` });
    const covers: FilmCreation[] = [];
    for (const id of input.videoTaskIds) {
      let creations: FilmCreation[];
      try {
        creations = await creationsOf(id);
      } catch (err) {
        // Storyboard covers are optional extras: after a few attempts, go on without this one
        // rather than fail the paid film.
        const permanent = err instanceof ApplicationFailure && err.nonRetryable;
        if (!permanent && activityInfo().attempt < COVER_LOOKUP_ATTEMPTS) throw err;
        continue;
      }
      for (const c of creations)
        if (c.coverUrl) covers.push({ id: c.id, url: '', coverUrl: c.coverUrl, sourceTaskId: id });
    }
    return [...film, ...covers];
  }

  return { getAdFilmDetail, submitAdEdit, composeAdFilm, adFilmMedia };
}

/** The `film` field to pass on: only when the input named one. */
function filmOf(input: { film?: FilmKindName }): { film?: FilmKindName } {
  return input.film ? { film: input.film } : {};
}

/** The AD film's edit body for one-click/mv/edit: only footage edits, the main id under the MV's name [3P/INF]. */
function musicVideoEditBody(body: {
  ad_one_click_task_id: string;
  storyboard_video_index?: number;
  prompt: string;
  callback_url?: string;
}): MusicVideoEditRequest {
  const { ad_one_click_task_id, storyboard_video_index, ...rest } = body;
  return {
    one_click_mv_task_id: ad_one_click_task_id,
    type: 'generate_video',
    storyboard_video_index: storyboard_video_index ?? 0,
    ...rest,
  };
}

/** Attempts of adFilmMedia after which a storyboard whose creations cannot be read is left without cover. */
const COVER_LOOKUP_ATTEMPTS = 3;

function remember(result: SubTaskSubmitted): SubTaskSubmitted {
  heartbeat(result);
  return result;
}
