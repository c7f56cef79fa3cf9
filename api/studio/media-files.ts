// The archived files of a finished workflow's result, in a fixed order (the result never changes
// once the workflow has closed, so a file's position is a stable name for it in a media link):
// a generation's creations and covers, its upscale's, an AD film's composed film and covers.

export interface MediaFile {
  /** Position in the result, the `n` of /studio/media/{id}/file/{n}. */
  n: number;
  name: string;
  role: 'video' | 'image' | 'audio' | 'cover' | 'watermarked';
  contentType: string;
  bytes?: number;
  /** Where the worker archived it: an absolute path or s3://bucket/key. Never sent to the browser. */
  location: string;
  creationId?: string;
}

export function mediaFilesOf(result: unknown): MediaFile[] {
  const found: MediaFile[] = [];
  const seen = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const o = value as Record<string, unknown>;
    if (
      typeof o.location === 'string' &&
      typeof o.name === 'string' &&
      typeof o.contentType === 'string' &&
      typeof o.role === 'string' &&
      !seen.has(o.location)
    ) {
      seen.add(o.location);
      found.push({
        n: found.length,
        name: o.name,
        role: o.role as MediaFile['role'],
        contentType: o.contentType,
        location: o.location,
        ...(typeof o.bytes === 'number' ? { bytes: o.bytes } : {}),
        ...(typeof o.creationId === 'string' ? { creationId: o.creationId } : {}),
      });
    }
    Object.values(o).forEach(walk);
  };
  walk(result);
  return found;
}

/** Media types the studio serves inline; anything else (a manifest, an unknown type) is not served. */
export function playableType(contentType: string): boolean {
  return /^(video\/(mp4|webm|quicktime)|image\/(png|jpeg|webp|gif)|audio\/(mpeg|wav|x-wav|mp4|ogg|aac))$/.test(
    contentType.split(';')[0]!.trim().toLowerCase(),
  );
}
