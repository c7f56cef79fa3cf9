import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk, s3Presigner } from './aws-sdk';
import { splitS3Location } from './s3-location';

/** Presigned links last an hour unless asked otherwise; S3 allows at most 7 days (SigV4). */
export const DEFAULT_LINK_SECONDS = 3600;
export const MAX_LINK_SECONDS = 7 * 24 * 3600;

/**
 * A time-limited HTTPS (or HTTP, for a local endpoint) GET link to an `s3://bucket/key` location,
 * signed locally with the caller's credentials: no request is made, and whoever holds the link can
 * download that one object until it expires. Undefined for a location that is not s3://.
 */
export async function presignLocation(
  s3: S3Client,
  location: string,
  expiresInSeconds = DEFAULT_LINK_SECONDS,
): Promise<string | undefined> {
  const where = splitS3Location(location);
  if (!where) return undefined;
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_LINK_SECONDS) {
    throw new Error(
      `link lifetime: must be a whole number of seconds from 1 to ${MAX_LINK_SECONDS} (7 days), got ${expiresInSeconds}`,
    );
  }
  return s3Presigner.getSignedUrl(s3, new s3Sdk.GetObjectCommand({ Bucket: where.bucket, Key: where.key }), {
    expiresIn: expiresInSeconds,
  });
}
