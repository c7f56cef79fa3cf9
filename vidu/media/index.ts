export { detectFormat } from './detect';
export { MediaProbeError, type MediaProbeErrorCode } from './errors';
export { MIME_TYPES, type DetectedFormat, type ImageFormat, type MediaFormat, type MediaKind, type VideoFormat } from './formats';
export { checkMedia, MEDIA_LIMITS, BYTES_PER_MEGABYTE, type MediaEndpoint, type MediaLimit } from './limits';
export { probeMedia, type MediaProbe } from './probe';
