import { describe, expect, it } from 'vitest';
import { MediaProbeError } from '../../vidu/media/errors';
import { probeMedia } from '../../vidu/media/probe';
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

function probeError(bytes: Uint8Array): MediaProbeError {
  try {
    probeMedia(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(MediaProbeError);
    return error as MediaProbeError;
  }
  throw new Error('expected probeMedia to throw');
}

/** Offset of the first occurrence of a 4-character box type. */
const boxAt = (bytes: Buffer, type: string): number => bytes.indexOf(Buffer.from(type, 'latin1'));

describe('probeMedia: images', () => {
  it.each([
    ['png', makePng(1280, 720), 1280, 720],
    ['jpeg', makeJpeg(333, 201), 333, 201],
    ['webp', makeWebp(640, 1601), 640, 1601],
    ['webp', makeWebpVp8x(20000, 300), 20000, 300],
    ['bmp', makeBmp(201, 75), 201, 75],
    ['gif', makeGif(150, 400), 150, 400],
  ] as const)('reads %s dimensions', (format, bytes, width, height) => {
    expect(probeMedia(bytes)).toEqual({ kind: 'image', format, mime: `image/${format}`, width, height });
  });

  it('reads a top-down BMP (negative height) as a positive height', () => {
    const bmp = makeBmp(10, 20);
    bmp.writeInt32LE(-20, 22);
    expect(probeMedia(bmp)).toMatchObject({ width: 10, height: 20 });
  });
});

describe('probeMedia: videos', () => {
  it('reads an MP4 with version 0 headers', () => {
    expect(probeMedia(makeMp4({ durationSeconds: 5, width: 1280, height: 720 }))).toEqual({
      kind: 'video',
      format: 'mp4',
      mime: 'video/mp4',
      width: 1280,
      height: 720,
      durationSeconds: 5,
    });
  });

  it('reads a fractional duration at another frame rate', () => {
    const probe = probeMedia(makeMp4({ durationSeconds: 4.3, width: 1920, height: 1080, fps: 30 }));
    expect(probe.durationSeconds).toBeCloseTo(4.3, 3);
  });

  it('reads version 1 (64-bit) mvhd/tkhd/mdhd with a 64-bit mdat size', () => {
    const bytes = makeMp4({
      durationSeconds: 31,
      width: 720,
      height: 1280,
      layout: { headerVersion: 1, mdatSize: '64' },
    });
    expect(bytes[boxAt(bytes, 'mvhd') + 4]).toBe(1);
    expect(probeMedia(bytes)).toMatchObject({ format: 'mp4', width: 720, height: 1280, durationSeconds: 31 });
  });

  it("reads a QuickTime file (ftyp brand 'qt  ') as mov", () => {
    expect(probeMedia(makeMov({ durationSeconds: 2.5, width: 640, height: 480 }))).toEqual({
      kind: 'video',
      format: 'mov',
      mime: 'video/quicktime',
      width: 640,
      height: 480,
      durationSeconds: 2.5,
    });
  });

  it('accepts an mdat with size 0 (runs to the end of the file)', () => {
    const bytes = makeMp4({ durationSeconds: 3, width: 320, height: 240, layout: { mdatSize: 'to-end' } });
    expect(probeMedia(bytes)).toMatchObject({ width: 320, height: 240, durationSeconds: 3 });
  });

  it('falls back to the track duration when mvhd says 0 (fragmented-style files)', () => {
    const bytes = makeMp4({ durationSeconds: 6, width: 320, height: 240 });
    bytes.writeUInt32BE(0, boxAt(bytes, 'mvhd') + 4 + 16);
    expect(probeMedia(bytes).durationSeconds).toBe(6);
  });

  it('falls back to the sample entry size when tkhd says 0×0', () => {
    const bytes = makeMp4({ durationSeconds: 1, width: 400, height: 300 });
    const tkhd = boxAt(bytes, 'tkhd') + 4;
    bytes.writeUInt32BE(0, tkhd + 76);
    bytes.writeUInt32BE(0, tkhd + 80);
    expect(probeMedia(bytes)).toMatchObject({ width: 400, height: 300 });
  });

  it('reads AVI size and duration', () => {
    expect(probeMedia(makeAvi({ durationSeconds: 3, width: 320, height: 240 }))).toEqual({
      kind: 'video',
      format: 'avi',
      mime: 'video/x-msvideo',
      width: 320,
      height: 240,
      durationSeconds: 3,
    });
  });

  it('uses avih (microseconds per frame × frames) when the stream header has no rate', () => {
    const bytes = makeAvi({ durationSeconds: 2, width: 320, height: 240, fps: 25 });
    bytes.writeUInt32LE(0, boxAt(bytes, 'strh') + 8 + 24); // dwRate = 0
    expect(probeMedia(bytes).durationSeconds).toBeCloseTo(2, 6);
  });

  it('reads WebM size and duration, and leaves duration out when the file has none', () => {
    expect(probeMedia(makeWebm({ width: 640, height: 360, durationSeconds: 12.5 }))).toEqual({
      kind: 'video',
      format: 'webm',
      mime: 'video/webm',
      width: 640,
      height: 360,
      durationSeconds: 12.5,
    });
    expect(probeMedia(makeWebm({ width: 640, height: 360 }))).not.toHaveProperty('durationSeconds');
  });
});

describe('probeMedia: refusals', () => {
  const mp4 = makeMp4({ durationSeconds: 2, width: 320, height: 240 });

  it.each([
    ['png', makePng(300, 200)],
    ['jpeg', makeJpeg(300, 200)],
    ['webp', makeWebp(300, 200)],
    ['bmp', makeBmp(30, 20)],
    ['gif', makeGif(300, 200)],
    ['mp4 (cut in the mdat)', mp4],
    ['avi', makeAvi({ durationSeconds: 1, width: 64, height: 48 })],
    ['webm', makeWebm({ width: 64, height: 48, durationSeconds: 1 })],
  ] as const)('reports a truncated %s as truncated', (_name, bytes) => {
    const error = probeError(bytes.subarray(0, Math.floor(bytes.byteLength * 0.6)));
    expect(error.code).toBe('truncated');
    expect(error.name).toBe('MediaProbeError');
  });

  it('reports an MP4 cut inside moov as truncated', () => {
    expect(probeError(mp4.subarray(0, boxAt(mp4, 'stsd'))).code).toBe('truncated');
  });

  it('does not read past a pooled Buffer slice (the image-size failure mode)', () => {
    const pool = Buffer.concat([makePng(64, 64), makePng(64, 64)]);
    expect(probeError(pool.subarray(0, 20)).code).toBe('truncated');
  });

  it('reports unknown bytes as unrecognized', () => {
    const error = probeError(Buffer.from('{"not":"media"}'));
    expect(error.code).toBe('unrecognized');
    expect(error.message).toMatch(/not a PNG, JPEG/);
  });

  it('reports an MP4 without a video track as malformed', () => {
    const audioOnly = Buffer.from(mp4);
    audioOnly.write('soun', boxAt(audioOnly, 'vide'), 'latin1');
    const error = probeError(audioOnly);
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/no video track/);
  });

  it('reports a PNG whose first chunk is not IHDR as malformed', () => {
    const png = makePng(4, 4);
    png.write('IHDX', 12, 'latin1');
    expect(probeError(png).code).toBe('malformed');
  });

  it('reports zero-size images as malformed', () => {
    const gif = makeGif(4, 4);
    gif.writeUInt16LE(0, 6);
    expect(probeError(gif).code).toBe('malformed');
  });
});

describe('probeMedia: tolerance', () => {
  it('ignores a few zero bytes of padding after the last MP4 box', () => {
    const padded = Buffer.concat([makeMp4({ durationSeconds: 2, width: 320, height: 240 }), Buffer.alloc(3)]);
    expect(probeMedia(padded)).toMatchObject({ width: 320, height: 240, durationSeconds: 2 });
  });

  it('accepts junk after a JPEG end-of-image marker', () => {
    const jpeg = Buffer.concat([makeJpeg(64, 32), Buffer.from('trailing junk')]);
    expect(probeMedia(jpeg)).toMatchObject({ width: 64, height: 32 });
  });

  it('reads a view that does not start at offset 0 of its ArrayBuffer', () => {
    const mp4 = makeMp4({ durationSeconds: 2, width: 320, height: 240 });
    const host = new Uint8Array(mp4.byteLength + 13);
    host.set(mp4, 13);
    expect(probeMedia(host.subarray(13))).toMatchObject({ width: 320, height: 240, durationSeconds: 2 });
  });
});
