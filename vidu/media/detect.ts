import { asciiAt } from './bytes';
import { MIME_TYPES, type AudioFormat, type DetectedFormat, type ImageFormat, type VideoFormat } from './formats';
import { readEbmlDocType } from './webm';

/** DIB header sizes of every BMP variant; "BM" alone is too weak a signature. */
const BMP_DIB_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** ISO-BMFF brands that are still images (HEIF/AVIF), not video. */
const STILL_IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis']);

/** Pre-ISO QuickTime files have no ftyp and open straight with one of these atoms. */
const LEGACY_QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

/** 0 means "to end of file", 1 means "64-bit size follows"; anything else below a header is not an atom. */
function plausibleAtomSize(bytes: Uint8Array): boolean {
  const size = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  return size === 0 || size === 1 || size >= 8;
}

const image = (format: ImageFormat): DetectedFormat => ({ kind: 'image', format, mime: MIME_TYPES[format] });
const video = (format: VideoFormat): DetectedFormat => ({ kind: 'video', format, mime: MIME_TYPES[format] });
const audio = (format: AudioFormat): DetectedFormat => ({ kind: 'audio', format, mime: MIME_TYPES[format] });

/** ISO-BMFF brands of audio-only files (iTunes AAC and audiobooks). */
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ']);

/**
 * Sniffs the container from magic bytes only; it never trusts a URL
 * extension or a data-URI mime, since Vidu judges the bytes too.
 */
export function detectFormat(bytes: Uint8Array): DetectedFormat | undefined {
  const b = (i: number): number | undefined => bytes[i];

  if (asciiAt(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return image('png');
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return image('jpeg');
  const gif = asciiAt(bytes, 0, 6);
  if (gif === 'GIF87a' || gif === 'GIF89a') return image('gif');
  if (asciiAt(bytes, 0, 2) === 'BM' && bytes.byteLength >= 18) {
    const dibSize = (b(14) ?? 0) | ((b(15) ?? 0) << 8) | ((b(16) ?? 0) << 16) | ((b(17) ?? 0) << 24);
    if (BMP_DIB_HEADER_SIZES.has(dibSize)) return image('bmp');
  }

  if (asciiAt(bytes, 0, 4) === 'RIFF') {
    const riffType = asciiAt(bytes, 8, 4);
    if (riffType === 'WEBP') return image('webp');
    if (riffType === 'AVI ') return video('avi');
    if (riffType === 'WAVE') return audio('wav');
    return undefined;
  }

  const boxType = asciiAt(bytes, 4, 4);
  if (boxType === 'ftyp') {
    const brand = asciiAt(bytes, 8, 4);
    if (brand === '') return undefined;
    if (STILL_IMAGE_BRANDS.has(brand)) return undefined;
    if (AUDIO_BRANDS.has(brand)) return audio('m4a');
    return video(brand === 'qt  ' ? 'mov' : 'mp4');
  }
  if (LEGACY_QUICKTIME_ATOMS.has(boxType) && plausibleAtomSize(bytes)) return video('mov');

  if (b(0) === 0x1a && b(1) === 0x45 && b(2) === 0xdf && b(3) === 0xa3) {
    return readEbmlDocType(bytes) === 'webm' ? video('webm') : undefined;
  }
  if (asciiAt(bytes, 0, 4) === 'OggS') return audio('ogg');
  // MP3: an ID3v2 tag, or straight away an MPEG audio frame header (11 sync bits, then a layer
  // other than "reserved"). JPEG's FF D8 never matches (D8 lacks the top three sync bits).
  if (asciiAt(bytes, 0, 3) === 'ID3') return audio('mp3');
  if (b(0) === 0xff && ((b(1) ?? 0) & 0xe0) === 0xe0 && ((b(1) ?? 0) & 0x06) !== 0) return audio('mp3');
  return undefined;
}
