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
    let creations = input.creations;
    let refreshed = false;

    const wanted = (list: CreationRef[]) =>
      list.flatMap((c) => [
        { creationId: c.id, role: 'main' as const, url: c.url },
        ...(c.coverUrl ? [{ creationId: c.id, role: 'cover' as const, url: c.coverUrl }] : []),
      ]);

    for (let i = 0; i < wanted(creations).length; i += 1) {
      const item = wanted(creations)[i]!;
      // A retried archive skips what an earlier attempt finished, so there is never a second copy.
      const done = manifest.files.find((f) => f.creationId === item.creationId && (f.role === 'cover') === (item.role === 'cover'));
      if (done && (await archive.exists(`${input.workflowId}/${done.name}`))) continue;
      let file: ArchivedFile;
      try {
        file = await download(item, input, manifest);
      } catch (err) {
        if (!(err instanceof UrlExpired) || refreshed) throw err;
        // The URL outlived its hour: ask Vidu for fresh ones and go on from the same item.
        creations = await freshCreations(input.taskId, creations);
        refreshed = true;
        i -= 1;
        continue;
      }
      manifest.files = [...manifest.files.filter((f) => f.name !== file.name), file];
      await archive.writeJson(manifestKey, manifest);
      heartbeat({ archived: manifest.files.length });
    }
    await archive.writeJson(manifestKey, manifest);
    return { root: archive.locate(input.workflowId), manifest: archive.locate(manifestKey), files: manifest.files };
  };

  async function download(
    item: { creationId: string; role: 'main' | 'cover'; url: string },
    input: ArchiveInput,
    _manifest: Manifest,
  ): Promise<ArchivedFile> {
    const res = await fetchImpl(item.url);
    if (res.status === 403 || res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      throw new UrlExpired(`result URL answered ${res.status}`);
    }
    if (!res.ok || !res.body) throw new Error(`downloading creation ${item.creationId} (${item.role}) failed: HTTP ${res.status}`);
    const contentType = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
    const ext = EXTENSIONS[contentType] ?? extensionFromUrl(item.url) ?? 'bin';
    const name = item.role === 'cover' ? `${item.creationId}.cover.${ext}` : `${item.creationId}.${ext}`;
    const key = `${input.workflowId}/${name}`;
    const stored = await deps.archive.write(key, Readable.fromWeb(res.body as never), contentType);
    return {
      name,
      role: item.role === 'cover' ? 'cover' : contentType.startsWith('image/') ? 'image' : 'video',
      creationId: item.creationId,
      sha256: stored.sha256,
      bytes: stored.bytes,
      contentType,
      location: deps.archive.locate(key),
    };
  }

  async function freshCreations(taskId: string, previous: CreationRef[]): Promise<CreationRef[]> {
    let body;
    try {
      body = await deps.vidu.getCreations(taskId);
    } catch (err) {
      throw toApplicationFailure(err, `refresh result URLs of task ${taskId}`);
    }
    const fresh = toSnapshot(body, 'poll', taskId)?.creations ?? [];
    return fresh.length > 0 ? fresh : previous;
  }
}

function extensionFromUrl(url: string): string | undefined {
  const match = /\.([a-z0-9]{2,4})$/i.exec(new URL(url).pathname);
  return match?.[1]?.toLowerCase();
}
