import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../vidu/media/detect';
import {
  makeAvi,
  makeBmp,
  makeGif,
  makeJpeg,
  makeMov,
  makeMp4,
  makePng,
  makeWebm,
  makeWebp,
  makeWebpVp8x,
} from '../helpers/media-fixtures';

const clip = { durationSeconds: 1, width: 64, height: 48 };

describe('detectFormat', () => {
  it.each([
    ['png', makePng(8, 8), 'image', 'image/png'],
    ['jpeg', makeJpeg(8, 8), 'image', 'image/jpeg'],
    ['webp', makeWebp(8, 8), 'image', 'image/webp'],
    ['webp', makeWebpVp8x(8, 8), 'image', 'image/webp'],
    ['bmp', makeBmp(8, 8), 'image', 'image/bmp'],
    ['gif', makeGif(8, 8), 'image', 'image/gif'],
    ['mp4', makeMp4(clip), 'video', 'video/mp4'],
    ['mov', makeMov(clip), 'video', 'video/quicktime'],
    ['avi', makeAvi(clip), 'video', 'video/x-msvideo'],
    ['webm', makeWebm({ width: 64, height: 48 }), 'video', 'video/webm'],
  ] as const)('recognises %s from its magic bytes', (format, bytes, kind, mime) => {
    expect(detectFormat(bytes)).toEqual({ kind, format, mime });
  });

  it('treats a QuickTime file without ftyp (legacy, starts with moov/mdat) as mov', () => {
    const legacy = Buffer.from([0, 0, 0, 8, ...Buffer.from('wide'), 0, 0, 0, 8, ...Buffer.from('mdat')]);
    expect(detectFormat(legacy)?.format).toBe('mov');
  });

  it('works on a Uint8Array view that does not start at offset 0 of its buffer', () => {
    const png = makePng(4, 4);
    const padded = new Uint8Array(png.byteLength + 7);
    padded.set(png, 7);
    expect(detectFormat(padded.subarray(7))?.format).toBe('png');
  });

  it.each([
    ['empty input', new Uint8Array(0)],
    ['plain text', Buffer.from('hello, this is not media')],
    ['a text file starting with "BM"', Buffer.from('BMW owners club newsletter')],
    [
      'HEIC (ISO-BMFF still image)',
      Buffer.from([0, 0, 0, 24, ...Buffer.from('ftypheic'), 0, 0, 0, 0, ...Buffer.from('mif1heic')]),
    ],
    ['RIFF that is neither WEBP, AVI nor WAVE', Buffer.from('RIFF\x24\0\0\0CDDAfmt ', 'latin1')],
    [
      'Matroska that is not WebM',
      Buffer.from(makeWebm({ width: 8, height: 8 }).toString('latin1').replace('webm', 'mkvx'), 'latin1'),
    ],
    ['three bytes of a PNG signature', Buffer.from([0x89, 0x50, 0x4e])],
  ])('returns undefined for %s', (_name, bytes) => {
    expect(detectFormat(bytes)).toBeUndefined();
  });
});

describe('detectFormat: audio (lip-sync audio_url)', () => {
  it.each([
    ['wav', Buffer.from('RIFF\x24\0\0\0WAVEfmt ', 'latin1')],
    ['mp3', Buffer.from('ID3\x04\0\0\0\0\0\0', 'latin1')],
    ['ogg', Buffer.from('OggS\0\x02', 'latin1')],
    ['m4a', Buffer.from('\0\0\0\x20ftypM4A \0\0\0\0', 'latin1')],
  ])('recognises %s', (format, bytes) => {
    expect(detectFormat(bytes)).toMatchObject({ kind: 'audio', format });
  });
});
