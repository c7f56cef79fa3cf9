// The workflow types vidu-flow registers: the one registration point (the worker bundles this file).
// Each generation kind is its own workflow type (so the Web UI and visibility queries can tell them
// apart) over one shared core. Features live in folders (generation/, ad-film/, batch/, admission/,
// webhooks/, shared helpers in common/), and the three big workflows are written in one style:
// named phases over one state object, the entry reading as their list (workflows/README.md says
// why: small files with one job, the state declared in one place).
import { adFilm as runAdFilm } from './ad-film/ad-film';
import { musicVideo as runMusicVideo } from './ad-film/music-video';
import type { MusicVideoInput, MusicVideoResult } from '../core/music-video-types';
import type { AdFilmInput, AdFilmResult } from '../core/ad-film-types';
import { runGeneration } from './generation/generation';
import { GenerationMetrics, modelLabel } from './common/metrics';
import type { GenerationInput, GenerationKind, GenerationResult } from '../core/generation-types';
import { withCompletionWebhook } from './webhooks/webhook-delivery';
import { setWorkflowOptions } from '@temporalio/workflow';
import { adFilmEdit } from './ad-film/ad-film-edit';
import { viduSlots } from './admission/admission';
import { batch } from './batch/batch';
import { webhookDelivery } from './webhooks/webhook-delivery';
import { viduBalanceCheck } from './balance/balance-check';
import { viduBudgets } from './budgets/budgets';
import { WORKFLOW_VERSIONING, type VersionedWorkflowType } from './versioning';
import { subjectCreate, subjectEdit, subjectRead } from './subjects/subjects';

/** A generation workflow type: the shared core, run for one endpoint of the registry. */
function generation<K extends GenerationKind>(kind: K): (input: GenerationInput) => Promise<GenerationResult> {
  return (input) => withCompletionWebhook(() => runGeneration(kind, input));
}

// One workflow type per endpoint of the registry (vidu/endpoints/), named after it. Temporal finds
// a workflow by its export name, so each needs its own line; `generation()` refuses a kind the
// registry lacks, and the `registered` table below fails to compile when the registry has a kind
// without a workflow here.
export const img2video = generation('img2video');
export const reference2video = generation('reference2video');
export const reference2image = generation('reference2image');
export const image2dance = generation('image2dance');
export const text2video = generation('text2video');
export const startEnd2video = generation('startEnd2video');
export const multiframe = generation('multiframe');
export const upscale = generation('upscale');
export const text2audio = generation('text2audio');
export const audioTts = generation('audioTts');
export const template = generation('template');
export const extend = generation('extend');
export const lipSync = generation('lipSync');
export const templateStory = generation('templateStory');
export const timing2audio = generation('timing2audio');
export const audioClone = generation('audioClone');

/** The AD film, with its generation metrics (started, succeeded, failed by type, credits). */
export async function adFilm(input: AdFilmInput): Promise<AdFilmResult> {
  const metrics = new GenerationMetrics('adFilm', input.options?.priority ?? 'interactive');
  metrics.model = modelLabel((input.request as { model?: unknown }).model ?? 'ad-one-click');
  return withCompletionWebhook(() =>
    metrics.around(
      () => runAdFilm(input),
      (result) => result.credits,
    ),
  );
}
export { adFilmEdit } from './ad-film/ad-film-edit';

/** The one-click music video: the AD film's workflow for one-click/mv (core/film-kinds.ts), with the same metrics. */
export async function musicVideo(input: MusicVideoInput): Promise<MusicVideoResult> {
  const metrics = new GenerationMetrics('musicVideo', input.options?.priority ?? 'interactive');
  metrics.model = modelLabel('one-click-mv');
  return withCompletionWebhook(() =>
    metrics.around(
      () => runMusicVideo(input),
      (result) => result.credits,
    ),
  );
}
export { viduSlots } from './admission/admission';
export { batch } from './batch/batch';
// Completion webhooks: a generation or AD film started with a notify target ends by starting this child.
export { webhookDelivery } from './webhooks/webhook-delivery';
// The balance watch: one read of GET /ent/v2/credits, started by the watch's Schedule (issue 19 §3).
export { viduBalanceCheck } from './balance/balance-check';
// Budgets (issue 19 §2): the account's credits ledger, beside the slot manager.
export { viduBudgets } from './budgets/budgets';
// The subject library (docs/vidu-api-subjects.md §2): one short workflow per call.
export { subjectCreate, subjectEdit, subjectRead } from './subjects/subjects';

// Worker Versioning: each registered type gets the behaviour workflows/versioning.ts declares for
// it (pinned or auto-upgrade, with the reason there). `satisfies` fails to compile when a type is
// registered without a declaration or declared without being registered.
const registered = {
  img2video,
  reference2video,
  reference2image,
  image2dance,
  text2video,
  startEnd2video,
  multiframe,
  upscale,
  text2audio,
  audioTts,
  template,
  extend,
  lipSync,
  templateStory,
  timing2audio,
  audioClone,
  adFilm,
  adFilmEdit,
  viduSlots,
  batch,
  webhookDelivery,
  viduBalanceCheck,
  viduBudgets,
  subjectCreate,
  subjectEdit,
  subjectRead,
  musicVideo,
} satisfies Record<VersionedWorkflowType, (...args: never[]) => Promise<unknown>>;
void (WORKFLOW_VERSIONING satisfies Record<keyof typeof registered, unknown>);
void (registered satisfies Record<GenerationKind, unknown>);
for (const type of Object.keys(registered) as VersionedWorkflowType[]) {
  setWorkflowOptions(
    { versioningBehavior: WORKFLOW_VERSIONING[type].behavior },
    registered[type] as (...args: unknown[]) => Promise<unknown>,
  );
}
