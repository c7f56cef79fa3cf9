import { checkGenerationInput, checkRequest } from '../contract/generation-input';
import { mediaSlots, viduIdFields, type MediaEndpoint } from '../contract/media-fields';
import { ENDPOINTS, isFilmEndpoint, type EndpointSpec, type FilmEndpoint } from '../vidu/endpoints';
import { resolveResultRefs } from './result-refs';
import { OPERATOR_OWNER } from '../contract/staged-ref';
import { currentOwnership, ownerLookup, type OwnerLookup, type WorkflowOwnership } from './workflow-owner';
import type { ArchiveStore } from '../platform/stores/archive-store';
import { MediaProbeError } from '../vidu/media/errors';
import { BYTES_PER_MEGABYTE, checkMedia } from '../vidu/media/limits';
import type { GenerationKind, GenerationOptions, StagedMedia, StageResult } from '../core/generation-types';
import { invalidRequest } from './failures';
import { serverIdIssues } from './subjects';
import { MediaLoadError, receiveMedia, type MediaSourceDeps, type ReceivedMedia } from './media-source';
import { probeFile } from '../vidu/media/probe-file';
import { estimateCredits, type PriceTable } from '../vidu/prices';
import { isTrueLike } from '../vidu/schemas/common';
import { needsVoiceOwner } from '../contract/voice-ids';
import { mapVoiceIds } from './voice-ids';

/** Vidu's whole-request limit (docs/vidu-api.md §0); staged inputs travel inside it as base64. */
const MAX_BODY_BYTES = 20 * BYTES_PER_MEGABYTE;

export interface StageInput {
  kind: GenerationKind | FilmEndpoint;
  workflowId: string;
  request: Record<string, unknown>;
  options?: GenerationOptions;
}

export interface StageDeps extends MediaSourceDeps {
  archive?: ArchiveStore;
  /** Who owns the running workflow; default: described through the activity's client. */
  ownership?: () => Promise<WorkflowOwnership>;
  /** The owner of a referenced workflow (vidu-flow: references); default: the activity's client. */
  ownerOf?: OwnerLookup;
  /** The prices in force (VIDU_FLOW_PRICES_FILE); default: the built-in table. */
  prices?: () => PriceTable;
}

/**
 * Vidu ids in a caller's own request (issue 16 item 3): every key shares one Vidu account, so a
 * creation id names any key's result. An API caller names its results as vidu-flow: references
 * (checked against its own generations); a Vidu id is taken only from the operator, or from a
 * child vidu-flow derived itself (an upscale of the parent's creation).
 */
export function viduIdIssues(endpoint: MediaEndpoint, request: Record<string, unknown>): string[] {
  return viduIdFields(endpoint)
    .filter((field) => request[field] !== undefined)
    .map(
      (field) =>
        `${field}: a Vidu id is not accepted from an API caller; name a result of your own as vidu-flow:<workflowId>/<creationId>`,
    );
}

/** Whether a request names stored subjects (reference2video's `subjects[].server_id`). */
function hasServerIds(request: Record<string, unknown>): boolean {
  return (
    Array.isArray(request.subjects) &&
    request.subjects.some((s: unknown) => typeof s === 'object' && s !== null && 'server_id' in s)
  );
}

