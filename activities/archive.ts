import { heartbeat } from '@temporalio/activity';
import { Readable } from 'node:stream';
import type { ViduClient } from '../vidu/client';
import { toSnapshot } from '../workflows/task-snapshot';
import type { ArchivedFile, ArchiveResult, CreationRef, GenerationKind } from '../workflows/types';
import { toApplicationFailure } from './failures';
import type { ArchiveStore } from './stores/archive-store';

export interface ArchiveInput {
  workflowId: string;
  kind: GenerationKind | 'adFilm';
  taskId: string;
  creations: CreationRef[];
}

/** `<archive root>/<workflowId>/manifest.json` (DESIGN.md, archive layout). */
export interface Manifest {
  workflowId: string;
  kind: string;
  taskId: string;
  files: ArchivedFile[];
}

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'audio/mpeg': 'mp3',
};

/** Thrown when a result URL has expired (Vidu's URLs live one hour). */
class UrlExpired extends Error {}

export function makeArchiveTask(deps: { vidu: ViduClient; archive: ArchiveStore; fetch?: typeof fetch }) {
  const fetchImpl = deps.fetch ?? fetch;

  return async function archiveTask(input: ArchiveInput): Promise<ArchiveResult> {
    const { archive } = deps;
    const manifestKey = `${input.workflowId}/manifest.json`;
    const manifest: Manifest = (await archive.readJson<Manifest>(manifestKey)) ?? {
      workflowId: input.workflowId,
      kind: input.kind,
      taskId: input.taskId,
      files: [],
    };
    // Fresh creation lists, fetched at most once per task when its URLs turn out expired.
    const refreshed = new Map<string, CreationRef[]>();
    for (const creation of input.creations) {
      let current = creation;
      for (const role of ['main', 'cover'] as const) {
        // A retried archive skips what an earlier attempt finished, so there is never a second copy.
        const done = manifest.files.find((f) => f.creationId === current.id && (f.role === 'cover') === (role === 'cover'));
        if (done && (await archive.exists(`${input.workflowId}/${done.name}`))) continue;
        if (!(role === 'main' ? current.url : current.coverUrl)) continue;
        let file: ArchivedFile;
        try {
          file = await download(current, role, input.workflowId);
        } catch (err) {
          if (!(err instanceof UrlExpired)) throw err;
          // The URL outlived its hour: ask Vidu for fresh ones and try once more.
          current = await freshCreation(current.sourceTaskId ?? input.taskId, current, refreshed);
          file = await download(current, role, input.workflowId);
        }
        manifest.files = [...manifest.files.filter((f) => f.name !== file.name), file];
        await archive.writeJson(manifestKey, manifest);
        heartbeat({ archived: manifest.files.length });
      }
    }
    await archive.writeJson(manifestKey, manifest);
    return { root: archive.locate(input.workflowId), manifest: archive.locate(manifestKey), files: manifest.files };
  };

  async function download(creation: CreationRef, role: 'main' | 'cover', workflowId: string): Promise<ArchivedFile> {
    const url = role === 'main' ? creation.url : creation.coverUrl;
    const res = await fetchImpl(url);
    if (res.status === 403 || res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      throw new UrlExpired(`result URL answered ${res.status}`);
    }
    if (!res.ok || !res.body) throw new Error(`downloading creation ${creation.id} (${role}) failed: HTTP ${res.status}`);
    const contentType = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
    const ext = EXTENSIONS[contentType] ?? extensionFromUrl(url) ?? 'bin';
    const name = role === 'cover' ? `${creation.id}.cover.${ext}` : `${creation.id}.${ext}`;
    const key = `${workflowId}/${name}`;
    const stored = await deps.archive.write(key, Readable.fromWeb(res.body as never), contentType);
    return {
      name,
      role: role === 'cover' ? 'cover' : contentType.startsWith('image/') ? 'image' : 'video',
      creationId: creation.id,
      sha256: stored.sha256,
      bytes: stored.bytes,
      contentType,
      location: deps.archive.locate(key),
    };
  }

  async function freshCreation(taskId: string, stale: CreationRef, cache: Map<string, CreationRef[]>): Promise<CreationRef> {
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
    if (!fresh) throw new Error(`task ${taskId} no longer lists creation ${stale.id}`);
    // Keep the caller's choice of parts: a cover-only entry stays cover-only.
    return { ...stale, url: stale.url ? fresh.url : '', coverUrl: fresh.coverUrl };
  }
}

function extensionFromUrl(url: string): string | undefined {
  const match = /\.([a-z0-9]{2,4})$/i.exec(new URL(url).pathname);
  return match?.[1]?.toLowerCase();
}
