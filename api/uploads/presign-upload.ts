import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3ClientFromEnv } from '../../platform/stores/s3-client';
import { objectKey, parseS3Url, type S3Location } from '../../platform/stores/s3-location';
import { stagedRef } from '../../contract/staged-ref';

// Presigned uploads (issue 22 item 2) when staging is a bucket (STAGING_URL=s3://…): the caller
// PUTs its bytes straight to `<prefix>/<owner>/<sha256>.<ext>`, the object the worker resolves
// `staged:<owner>/<sha256>.<ext>` to (platform/stores/s3-staging-store.ts). The signature binds
// Content-Type, Content-Length and x-amz-checksum-sha256 (sent as headers, not hoisted into the
// query), so S3 stores only bytes of that length whose sha256 is the one in the object's name.
// The API's media checks do not see these bytes: the worker's stage step reads and probes every
// staged input before any credit (activities/stage.ts: receiveMedia → probeFile → checkMedia).

/** A presigned PUT lives 15 minutes: long enough for a large file, short for a leaked URL. */
export const UPLOAD_LINK_SECONDS = 15 * 60;

export interface PresignedUpload {
  method: 'PUT';
  url: string;
  /** Send exactly these headers with the PUT (they are part of the signature). */
  headers: Record<string, string>;
  ref: string;
  expiresAt: string;
}

export type UploadPresigner = (
  owner: string,
  file: { sha256: string; ext: string; contentType: string; bytes: number },
) => Promise<PresignedUpload>;

/** The presigner for STAGING_URL=s3://…, or undefined with a local staging folder. */
export function uploadPresigner(env: NodeJS.ProcessEnv = process.env, s3?: S3Client): UploadPresigner | undefined {
  const url = env.STAGING_URL || undefined;
  if (!url?.startsWith('s3://')) return undefined;
  const loc: S3Location = parseS3Url(url, 'STAGING_URL');
  let client = s3;
  return async (owner, file) => {
    client ??= s3ClientFromEnv(env);
    const name = `${file.sha256}.${file.ext}`;
    const ref = stagedRef(owner, name);
    const checksum = Buffer.from(file.sha256, 'hex').toString('base64');
    const headers = {
      'content-type': file.contentType,
      'content-length': String(file.bytes),
      'x-amz-checksum-sha256': checksum,
    };
    const command = new PutObjectCommand({
      Bucket: loc.bucket,
      Key: objectKey(loc, `${owner}/${name}`),
      ContentType: file.contentType,
      ContentLength: file.bytes,
      ChecksumSHA256: checksum,
    });
    const signed = await getSignedUrl(client, command, {
      expiresIn: UPLOAD_LINK_SECONDS,
      signableHeaders: new Set(['content-type', 'content-length', 'x-amz-checksum-sha256']),
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    });
    return {
      method: 'PUT',
      url: signed,
      headers,
      ref,
      expiresAt: new Date(Date.now() + UPLOAD_LINK_SECONDS * 1000).toISOString(),
    };
  };
}
