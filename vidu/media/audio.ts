import { ByteReader } from './bytes';
import type { AudioFormat } from './formats';

/**
 * What vidu-flow reads of an audio input: its length, from the header where the container states
 * it plainly (WAV: data size ÷ byte rate). MP3, Ogg and M4A give no length without walking frames
 * or boxes; their duration is left to Vidu, as a video's is when its container does not say.
 */
export function probeAudio(bytes: Uint8Array, format: AudioFormat): { durationSeconds?: number } {
  if (format !== 'wav') return {};
  const r = new ByteReader(bytes, 'wav');
  let byteRate: number | undefined;
  // RIFF header (12 bytes), then chunks: id (4), size (4, little-endian), payload (padded to even).
  for (let offset = 12; offset + 8 <= r.length;) {
    r.need(offset, 8, 'WAV chunk header');
    const id = String.fromCharCode(...bytes.subarray(offset, offset + 4));
    const size = r.u32le(offset + 4);
    if (id === 'fmt ') {
      r.need(offset + 8, 12, 'WAV fmt chunk');
      byteRate = r.u32le(offset + 8 + 8);
    } else if (id === 'data') {
      return byteRate ? { durationSeconds: size / byteRate } : {};
    }
    offset += 8 + size + (size % 2);
  }
  return {};
}
