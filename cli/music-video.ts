import { checkMusicVideoInput } from '../contract/music-video-input';
import { isLocalPath, resolveLocalPath } from '../contract/local-path';
import type { StartOptions } from '../client/index';
import type { MusicVideoInput } from '../core/music-video-types';
import { awaitAdFilm } from './ad-film-actions';
import { filmReviewOptions, parseEditSpecs } from './ad-film-args';
import {
  applyStartFlagOptions,
  type FieldFlag,
  type PlanContext,
  START_OPTION_FLAGS,
  type StartFlags,
  startOptionsFrom,
  UsageError,
  withFlagHint,
} from './args';
import { type CliIO, EXIT, type GlobalFlags, json, type OutputFlags, planOrReport, withClient } from './io';
import { startRun } from './run-actions';

// `vidu-flow music-video [flags]`: the one-click MV, started on the AD film's workflow
// (workflow type musicVideo). `edit`, `approve`, `storyboards`, `status`, `watch` and `cancel`
// take its workflow id as they take an AD film's (cli/ad-film-actions.ts).

export const MUSIC_VIDEO_TYPE = 'musicVideo';

/** The flags of `vidu-flow music-video` as commander hands them over. */
export interface MusicVideoFlags extends StartFlags {
  image?: string[];
  audio?: string;
  lipSync?: boolean;
  prompt?: string;
  aspectRatio?: string;
  resolution?: string;
  edit?: string[];
  review?: boolean;
  reviewTimeout?: string;
  onReviewTimeout?: string;
  editAttempts?: string;
}

export interface MusicVideoPlan {
  input: MusicVideoInput;
  start: StartOptions;
  localFiles: string[];
}

const FIELD_FLAGS: readonly FieldFlag<MusicVideoFlags>[] = [
  ['images', 'image', '--image'],
  ['audio_url', 'audio', '--audio'],
  ['prompt', 'prompt', '--prompt'],
  ['aspect_ratio', 'aspectRatio', '--aspect-ratio'],
  ['resolution', 'resolution', '--resolution'],
  ['edits', 'edit', '--edit'],
  ['options.reviewTimeoutSeconds', 'reviewTimeout', '--review-timeout'],
  ['options.onReviewTimeout', 'onReviewTimeout', '--on-review-timeout'],
  ['options.editAttempts', 'editAttempts', '--edit-attempts'],
  ...START_OPTION_FLAGS,
];

/**
 * Maps the flags to the workflow input and start options, then runs the client's input checks
 * (checkMusicVideoInput): every problem at once, each naming the flag behind it.
 */
export function prepareMusicVideo(flags: MusicVideoFlags, ctx: PlanContext): MusicVideoPlan {
  const issues: string[] = [];
  const request: Record<string, unknown> = {};
  const images = (flags.image ?? []).map((ref) => resolveLocalPath(ref, ctx.cwd));
  if (images.length > 0) request.images = images;
  const audio = flags.audio !== undefined ? resolveLocalPath(flags.audio, ctx.cwd) : undefined;
  if (audio !== undefined) request.audio_url = audio;
  if (flags.lipSync) request.lip_sync = true;
  if (flags.prompt !== undefined) request.prompt = flags.prompt;
  if (flags.aspectRatio !== undefined) request.aspect_ratio = flags.aspectRatio;
  if (flags.resolution !== undefined) request.resolution = flags.resolution;

  const { edits, issues: editIssues } = parseEditSpecs(flags.edit ?? []);
  issues.push(...editIssues);
  const options = filmReviewOptions(flags, issues);
  applyStartFlagOptions(options, flags, issues);
  if (!flags.review && (flags.reviewTimeout !== undefined || flags.onReviewTimeout !== undefined))
    issues.push('--review-timeout and --on-review-timeout apply only with --review');
  const start = startOptionsFrom(flags, flags.idempotencyKey, ctx, issues);

  // The edits are checked as the workflow input: a music video takes footage edits only.
  const input = {
    request,
    ...(edits.length > 0 ? { edits } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
  issues.push(...checkMusicVideoInput(input).map((line) => withFlagHint(line, flags, FIELD_FLAGS)));
  if (issues.length > 0) throw new UsageError(issues);
  return {
    input: input as MusicVideoInput,
    start,
    localFiles: [...images, ...(audio !== undefined ? [audio] : [])].filter(isLocalPath),
  };
}

export interface MusicVideoCommandFlags extends MusicVideoFlags, GlobalFlags, OutputFlags {
  wait?: boolean;
  dryRun?: boolean;
}

export async function musicVideoAction(io: CliIO, flags: MusicVideoCommandFlags): Promise<number> {
  const plan = planOrReport(io, () => prepareMusicVideo(flags, { cwd: io.cwd, readFile: io.readFile }));
  if (!plan) return EXIT.usage;
  if (flags.dryRun) {
    json(io, { kind: MUSIC_VIDEO_TYPE, ...plan.start, input: plan.input });
    return EXIT.ok;
  }
  const review = plan.input.options?.review === true;
  return withClient(io, flags, (client) =>
    startRun(io, flags, plan.start, () => client.startMusicVideo(plan.input, plan.start), {
      started: 'music video',
      startedNote: review ? ' (review mode)' : '',
      hints: (id) => [
        `started music video; follow it with: vidu-flow watch ${id}`,
        ...(review
          ? [`review mode: once it is reviewing, see vidu-flow storyboards ${id}, then edit or approve it`]
          : []),
      ],
      // The AD film's follower: the same status, storyboards and review notices.
      follow: (handle) => awaitAdFilm(io, handle, flags),
    }),
  );
}
