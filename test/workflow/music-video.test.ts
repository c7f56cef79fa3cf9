// The one-click music video (workflows/ad-film/music-video.ts: the AD film's workflow run with the
// MV's film kind, core/film-kinds.ts) under time skipping with stub activities: create → sub-tasks
// → an edit → compose without BGM or narration, review with a refused BGM edit and approve, a
// narration edit refused before anything is paid, and the AD film's activity inputs unchanged.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdFilmEdit, AdFilmOptions, AdFilmStatus } from '../../core/ad-film-types';
import type { MusicVideoResult } from '../../core/music-video-types';
import { FailureType } from '../../core/failure-types';
import { adFilmStatusQuery, approveSignal, requestEditsUpdate, storyboardsQuery } from '../../core/workflow-messages';
import { failureOf } from '../helpers/temporal';
import { STUB_ACTIVITY_NAMES, StubVidu, type Scenario } from '../helpers/stub-activities';
import { secondsSince, startFastWorker, workflowTime, type FastWorker } from '../helpers/time-skipping';

let fast: FastWorker;
const fileStarted = Date.now();

beforeAll(async () => {
  fast = await startFastWorker(STUB_ACTIVITY_NAMES);
});

afterAll(async () => {
  await fast?.close();
  process.stderr.write(`[time-skipping] test/workflow/music-video.test.ts took ${secondsSince(fileStarted)} s\n`);
});

const request = {
  images: ['https://cdn.example/singer.png'],
  audio_url: 'https://cdn.example/song.mp3',
  lip_sync: true,
  prompt: 'a singer on a rooftop at dusk',
  aspect_ratio: '9:16',
};

/** Starts `type` (musicVideo unless told) with the stubs of `scenario`, runs `drive`, prints the workflow time. */
async function run<T>(
  scenario: Partial<Scenario>,
  input: { edits?: AdFilmEdit[]; options?: AdFilmOptions },
  drive: (handle: WorkflowHandle, vidu: StubVidu) => Promise<T>,
  type: 'musicVideo' | 'adFilm' = 'musicVideo',
  body: Record<string, unknown> = request,
): Promise<T> {
  const vidu = new StubVidu(scenario);
  const workflowId = `${type}-fast-${randomUUID()}`;
  fast.route(workflowId, vidu.activities());
  const wallStarted = Date.now();
  const handle = await fast.env.client.workflow.start(type, {
    taskQueue: fast.taskQueue,
    workflowId,
    args: [{ request: body, ...input }],
  });
  try {
    return await drive(handle, vidu);
  } finally {
    process.stderr.write(
      `[time-skipping]   ${expect.getState().currentTestName}: ${await workflowTime(handle)} in ${secondsSince(wallStarted)} s\n`,
    );
  }
}

async function statusWhen(handle: WorkflowHandle, ready: (s: AdFilmStatus) => boolean): Promise<AdFilmStatus> {
  for (let i = 0; i < 200; i += 1) {
    const status = await handle.query(adFilmStatusQuery);
    if (ready(status)) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `the MV never reached the expected state; last: ${JSON.stringify(await handle.query(adFilmStatusQuery))}`,
  );
}

const inputsOf = (vidu: StubVidu, activity: string) =>
  vidu.callsOf(activity).map((c) => c.input as Record<string, unknown>);

