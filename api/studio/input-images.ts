import { ownsStagedRef, parseStagedRef } from '../../contract/staged-ref';

// The image inputs of a generation the studio shows as thumbnails: `staged:` references of the
// caller's own key (never another owner's, whatever the request names) and http(s) URLs, by their
// extension. Each is then served through a signed link (routes.ts, /studio/media/{id}/input).

const IMAGE_EXT = /\.(png|jpe?g|webp|bmp|gif)$/i;

export interface InputImage {
  field: string;
  ref: string;
}

export function inputImagesOf(request: unknown, owner: string): InputImage[] {
  if (!request || typeof request !== 'object') return [];
  const out: InputImage[] = [];
  for (const [field, value] of Object.entries(request as Record<string, unknown>)) {
    for (const ref of Array.isArray(value) ? value : [value]) {
      if (typeof ref === 'string' && isShownImage(ref, owner)) out.push({ field, ref });
    }
  }
  return out;
}

/** Whether `ref` may be shown to `owner` as an image: its own staged image, or an http(s) image URL. */
export function isShownImage(ref: string, owner: string): boolean {
  if (ref.startsWith('staged:')) {
    const parsed = parseStagedRef(ref);
    return parsed !== undefined && !parsed.legacy && ownsStagedRef(owner, ref) && IMAGE_EXT.test(parsed.name);
  }
  if (!/^https?:\/\//i.test(ref)) return false;
  try {
    return IMAGE_EXT.test(new URL(ref).pathname);
  } catch {
    return false;
  }
}

export const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
};
