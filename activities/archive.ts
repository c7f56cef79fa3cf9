import { CancelledFailure, Context } from '@temporalio/activity';
import { heartbeat } from './heartbeats';
import type { ViduClient } from '../vidu/client';
import type { FilmKindName } from '../core/film-kinds';
import { toSnapshot } from '../core/task-snapshot';
import type { ArchivedFile, ArchiveResult, FilmCreation, GenerationKind, MissingExtra } from '../core/generation-types';
import { DEFAULT_DOWNLOAD_LIMITS, type DownloadLimits, guardedDownload, UrlExpired } from './archive-download';
import { archiveExtension, archiveFileName, archiveFolder } from './archive-names';
import { toApplicationFailure } from './failures';
import type { ArchiveStore } from '../platform/stores/archive-store';

export interface ArchiveInput {
  workflowId: string;
  kind: GenerationKind | FilmKindName;
  taskId: string;
  creations: FilmCreation[];
}

/** `<archive root>/<workflowId>/manifest.json` (README.md, "Configuration", archive layout). */
export interface Manifest {
  workflowId: string;
  kind: string;
  taskId: string;
  files: ArchivedFile[];
  /** Optional extras (covers, watermarked copies) that could not be archived, with the reason; absent when none. */
  missing?: MissingExtra[];
}

export interface ArchiveLimits extends DownloadLimits {
  /** Tries per optional extra (a cover) within one attempt before it is recorded as missing. */
  extraTries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { ...DEFAULT_DOWNLOAD_LIMITS, extraTries: 3 };

export interface ArchiveDeps {
  vidu: ViduClient;
  archive: ArchiveStore;
  /** Every archive download goes through it (the worker passes one that refuses private addresses). */
  fetch?: typeof fetch;
  /** Idle timeout, size cap and extra tries; defaults in DEFAULT_ARCHIVE_LIMITS. */
  archiveLimits?: Partial<ArchiveLimits>;
}

/** The result, and its optional extras: the cover, and the watermarked copy when the request asked for one. */
type Role = 'main' | 'cover' | 'watermarked';
const ROLES: readonly Role[] = ['main', 'cover', 'watermarked'];

function urlOf(creation: FilmCreation, role: Role): string {
  return role === 'main' ? creation.url : role === 'cover' ? creation.coverUrl : (creation.watermarkedUrl ?? '');
}

/** Manifest names we wrote ourselves; an older manifest with anything else is not trusted for reuse. */
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function makeArchiveTask(deps: ArchiveDeps) {
  const fetchImpl = deps.fetch ?? fetch;
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...deps.archiveLimits };

  /**
   * Streams every creation, its cover and its watermarked copy (when the request asked for a
   * watermark, Vidu's watermarked_url) into `<archive root>/<workflowId>/`. The result must be
   * archived (a failure fails the attempt, and the retry policy retries); a cover or a watermarked
   * copy is an optional extra: when it cannot be had it is listed in `missing` with its reason and
   * the archive succeeds.
   * A file an earlier attempt finished is reused only when its bytes still hash to the manifest.
   */
  return async function archiveTask(input: ArchiveInput): Promise<ArchiveResult> {
    const { archive } = deps;
    const folder = archiveFolder(input.workflowId);
    const manifestKey = `${folder}/manifest.json`;
    const stored = await archive.readJson<Manifest>(manifestKey);
    const manifest: Manifest = stored ?? {
      workflowId: input.workflowId,
      kind: input.kind,
      taskId: input.taskId,
      files: [],
    };
    // Each write is durable (fsync of the file and its folder), so an unchanged manifest is not
    // written again: the final save costs nothing after the last file's save.
    let saved = stored ? JSON.stringify(stored) : undefined;
    const save = async (): Promise<void> => {
      const json = JSON.stringify(manifest);
      if (json === saved) return;
      await archive.writeJson(manifestKey, manifest);
      saved = json;
    };
    const progress = heartbeater(() => manifest.files.length);
    // Fresh creation lists, fetched at most once per task when its URLs turn out expired.
    const refreshed = new Map<string, FilmCreation[]>();
    for (const creation of input.creations) {
      let current = creation;
      for (const role of ROLES) {
        if (!urlOf(current, role)) continue;
        if (await stillIntact(folder, current.id, role, manifest, progress)) {
          setMissing(manifest, current.id, role, undefined);
          continue;
        }
        let file: ArchivedFile;
        try {
          ({ file, creation: current } = await archiveOne(folder, current, role, input.taskId, refreshed, progress));
        } catch (err) {
          // The paid result itself must be archived: fail (and retry). An extra may go missing.
          if (role === 'main' || isCancellation(err)) throw err;
          setMissing(manifest, current.id, role, err instanceof Error ? err.message : String(err));
          await save();
          continue;
        }
        manifest.files = [
          ...manifest.files.filter(
            (f) => f.name !== file.name && !(f.creationId === file.creationId && isRole(f, role)),
          ),
          file,
        ];
        setMissing(manifest, current.id, role, undefined);
        await save();
      }
    }
    await save();
    return {
      root: archive.locate(folder),
      manifest: archive.locate(manifestKey),
      files: manifest.files,
      ...(manifest.missing && manifest.missing.length > 0 ? { missing: manifest.missing } : {}),
    };
  };

