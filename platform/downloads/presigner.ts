import type { S3Client } from '@aws-sdk/client-s3';
import { s3ClientFromEnv } from '../stores/s3-client';
import { DEFAULT_LINK_SECONDS, presignLocation } from '../stores/s3-links';
import { archivedFiles, type DownloadLink } from './links';

// Presigned download links in GET /v1/generations/{id} (and so in webhooks) when the archive is
// S3: the same links `vidu-flow status --links` prints, signed locally with this process's AWS
// credentials (the standard chain). Nothing is sent to S3; local archives get no links.

export type Presigner = (result: unknown) => Promise<DownloadLink[] | undefined>;

export function downloadPresigner(
  opts: { env?: NodeJS.ProcessEnv; expiresInSeconds?: number; log?: (line: string) => void } = {},
): Presigner {
  let s3: S3Client | undefined;
  let warned = false;
  const expires = opts.expiresInSeconds ?? DEFAULT_LINK_SECONDS;
  return async (result) => {
    const files = archivedFiles(result);
    if (files.length === 0) return undefined;
    try {
      s3 ??= s3ClientFromEnv(opts.env ?? process.env);
      const expiresAt = new Date(Date.now() + expires * 1000).toISOString();
      return await Promise.all(
        files.map(async (f) => ({ ...f, url: (await presignLocation(s3!, f.location, expires))!, expiresAt })),
      );
    } catch (err) {
      // No credentials here (the archive locations still say where the files are): log once, answer without links.
      if (!warned) (opts.log ?? console.error)(`download links not signed: ${(err as Error).message.split('\n')[0]}`);
      warned = true;
      return undefined;
    }
  };
}
