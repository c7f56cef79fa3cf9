import { ByteReader } from './bytes';
import { MediaProbeError } from './errors';
import type { VideoGeometry } from './formats';

interface Box {
  type: string;
  /** First byte after the header (and after a `uuid` box's user type). */
  bodyStart: number;
  end: number;
}

/** Sentinel for "duration unknown" in mvhd/mdhd/mehd: all ones in the field's width. */
const UNKNOWN_32 = 0xffffffff;
const UNKNOWN_64 = 0xffffffffffffffffn;

function* boxes(r: ByteReader, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset < end) {
    if (end - offset < 8) {
      // Some writers pad the file with a few zero bytes; anything else is a cut-off box header.
      if (r.bytes.subarray(offset, end).every((b) => b === 0)) return;
      if (end === r.length) throw r.truncated(`${end - offset} stray bytes at ${offset}, too few for a box header`);
      throw r.malformed(`${end - offset} stray bytes at ${offset} inside a parent box`);
    }
    const size32 = r.u32be(offset, 'box size');
    const type = r.ascii(offset + 4, 4, 'box type');
    let headerSize = 8;
    let boxEnd: number;
    if (size32 === 1) {
      headerSize = 16;
      boxEnd = offset + r.u64be(offset + 8, `'${type}' 64-bit size`);
    } else if (size32 === 0) {
      boxEnd = end;
    } else {
      boxEnd = offset + size32;
    }
    if (type === 'uuid') headerSize += 16;
    if (boxEnd - offset < headerSize) throw r.malformed(`box '${type}' at ${offset} is smaller than its header`);
    if (boxEnd > r.length) {
      throw r.truncated(
        `box '${type}' at ${offset} declares ${boxEnd - offset} bytes, only ${r.length - offset} remain`,
      );
    }
    if (boxEnd > end) throw r.malformed(`box '${type}' at ${offset} overruns its parent`);
    yield { type, bodyStart: offset + headerSize, end: boxEnd };
    offset = boxEnd;
  }
}

function child(r: ByteReader, parent: Box, type: string): Box | undefined {
  for (const box of boxes(r, parent.bodyStart, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** Parses mvhd/mdhd/mehd-style (version, timescale?, duration) with the v0/v1 field widths. */
function readDuration(r: ByteReader, box: Box, at: { v0: number; v1: number }): number | undefined {
  const version = r.u8(box.bodyStart, `'${box.type}' version`);
  if (version === 1) {
    const raw = r.u64beRaw(box.bodyStart + at.v1, `'${box.type}' duration`);
    return raw === UNKNOWN_64 ? undefined : Number(raw);
  }
  if (version !== 0) throw r.malformed(`'${box.type}' version ${version}`);
  const raw = r.u32be(box.bodyStart + at.v0, `'${box.type}' duration`);
  return raw === UNKNOWN_32 ? undefined : raw;
}

/** Timescale sits right after the creation/modification times, whose width depends on the version. */
function readTimescale(r: ByteReader, box: Box): number {
  const version = r.u8(box.bodyStart);
  const timescale = r.u32be(box.bodyStart + (version === 1 ? 20 : 12), `'${box.type}' timescale`);
  if (timescale === 0) throw r.malformed(`'${box.type}' timescale is 0`);
  return timescale;
}

const seconds = (duration: number | undefined, timescale: number): number | undefined =>
  duration === undefined || duration === 0 ? undefined : duration / timescale;

interface Track {
  handler: string;
  width: number;
  height: number;
  durationSeconds: number | undefined;
}

function readTrack(r: ByteReader, trak: Box): Track | undefined {
  const tkhd = child(r, trak, 'tkhd');
  const mdia = child(r, trak, 'mdia');
  const hdlr = mdia && child(r, mdia, 'hdlr');
  if (!tkhd || !mdia || !hdlr) return undefined;
  const handler = r.ascii(hdlr.bodyStart + 8, 4, 'hdlr handler type');

  // Width/height are the last two fields; everything before them is fixed-size per version.
  const tkhdVersion = r.u8(tkhd.bodyStart, 'tkhd version');
  const dims = tkhd.bodyStart + (tkhdVersion === 1 ? 88 : 76);
  let width = Math.round(r.u32be(dims, 'tkhd width') / 65536);
  let height = Math.round(r.u32be(dims + 4, 'tkhd height') / 65536);
  if (handler === 'vide' && (width === 0 || height === 0)) {
    // Some muxers leave tkhd at 0×0; the sample description always carries the coded size.
    const coded = readSampleEntrySize(r, mdia);
    if (coded) ({ width, height } = coded);
  }

  const mdhd = child(r, mdia, 'mdhd');
  const durationSeconds = mdhd ? seconds(readDuration(r, mdhd, { v0: 16, v1: 24 }), readTimescale(r, mdhd)) : undefined;
  return { handler, width, height, durationSeconds };
}

function readSampleEntrySize(r: ByteReader, mdia: Box): { width: number; height: number } | undefined {
  const minf = child(r, mdia, 'minf');
  const stbl = minf && child(r, minf, 'stbl');
  const stsd = stbl && child(r, stbl, 'stsd');
  if (!stsd) return undefined;
  // stsd: version/flags(4) + entry_count(4), then VisualSampleEntry: header(8) + 24 bytes before width/height.
  const entry = stsd.bodyStart + 8;
  return { width: r.u16be(entry + 32, 'sample entry width'), height: r.u16be(entry + 34, 'sample entry height') };
}

/** MP4 and QuickTime share the box structure; only the ftyp brand tells them apart. */
export function probeIsoBmff(bytes: Uint8Array, format: 'mp4' | 'mov'): VideoGeometry {
  const r = new ByteReader(bytes, format);
  let moov: Box | undefined;
  // Walk every top-level box, not just up to moov, so a cut-off mdat is reported as truncation.
  for (const box of boxes(r, 0, r.length)) {
    if (box.type === 'moov' && !moov) moov = box;
  }
  if (!moov) throw r.malformed('no moov box');
  if (child(r, moov, 'cmov')) throw new MediaProbeError('unsupported', format, 'compressed QuickTime header (cmov)');

  const mvhd = child(r, moov, 'mvhd');
  if (!mvhd) throw r.malformed('no mvhd box in moov');
  const movieTimescale = readTimescale(r, mvhd);
  let durationSeconds = seconds(readDuration(r, mvhd, { v0: 16, v1: 24 }), movieTimescale);

  let video: Track | undefined;
  for (const box of boxes(r, moov.bodyStart, moov.end)) {
    if (box.type !== 'trak') continue;
    const track = readTrack(r, box);
    if (track?.handler === 'vide') {
      video = track;
      break;
    }
  }
  if (!video) throw r.malformed('no video track (hdlr "vide")');
  if (video.width === 0 || video.height === 0) throw r.malformed('video track has no dimensions');

  if (durationSeconds === undefined) {
    // Fragmented files leave mvhd at 0 and put the total in mvex/mehd.
    const mvex = child(r, moov, 'mvex');
    const mehd = mvex && child(r, mvex, 'mehd');
    durationSeconds = mehd ? seconds(readDuration(r, mehd, { v0: 4, v1: 4 }), movieTimescale) : video.durationSeconds;
  }
  const { width, height } = video;
  return durationSeconds === undefined ? { width, height } : { width, height, durationSeconds };
}
