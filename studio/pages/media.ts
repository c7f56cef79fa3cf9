import { el } from '../dom';

export interface LinkedMedia {
  n: number;
  name: string;
  role: 'video' | 'image' | 'audio' | 'cover' | 'watermarked';
  contentType: string;
  bytes?: number;
  url: string;
}

/** A player for one archived file, loaded from the API by its signed link (never Vidu's URL). */
export function player(m: LinkedMedia, label: string): HTMLElement {
  const media =
    m.role === 'video'
      ? el('video', { src: m.url, controls: true, preload: 'metadata', 'aria-label': label, 'data-role': 'result' })
      : m.role === 'audio'
        ? el('audio', { src: m.url, controls: true, preload: 'metadata', 'aria-label': label, 'data-role': 'result' })
        : el('img', { src: m.url, alt: label, 'data-role': m.role === 'cover' ? 'cover' : 'result' });
  return el(
    'figure',
    { class: `media ${m.role}` },
    media,
    el('figcaption', {}, `${m.role}: ${m.name}${m.bytes ? ` (${Math.round(m.bytes / 1024)} KiB)` : ''}`),
  );
}
