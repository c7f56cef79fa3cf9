import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../sim/media/crc32';
import { renderMp4, renderPng } from '../../sim/media/render';
import { probeMedia } from '../../vidu/media/probe';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface PngChunk {
  type: string;
  data: Buffer;
  crcOk: boolean;
}

function pngChunks(png: Buffer): PngChunk[] {
  const chunks: PngChunk[] = [];
  for (let offset = 8; offset < png.byteLength;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crcOk = png.readUInt32BE(offset + 8 + length) === crc32(png.subarray(offset + 4, offset + 8), data);
    chunks.push({ type, data, crcOk });
    offset += 12 + length;
  }
  return chunks;
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('1234'), Buffer.from('56789'))).toBe(0xcbf43926);
  });
});

describe('renderPng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const size = { width: 640, height: 360 };
    expect(sha256(renderPng('task-1', size))).toBe(sha256(renderPng('task-1', size)));
    expect(sha256(renderPng('task-1', size))).not.toBe(sha256(renderPng('task-2', size)));
  });

  it.each([
    [1280, 720],
    [1, 1],
    [4096, 2160],
  ])('produces a %i×%i PNG that probes back to its size', (width, height) => {
    expect(probeMedia(renderPng('cover', { width, height }))).toEqual({
      kind: 'image',
      format: 'png',
      mime: 'image/png',
      width,
      height,
    });
  });

  it('has valid chunk CRCs and pixel data that starts with the seed colour', () => {
    const png = renderPng('task-1', { width: 32, height: 4 });
    const chunks = pngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'tEXt', 'IDAT', 'IEND']);
    expect(chunks.every((c) => c.crcOk)).toBe(true);

    const idat = chunks.find((c) => c.type === 'IDAT');
    const raw = inflateSync(idat?.data ?? Buffer.alloc(0));
    expect(raw.byteLength).toBe(4 * (1 + 32 * 3));
    const seedColour = createHash('sha256').update('task-1').digest().subarray(0, 3);
    expect([...raw.subarray(1, 4)]).toEqual([...seedColour]);
  });

  it('keeps a 4K cover small', () => {
    expect(renderPng('big', { width: 3840, height: 2160 }).byteLength).toBeLessThan(40_000);
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => renderPng('x', { width: 0, height: 10 })).toThrow(RangeError);
    expect(() => renderPng('x', { width: 10.5, height: 10 })).toThrow(RangeError);
  });
});

describe('renderMp4', () => {
  const spec = { durationSeconds: 5, width: 1280, height: 720 };

  it('is deterministic per seed and differs between seeds', () => {
    expect(sha256(renderMp4('task-1', spec))).toBe(sha256(renderMp4('task-1', spec)));
    expect(sha256(renderMp4('task-1', spec))).not.toBe(sha256(renderMp4('task-2', spec)));
  });

  it('embeds the seed hash in a free box so creations are traceable', () => {
    const seedHash = createHash('sha256').update('task-1').digest('hex');
    expect(renderMp4('task-1', spec).includes(Buffer.from(`seed-sha256 ${seedHash}`))).toBe(true);
  });

  it.each([
    { durationSeconds: 5, width: 1280, height: 720 },
    { durationSeconds: 8, width: 1920, height: 1080, fps: 30 },
    { durationSeconds: 4.3, width: 720, height: 1280 },
    { durationSeconds: 0.5, width: 16, height: 16, fps: 1 },
    { durationSeconds: 16, width: 3840, height: 2160 },
  ])('probes back to $width×$height, $durationSeconds s', (s) => {
    const probe = probeMedia(renderMp4('seed', s));
    expect(probe).toMatchObject({ kind: 'video', format: 'mp4', width: s.width, height: s.height });
    expect(probe.durationSeconds).toBeCloseTo(s.durationSeconds, 3);
  });

  it('stays in the kilobytes even for 1080p', () => {
    expect(renderMp4('seed', { durationSeconds: 10, width: 1920, height: 1080 }).byteLength).toBeLessThan(20_000);
  });

  it('carries a Constrained Baseline H.264 parameter set', () => {
    const mp4 = renderMp4('seed', spec);
    const avcC = mp4.indexOf(Buffer.from('avcC'));
    expect([...mp4.subarray(avcC + 4, avcC + 8)]).toEqual([1, 66, 0xc0, 31]); // version, profile, constraints, level 3.1
  });

  it('refuses odd sizes (4:2:0 chroma) and non-positive durations', () => {
    expect(() => renderMp4('x', { durationSeconds: 5, width: 1281, height: 720 })).toThrow(/even dimensions/);
    expect(() => renderMp4('x', { durationSeconds: 0, width: 1280, height: 720 })).toThrow(RangeError);
    expect(() => renderMp4('x', { durationSeconds: 5, width: 1280, height: 720, fps: 0 })).toThrow(RangeError);
  });
});
