/** A bucket and a key prefix, from `s3://bucket/prefix` (ARCHIVE_URL, STAGING_URL). */
export interface S3Location {
  bucket: string;
  /** No leading or trailing slash; '' for the bucket's top level. */
  prefix: string;
}

// S3's own bucket naming rule (lowercase letters, digits, dots, hyphens; 3-63 characters).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket[/prefix]`; errors name the variable and the rule. */
export function parseS3Url(value: string, variable: string): S3Location {
  const m = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(value);
  if (!m)
    throw new Error(`${variable}: must be s3://<bucket>/<prefix> (no query or fragment), got ${JSON.stringify(value)}`);
  const bucket = m[1]!;
  if (!BUCKET.test(bucket))
    throw new Error(
      `${variable}: bucket ${JSON.stringify(bucket)} must be 3-63 lowercase letters, digits, dots or hyphens`,
    );
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix && !checkedSegments(prefix))
    throw new Error(`${variable}: prefix ${JSON.stringify(prefix)} must not contain empty, '.' or '..' segments`);
  return { bucket, prefix };
}

export function s3Url(loc: S3Location, key = ''): string {
  return `s3://${loc.bucket}/${joinKey(loc.prefix, key)}`.replace(/\/$/, '');
}

/** `prefix/key`, refusing keys that could leave the prefix or confuse a posix-backed server. */
export function objectKey(loc: S3Location, key: string): string {
  if (!checkedSegments(key))
    throw new Error(`object key escapes the store prefix or is malformed: ${JSON.stringify(key)}`);
  return joinKey(loc.prefix, key);
}

function joinKey(prefix: string, key: string): string {
  return prefix && key ? `${prefix}/${key}` : prefix || key;
}

function checkedSegments(key: string): boolean {
  if (key.includes('\0') || key.includes('\\')) return false;
  return key.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Parses `s3://bucket/key` back (presigned links take it from a manifest's `location`). */
export function splitS3Location(location: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}