  /** A file of an earlier attempt counts only if its size and sha256 still match the manifest. */
  async function stillIntact(
    folder: string,
    creationId: string,
    role: Role,
    manifest: Manifest,
    progress: Progress,
  ): Promise<boolean> {
    const done = manifest.files.find((f) => f.creationId === creationId && isRole(f, role));
    if (!done || !PLAIN_NAME.test(done.name)) return false;
    const found = await deps.archive.digest(`${folder}/${done.name}`, (bytes) =>
      progress({ creationId, role, rehashed: bytes }),
    );
    return found !== undefined && found.bytes === done.bytes && found.sha256 === done.sha256;
  }

  /** One file, with one refresh of expired URLs; an extra is tried `extraTries` times. */
  async function archiveOne(
    folder: string,
    creation: FilmCreation,
    role: Role,
    taskId: string,
    refreshed: Map<string, FilmCreation[]>,
    progress: Progress,
  ): Promise<{ file: ArchivedFile; creation: FilmCreation }> {
    const tries = role === 'main' ? 1 : Math.max(1, limits.extraTries);
    let current = creation;
    for (let attempt = 1; ; attempt++) {
      try {
        try {
          return { file: await download(folder, current, role, progress), creation: current };
        } catch (err) {
          if (!(err instanceof UrlExpired)) throw err;
          // The URL outlived its hour: ask Vidu for fresh ones and try once more.
          current = await freshCreation(current.sourceTaskId ?? taskId, current, refreshed);
          return { file: await download(folder, current, role, progress), creation: current };
        }
      } catch (err) {
        if (attempt >= tries || isCancellation(err)) throw err;
        await pause(1000 * attempt);
      }
    }
  }

  async function download(
    folder: string,
    creation: FilmCreation,
    role: Role,
    progress: Progress,
  ): Promise<ArchivedFile> {
    const url = urlOf(creation, role);
    return guardedDownload({
      fetch: fetchImpl,
      url,
      what: `creation ${JSON.stringify(creation.id)} (${role === 'main' ? 'result' : role === 'cover' ? 'cover' : 'watermarked copy'})`,
      limits,
      onProgress: (bytes) => progress({ creationId: creation.id, role, bytes }),
      sink: async (contentType, body) => {
        const name = archiveFileName(creation.id, role, archiveExtension(contentType, url));
        const key = `${folder}/${name}`;
        const stored = await deps.archive.write(key, body, contentType);
        return {
          name,
          role:
            role !== 'main'
              ? role
              : contentType.startsWith('image/')
                ? 'image'
                : contentType.startsWith('audio/')
                  ? 'audio'
                  : 'video',
          creationId: creation.id,
          sha256: stored.sha256,
          bytes: stored.bytes,
          contentType,
          location: deps.archive.locate(key),
        };
      },
    });
  }

  async function freshCreation(
    taskId: string,
    stale: FilmCreation,
    cache: Map<string, FilmCreation[]>,
  ): Promise<FilmCreation> {
    let list = cache.get(taskId);
    if (!list) {
      let body;
      try {
        body = await deps.vidu.getCreations(taskId);
      } catch (err) {
        throw toApplicationFailure(err, `refresh result URLs of task ${taskId}`);
      }
      list = toSnapshot(body, 'poll', taskId)?.creations ?? [];
      cache.set(taskId, list);
    }
    const fresh = list.find((c) => c.id === stale.id);
    if (!fresh) throw new Error(`task ${taskId} no longer lists creation ${JSON.stringify(stale.id)}`);
    // Keep the caller's choice of parts: a cover-only entry stays cover-only.
    return {
      ...stale,
      url: stale.url ? fresh.url : '',
      coverUrl: fresh.coverUrl,
      ...(stale.watermarkedUrl ? { watermarkedUrl: fresh.watermarkedUrl ?? '' } : {}),
    };
  }
}

function isRole(f: ArchivedFile, role: Role): boolean {
  return role === 'main' ? f.role !== 'cover' && f.role !== 'watermarked' : f.role === role;
}

function setMissing(manifest: Manifest, creationId: string, role: Role, reason: string | undefined): void {
  if (role === 'main') return;
  const others = (manifest.missing ?? []).filter((m) => !(m.creationId === creationId && m.role === role));
  const next = reason === undefined ? others : [...others, { creationId, role, reason }];
  if (next.length > 0) manifest.missing = next;
  else delete manifest.missing;
}

type Progress = (details: Record<string, unknown>) => void;

/** Heartbeats with what is being archived; a no-op outside an activity (direct calls in tests). */
function heartbeater(archived: () => number): Progress {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    ctx = undefined;
  }
  // Through heartbeats.ts, so its keep-alive timer repeats this attempt's latest details.
  return (details) => ctx && heartbeat({ archived: archived(), ...details });
}

/** Temporal cancelled (or timed out) this attempt: never turn that into a missing extra or a retry. */
function isCancellation(err: unknown): boolean {
  if (err instanceof CancelledFailure) return true;
  try {
    return Context.current().cancellationSignal.aborted;
  } catch {
    return false;
  }
}

/** Cancellation-aware inside an activity. */
function pause(ms: number): Promise<void> {
  try {
    return Context.current().sleep(ms);
  } catch {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
