export { detectFormat } from './detect';
export { MediaProbeError, type MediaProbeErrorCode } from './errors';
export {
  MIME_TYPES,
  type DetectedFormat,
  type ImageFormat,
  type MediaFormat,
  type MediaKind,
  type VideoFormat,
} from './formats';
export { checkMedia, BYTES_PER_MEGABYTE, WEB_IMAGES, type MediaLimit } from './limits';
export { probeMedia, type MediaProbe } from './probe';
