// Which request fields carry media, per endpoint. Used to stage inputs (read, check, store) and to
// validate a request before its media are read.

export type MediaEndpoint = 'img2video' | 'reference2video' | 'reference2image' | 'image2dance' | 'ad-one-click';

/** The media field a value sits in, e.g. `images`, `videos`, `subjects.images`, `image_url`. */
export type MediaFieldKey = 'images' | 'videos' | 'subjects.images' | 'subjects.videos' | 'image_url' | 'video_url';

export interface MediaSlot {
  /** Display path, e.g. `images[0]` or `subjects[1].images[0]`. */
  path: string;
  field: MediaFieldKey;
  value: string;
  set(next: string): void;
}

const FIELDS: Record<MediaEndpoint, MediaFieldKey[]> = {
  img2video: ['images'],
  reference2video: ['images', 'videos', 'subjects.images', 'subjects.videos'],
  reference2image: ['images'],
  image2dance: ['image_url', 'video_url'],
  'ad-one-click': ['images'],
};

/** Every media value in `request` (which it mutates through `set`). Non-string entries are skipped. */
export function mediaSlots(endpoint: MediaEndpoint, request: Record<string, unknown>): MediaSlot[] {
  const slots: MediaSlot[] = [];
  const addArray = (owner: Record<string, unknown>, key: string, prefix: string, field: MediaFieldKey) => {
    const list = owner[key];
    if (!Array.isArray(list)) return;
    list.forEach((value, i) => {
      if (typeof value === 'string') slots.push({ path: `${prefix}${key}[${i}]`, field, value, set: (next) => (list[i] = next) });
    });
  };
  for (const field of FIELDS[endpoint]) {
    if (field === 'image_url' || field === 'video_url') {
      const value = request[field];
      if (typeof value === 'string') slots.push({ path: field, field, value, set: (next) => (request[field] = next) });
    } else if (field.startsWith('subjects.')) {
      const subjects = request.subjects;
      if (!Array.isArray(subjects)) continue;
      subjects.forEach((s, i) => {
        if (typeof s === 'object' && s !== null) addArray(s as Record<string, unknown>, field.slice('subjects.'.length), `subjects[${i}].`, field);
      });
    } else {
      addArray(request, field, '', field);
    }
  }
  return slots;
}
