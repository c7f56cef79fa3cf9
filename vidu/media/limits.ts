export { BYTES_PER_MEGABYTE, checkMedia } from './check';
export type { MediaLimit } from './media-limit';

/** The web image formats most endpoints take (png/jpeg/jpg/webp). */
export const WEB_IMAGES = ['png', 'jpeg', 'webp'] as const;

// The limits themselves are declared with each endpoint (vidu/endpoints/<kind>.ts).