describe('musicVideo', () => {
  it('create → sub-tasks → a storyboard edit → compose over the audio (no BGM, no narration) → archive', async () => {
    const edit: AdFilmEdit = { type: 'video', storyboard: 0, prompt: 'closer on the singer' };
    await run({}, { edits: [edit] }, async (handle, vidu) => {
      const result = (await handle.result()) as MusicVideoResult & Record<string, unknown>;
      // The MV's own create call, staged (audio duration checked there) and submitted as one-click-mv.
      expect(inputsOf(vidu, 'stageInputs')[0]).toMatchObject({ kind: 'one-click-mv', request });
      expect(inputsOf(vidu, 'submitTask')[0]).toMatchObject({ kind: 'one-click-mv' });
      // Every film call names the MV, so the activities use its paths and bodies.
      expect(inputsOf(vidu, 'getAdFilmDetail').every((i) => i.film === 'musicVideo')).toBe(true);
      expect(inputsOf(vidu, 'submitAdEdit')).toEqual([expect.objectContaining({ edit, film: 'musicVideo' })]);
      const [compose] = inputsOf(vidu, 'composeAdFilm');
      expect(compose).toMatchObject({
        film: 'musicVideo',
        videoTaskIds: [result.edits[0]?.subTaskIds[0], `${result.taskId}-sb1`],
      });
      expect(compose).not.toHaveProperty('bgmTaskId');
      expect(compose).not.toHaveProperty('narrationTaskId');
      expect(result).not.toHaveProperty('bgmTaskId');
      expect(result).not.toHaveProperty('narrationTaskId');
      expect(inputsOf(vidu, 'archiveTask')[0]).toMatchObject({ kind: 'musicVideo' });
      // The MV (10) + one edit (10) + the composition (10), as the stubs charge.
      expect(result.credits).toBe(30);
      expect(result.edits).toEqual([expect.objectContaining({ edit, state: 'success' })]);
      // The edit ran as an adFilmEdit child under the MV's id.
      const child = await fast.env.client.workflow.getHandle(`${handle.workflowId}~edit-1-video-0`).describe();
      expect(child.type).toBe('adFilmEdit');
    });
  });

  it('review: a BGM edit is refused (the MV has none), a storyboard edit runs, approve composes it', async () => {
    await run({}, { options: { review: true } }, async (handle, vidu) => {
      const reviewing = await statusWhen(handle, (s) => s.phase === 'reviewing');
      const mainTaskId = reviewing.taskId as string;
      expect((await handle.query(storyboardsQuery)).map((s) => s.subTaskId)).toEqual([
        `${mainTaskId}-sb0`,
        `${mainTaskId}-sb1`,
      ]);
      const refused = await handle
        .executeUpdate(requestEditsUpdate, { args: [[{ type: 'bgm', prompt: 'jazz' }]] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (refused as WorkflowUpdateFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe(FailureType.InvalidEdits);
      expect(cause.message).toMatch(
        /edits\[0\]\.type: unknown edit type "bgm"; expected video \(the music video has no narration or BGM/,
      );

      await handle.executeUpdate(requestEditsUpdate, { args: [[{ type: 'video', storyboard: 1, prompt: 'rain' }]] });
      await statusWhen(handle, (s) => s.edits.length === 1 && s.phase === 'reviewing');
      expect(vidu.callsOf('composeAdFilm')).toHaveLength(0);
      await handle.signal(approveSignal);
      const result = (await handle.result()) as MusicVideoResult;
      expect(result.videoTaskIds).toEqual([`${mainTaskId}-sb0`, result.edits[0]?.subTaskIds[0]]);
      expect(vidu.callsOf('submitAdEdit')).toHaveLength(1);
    });
  });

  it('a narration edit given at start fails as InvalidRequest before anything is paid', async () => {
    await run({}, { edits: [{ type: 'narration', text: 'hello' }] }, async (handle, vidu) => {
      const cause = (await failureOf(handle)) as ApplicationFailure;
      expect(cause.type).toBe(FailureType.InvalidRequest);
      expect(cause.message).toMatch(/edits\[0\]\.type: unknown edit type "narration"; expected video/);
      expect(vidu.callsOf('submitTask')).toHaveLength(0);
    });
  });

  it('the AD film, run on the same code, sends its activities exactly the inputs it did before (no `film` field)', async () => {
    const adRequest = { images: ['https://cdn.example/p.png'], prompt: 'water', duration: 15, aspect_ratio: '16:9' };
    const edit: AdFilmEdit = { type: 'bgm', prompt: 'calm piano' };
    await run(
      {},
      { edits: [edit] },
      async (handle, vidu) => {
        const result = (await handle.result()) as Record<string, unknown>;
        expect(inputsOf(vidu, 'stageInputs')[0]).toMatchObject({ kind: 'ad-one-click' });
        for (const activity of ['getAdFilmDetail', 'submitAdEdit', 'composeAdFilm'])
          for (const input of inputsOf(vidu, activity)) expect(input).not.toHaveProperty('film');
        expect(inputsOf(vidu, 'composeAdFilm')[0]).toMatchObject({
          bgmTaskId: expect.any(String),
          narrationTaskId: expect.any(String),
        });
        expect(result).toMatchObject({ bgmTaskId: expect.any(String), narrationTaskId: expect.any(String) });
        expect(inputsOf(vidu, 'archiveTask')[0]).toMatchObject({ kind: 'adFilm' });
      },
      'adFilm',
      adRequest,
    );
  });
});