export function makeStageInputs(deps: StageDeps) {
  /**
   * Checks the request against every documented rule and reads, checks and stores each input, so
   * that bad input fails here, before any credit is spent. Returns the request with each input
   * replaced by a small reference: http(s) URLs stay as they are (Vidu fetches them), files and
   * data URIs become `staged:` references resolved at submit time.
   */
  return async function stageInputs(input: StageInput): Promise<StageResult> {
    const issues = isFilmEndpoint(input.kind)
      ? checkRequest(input.kind, input.request)
      : checkGenerationInput(input.kind, {
          request: input.request,
          ...(input.options ? { options: input.options } : {}),
        });
    if (issues.length > 0) throw invalidRequest(issues);

    const request = structuredClone(input.request);
    const media: StagedMedia[] = [];
    // The owner is the workflow's, never the request's: staged inputs and vidu-flow: references
    // resolve within it, and Vidu ids are the operator's to send (see viduIdIssues).
    // Looked up (one DescribeWorkflowExecution, ~7 ms on the dev server) only when something in
    // the request is resolved or stored under it: URL-only requests need no owner.
    const needsOwner =
      viduIdFields(input.kind).some((f) => request[f] !== undefined) ||
      hasServerIds(request) ||
      mediaSlots(input.kind, structuredClone(request)).some((slot) => !/^https?:\/\//i.test(slot.value)) ||
      needsVoiceOwner(input.kind, request);
    const ownership = needsOwner
      ? await (deps.ownership ?? currentOwnership)()
      : { owner: OPERATOR_OWNER, callerText: false };
    const owner = ownership.owner;
    if (owner !== OPERATOR_OWNER && ownership.callerText) {
      const idIssues = viduIdIssues(input.kind, request);
      if (idIssues.length > 0) throw invalidRequest(idIssues);
    }
    // Cloned voices live in their owner's namespace (contract/voice-ids.ts, README "The tenant model").
    const voices = mapVoiceIds(input.kind, request, owner);
    if (voices.problems.length > 0) throw invalidRequest(voices.problems);
    // Stored subjects (docs/vidu-api-subjects.md §2.1): an API key uses its own only, checked here
    // before anything is paid; the operator, trusted with Vidu ids, may name any.
    if (owner !== OPERATOR_OWNER && hasServerIds(request)) {
      const subjectIssues = await serverIdIssues(deps.archive, owner, request);
      if (subjectIssues.length > 0) throw invalidRequest(subjectIssues);
    }
    const problems: string[] = await resolveResultRefs(request, deps.archive, {
      owner,
      ownerOf: deps.ownerOf ?? ownerLookup(),
    });
    if (problems.length > 0) throw invalidRequest(problems);
    const sourceDeps: MediaSourceDeps = { ...deps, owner };
    let inlineBytes = 0;
    for (const slot of mediaSlots(input.kind, request)) {
      const limit = slot.limit;
      let received: ReceivedMedia | undefined;
      try {
        received = await receiveMedia(slot.value, limit.maxMegabytes * BYTES_PER_MEGABYTE, sourceDeps);
        const { file, source } = received;
        const probe = await probeFile(file.path, file.size);
        const broken = checkMedia(probe, file.size, limit, slot.path);
        if (broken.length > 0) {
          problems.push(...broken);
          continue;
        }
        // URLs stay URLs (Vidu fetches them); the bytes were read only to check them.
        const ref = source === 'url' ? slot.value : await file.commit(probe.format, owner);
        if (source !== 'url') inlineBytes += Math.ceil(file.size / 3) * 4;
        slot.set(ref);
        media.push({
          field: slot.path,
          ref,
          format: probe.format,
          bytes: file.size,
          width: probe.width,
          height: probe.height,
          ...(probe.durationSeconds !== undefined ? { durationSeconds: probe.durationSeconds } : {}),
        });
      } catch (err) {
        // Messages name the field and the rule; probe details are given only for bytes a caller
        // may send (downloads, data URIs, staged files, files under an input root).
        if (err instanceof MediaLoadError) problems.push(`${slot.path}: ${err.message}`);
        else if (err instanceof MediaProbeError)
          problems.push(
            `${slot.path}: not a readable ${limit.kind} (${err.message}); accepted formats: ${limit.formats.join(', ')}`,
          );
        else throw err;
      } finally {
        await received?.file.discard();
      }
    }
    if (inlineBytes > MAX_BODY_BYTES) {
      problems.push(
        `request: the inline inputs come to ${(inlineBytes / BYTES_PER_MEGABYTE).toFixed(1)} MB as base64, over Vidu's 20 MB request limit; pass large inputs as http(s) URLs`,
      );
    }
    // Rules across several inputs (start-end2video's two frames), once each one passed its own.
    const rule = isFilmEndpoint(input.kind) ? undefined : (ENDPOINTS[input.kind] as EndpointSpec).mediaRule;
    if (rule && problems.length === 0) {
      const sizes = new Map(
        media
          .filter((m) => m.width !== undefined && m.height !== undefined)
          .map((m) => [m.field, { width: m.width!, height: m.height! }]),
      );
      problems.push(...rule(sizes, request));
    }
    if (problems.length > 0) throw invalidRequest(problems);

    return {
      request,
      media,
      ...(typeof request.model === 'string' ? { model: request.model } : {}),
      offPeak: isTrueLike(request.off_peak),
      ...(voices.voice ? { voice: voices.voice } : {}),
      ...(isFilmEndpoint(input.kind) ? {} : { estimate: stagedEstimate(input.kind, request, media, deps.prices?.()) }),
    };
  };
}

/**
 * The price of the request as it will be submitted, from the prices in force. Here rather than in
 * the workflow: the table may change (the operator's file), so the figure is recorded once, in
 * this activity's result, and replays read it back. The source video's probed length prices
 * upscale and lip-sync.
 */
function stagedEstimate(
  kind: GenerationKind,
  request: Record<string, unknown>,
  media: StagedMedia[],
  table: PriceTable | undefined,
): NonNullable<StageResult['estimate']> {
  const sourceSeconds = media.find((m) => m.field === 'video_url')?.durationSeconds;
  const e = estimateCredits(kind, request, {
    ...(table ? { table } : {}),
    ...(sourceSeconds !== undefined ? { facts: { sourceSeconds } } : {}),
  });
  return { credits: e.credits, basis: e.basis, ...(e.unpriced !== undefined ? { unpriced: e.unpriced } : {}) };
}
