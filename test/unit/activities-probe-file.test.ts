import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeFile } from '../../vidu/media/probe-file';
import { MediaProbeError } from '../../vidu/media/errors';
import { probeMedia } from '../../vidu/media/probe';
import { makeAvi, makeMov, makeMp4, makePng, makeWebm } from '../helpers/media-fixtures';

// probeFile must say exactly what probeMedia says about the whole bytes, while reading only the
// headers of a large video. `wholeFileMax = 0` forces the skeleton path on these small fixtures.

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-probe-file-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function write(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(tmp, name);
  await writeFile(file, bytes);
  return file;
}

/** Rearranges an MP4 fixture (ftyp, free, moov, mdat) into ftyp, free, mdat, moov: moov at the end. */
function moovAtEnd(mp4: Buffer): Buffer {
  const boxes: Buffer[] = [];
  for (let at = 0; at < mp4.length;) {
    const size = mp4.readUInt32BE(at);
    boxes.push(mp4.subarray(at, at + size));
    at += size;
  }
  const moov = boxes.find((b) => b.toString('latin1', 4, 8) === 'moov')!;
  return Buffer.concat([...boxes.filter((b) => b !== moov), moov]);
}

/** Grows the mdat box by `n` bytes, so the skeleton has to stand in for a payload it does not read. */
function padMdat(mp4: Buffer, n: number): Buffer {
  for (let at = 0; at < mp4.length;) {
    const size32 = mp4.readUInt32BE(at);
    const size = size32 === 1 ? Number(mp4.readBigUInt64BE(at + 8)) : size32 === 0 ? mp4.length - at : size32;
    if (mp4.toString('latin1', at + 4, at + 8) === 'mdat') {
      const out = Buffer.concat([mp4.subarray(0, at + size), Buffer.alloc(n, 0x42), mp4.subarray(at + size)]);
      if (size32 === 1) out.writeBigUInt64BE(BigInt(size + n), at + 8);
      else if (size32 !== 0) out.writeUInt32BE(size + n, at);
      return out;
    }
    at += size;
  }
  throw new Error('no mdat');
}

