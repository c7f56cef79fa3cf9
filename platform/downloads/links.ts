import type { Client } from '@temporalio/client';
import { s3ClientFromEnv } from '../stores/s3-client';
import { DEFAULT_LINK_SECONDS, presignLocation } from '../stores/s3-links';

export interface DownloadLink {
  /** File name in the archive folder (`manifest.json` for the manifest). */
  name: string;
  /** `s3://bucket/key` */
  location: string;
  sha256?: string;
  bytes?: number;
  /** A GET link anyone holding it can use until `expiresAt`. */
  url: string;
  expiresAt: string;
}

export interface LinkOptions {
  /** Link lifetime, 1 s to 7 days; default one hour. */
  expiresInSeconds?: number;
  /** Where AWS_* settings come from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Presigned download links to every s3:// file a completed workflow archived (generation, AD film
 * or batch: any `{ name, location }` in its result, plus manifests). Signed locally with the
 * caller's own AWS credentials (the standard chain); nothing is sent to S3. Local (non-s3)
 * archives have no links: the list is empty.
 */
export async function presignedLinks(
  temporal: Client,
  workflowId: string,
  opts: LinkOptions = {},
): Promise<DownloadLink[]> {
  const handle = temporal.workflow.getHandle(workflowId);
  const d = await handle.describe();
  if (d.status.name !== 'COMPLETED')
    throw new Error(`${workflowId} is ${d.status.name}: download links exist once it has completed`);
  const files = archivedFiles(await handle.result());
  if (files.length === 0) return [];
  const expires = opts.expiresInSeconds ?? DEFAULT_LINK_SECONDS;
  const s3 = s3ClientFromEnv(opts.env ?? process.env);
  try {
    const expiresAt = new Date(Date.now() + expires * 1000).toISOString();
    const links: DownloadLink[] = [];
    for (const f of files) links.push({ ...f, url: (await presignLocation(s3, f.location, expires))!, expiresAt });
    return links;
  } finally {
    s3.destroy();
  }
}

export type FileRef = Omit<DownloadLink, 'url' | 'expiresAt'>;

/** Every s3:// file (and manifest) named anywhere in a workflow result; empty for local archives. */
export function archivedFiles(value: unknown, found = new Map<string, FileRef>()): FileRef[] {
  if (Array.isArray(value)) value.forEach((v) => archivedFiles(v, found));
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o.location === 'string' && o.location.startsWith('s3://') && typeof o.name === 'string') {
      found.set(o.location, {
        name: o.name,
        location: o.location,
        ...(typeof o.sha256 === 'string' ? { sha256: o.sha256 } : {}),
        ...(typeof o.bytes === 'number' ? { bytes: o.bytes } : {}),
      });
    }
    if (typeof o.manifest === 'string' && o.manifest.startsWith('s3://'))
      found.set(o.manifest, { name: 'manifest.json', location: o.manifest });
    Object.values(o).forEach((v) => archivedFiles(v, found));
  }
  return [...found.values()];
}
