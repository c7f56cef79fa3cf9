import { detectFormat } from './detect';
import { MediaProbeError } from './errors';
import { probeAudio } from './audio';
import type { AudioFormat, ImageFormat, VideoFormat, VideoGeometry } from './formats';
import { probeAvi } from './avi';
import { probeImage } from './image';
import { probeIsoBmff } from './isobmff';
import { probeWebm } from './webm';

export type MediaProbe =
  | {
      kind: 'image';
      format: ImageFormat;
      mime: string;
      width: number;
      height: number;
      /** Declared so `probe.durationSeconds` reads without narrowing; never set for images. */
      durationSeconds?: undefined;
    }
  | {
      kind: 'video';
      format: VideoFormat;
      mime: string;
      width: number;
      height: number;
      /** Absent only when the container does not record it (live WebM, fragmented MP4 without mehd). */
      durationSeconds?: number;
    }
  | {
      kind: 'audio';
      format: AudioFormat;
      mime: string;
      /** Audio has no picture: 0, so code that reads a probe's size needs no special case. */
      width: 0;
      height: 0;
      /** Read from WAV headers here (audio.ts); probeFile reads MP3, M4A and Ogg lengths too (audio-duration.ts). */
      durationSeconds?: number;
    };

const VIDEO_READERS: Record<VideoFormat, (bytes: Uint8Array) => VideoGeometry> = {
  mp4: (bytes) => probeIsoBmff(bytes, 'mp4'),
  mov: (bytes) => probeIsoBmff(bytes, 'mov'),
  avi: probeAvi,
  webm: probeWebm,
};

/**
 * Identifies the media and reads its pixel size (and video duration) from
 * container headers only — no decoding, so it is cheap enough for an
 * activity to run on every input before spending credits on a task.
 * @throws MediaProbeError when the bytes are not a supported format or are truncated/corrupt.
 */
export function probeMedia(bytes: Uint8Array): MediaProbe {
  const detected = detectFormat(bytes);
  if (!detected) {
    throw new MediaProbeError(
      'unrecognized',
      undefined,
      'not a PNG, JPEG, WebP, BMP, GIF, MP4, MOV, AVI, WebM, WAV, MP3, Ogg or M4A file',
    );
  }
  if (detected.kind === 'image') {
    return { ...detected, ...probeImage(bytes, detected.format) };
  }
  if (detected.kind === 'audio') return { ...detected, width: 0, height: 0, ...probeAudio(bytes, detected.format) };
  return { ...detected, ...VIDEO_READERS[detected.format](bytes) };
}