/** Adds an `n`-byte JUNK chunk at the end of the AVI's movi list. */
function padMovi(avi: Buffer, n: number): Buffer {
  for (let at = 12; at < avi.length;) {
    const size = avi.readUInt32LE(at + 4);
    if (avi.toString('latin1', at, at + 4) === 'LIST' && avi.toString('latin1', at + 8, at + 12) === 'movi') {
      const junk = Buffer.alloc(8 + n);
      junk.write('JUNK', 0, 'latin1');
      junk.writeUInt32LE(n, 4);
      const out = Buffer.concat([avi.subarray(0, at + 8 + size), junk, avi.subarray(at + 8 + size)]);
      out.writeUInt32LE(size + junk.length, at + 4);
      out.writeUInt32LE(avi.readUInt32LE(4) + junk.length, 4);
      return out;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error('no movi');
}

const PAD = 300 * 1024;

async function probeError(file: string, size: number): Promise<MediaProbeError> {
  try {
    await probeFile(file, size, 0);
  } catch (err) {
    expect(err).toBeInstanceOf(MediaProbeError);
    return err as MediaProbeError;
  }
  throw new Error('probeFile did not fail');
}

const VIDEOS: Array<[string, Buffer]> = [
  ['mp4', makeMp4({ durationSeconds: 4, width: 400, height: 600 })],
  ['mp4 with a 64-bit mdat', makeMp4({ durationSeconds: 3, width: 320, height: 240, layout: { mdatSize: '64' } })],
  ['mp4 with a to-end mdat', makeMp4({ durationSeconds: 3, width: 320, height: 240, layout: { mdatSize: 'to-end' } })],
  ['mp4 with v1 headers', makeMp4({ durationSeconds: 2.5, width: 640, height: 360, layout: { headerVersion: 1 } })],
  ['mov', makeMov({ durationSeconds: 5, width: 480, height: 480 })],
  ['mp4 with moov at the end', moovAtEnd(makeMp4({ durationSeconds: 6, width: 256, height: 512 }))],
  ['avi', makeAvi({ durationSeconds: 2, width: 320, height: 240 })],
  // Payloads larger than the skeleton copies: replaced by empty boxes/chunks.
  ['mp4 with a large mdat', padMdat(makeMp4({ durationSeconds: 4, width: 400, height: 600 }), PAD)],
  [
    'mp4 with a large 64-bit mdat',
    padMdat(makeMp4({ durationSeconds: 3, width: 320, height: 240, layout: { mdatSize: '64' } }), PAD),
  ],
  [
    'mp4 with a large to-end mdat',
    padMdat(makeMp4({ durationSeconds: 3, width: 320, height: 240, layout: { mdatSize: 'to-end' } }), PAD),
  ],
  [
    'mov with a large mdat before moov',
    moovAtEnd(padMdat(makeMov({ durationSeconds: 5, width: 480, height: 480 }), PAD)),
  ],
  ['avi with a large movi', padMovi(makeAvi({ durationSeconds: 2, width: 320, height: 240 }), PAD)],
];

describe('probeFile', () => {
  it.each(VIDEOS)('reads a %s through its skeleton exactly as probeMedia reads the whole file', async (name, bytes) => {
    const file = await write(`${name.replace(/\W+/g, '-')}.bin`, bytes);
    expect(await probeFile(file, bytes.length, 0)).toEqual(probeMedia(bytes));
    expect(await probeFile(file, bytes.length)).toEqual(probeMedia(bytes));
  });

  it('reads images whole', async () => {
    const png = makePng(300, 200);
    const file = await write('image.png', png);
    expect(await probeFile(file, png.length, 0)).toEqual(probeMedia(png));
  });

  it('reports a cut-off MP4 as truncated, with the real sizes', async () => {
    const mp4 = makeMp4({ durationSeconds: 4, width: 400, height: 600 });
    const cut = mp4.subarray(0, mp4.length - 100);
    const file = await write('cut.mp4', cut);
    const err = await probeError(file, cut.length);
    expect(err.code).toBe('truncated');
    expect(err.message).toMatch(/box 'mdat' at \d+ declares \d+ bytes, only \d+ remain/);
    expect(() => probeMedia(cut)).toThrow(err.message); // the same words as the in-memory probe
  });

  it('reports a cut-off large MP4 (moov at the end) as truncated', async () => {
    const mp4 = moovAtEnd(padMdat(makeMp4({ durationSeconds: 4, width: 400, height: 600 }), PAD));
    const cut = mp4.subarray(0, mp4.length - 10);
    const file = await write('cut-large.mp4', cut);
    const err = await probeError(file, cut.length);
    expect(err.code).toBe('truncated');
    expect(() => probeMedia(cut)).toThrow(err.message);
  });

  it('reports a cut-off AVI as truncated', async () => {
    const avi = padMovi(makeAvi({ durationSeconds: 2, width: 320, height: 240 }), PAD);
    const cut = avi.subarray(0, avi.length - 50);
    const file = await write('cut.avi', cut);
    const err = await probeError(file, cut.length);
    expect(err.code).toBe('truncated');
    expect(() => probeMedia(cut)).toThrow(err.message);
  });

  it('reports an MP4 without moov as malformed', async () => {
    const mp4 = makeMp4({ durationSeconds: 4, width: 400, height: 600 });
    const noMoov = Buffer.concat([mp4.subarray(0, 8 + mp4.readUInt32BE(0) - 8)]); // ftyp only
    const file = await write('no-moov.mp4', noMoov);
    expect((await probeError(file, noMoov.length)).message).toMatch(/no moov box/);
  });

  it('refuses a large WebM rather than reading it whole', async () => {
    const webm = makeWebm({ width: 320, height: 240, durationSeconds: 3 });
    const file = await write('big.webm', webm);
    expect((await probeError(file, webm.length)).code).toBe('unsupported');
  });

  it('refuses unknown bytes as unrecognized', async () => {
    const junk = Buffer.alloc(1000, 7);
    const file = await write('junk.bin', junk);
    expect((await probeError(file, junk.length)).code).toBe('unrecognized');
  });
});
