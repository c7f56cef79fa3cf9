export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'gif';
export type VideoFormat = 'mp4' | 'mov' | 'avi' | 'webm';
/** Audio inputs (lip-sync's audio_url): the formats whose magic bytes are unambiguous. */
export type AudioFormat = 'wav' | 'mp3' | 'ogg' | 'm4a';
export type MediaFormat = ImageFormat | VideoFormat | AudioFormat;
export type MediaKind = 'image' | 'video' | 'audio';

export const MIME_TYPES: Readonly<Record<MediaFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  // The registered type is video/vnd.avi, but x-msvideo is what browsers, curl and S3 send.
  avi: 'video/x-msvideo',
  webm: 'video/webm',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  m4a: 'audio/mp4',
};

export type DetectedFormat =
  | { kind: 'image'; format: ImageFormat; mime: string }
  | { kind: 'video'; format: VideoFormat; mime: string }
  | { kind: 'audio'; format: AudioFormat; mime: string };

export interface ImageGeometry {
  width: number;
  height: number;
}

export interface VideoGeometry {
  width: number;
  height: number;
  /** Absent when the container does not say (live WebM, fragmented MP4 without mehd). */
  durationSeconds?: number;
}
