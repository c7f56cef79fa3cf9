import { ByteReader } from './bytes';
import type { VideoGeometry } from './formats';

// Matroska element IDs, marker bits included as the spec writes them.
const ID = {
  ebmlHeader: 0x1a45dfa3,
  docType: 0x4282,
  segment: 0x18538067,
  info: 0x1549a966,
  timestampScale: 0x2ad7b1,
  duration: 0x4489,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackType: 0x83,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  cluster: 0x1f43b675,
} as const;

const TRACK_TYPE_VIDEO = 1;

interface Element {
  id: number;
  dataStart: number;
  dataEnd: number;
  /** Live-streamed segments/clusters use "unknown size": they run to the end of their parent. */
  unknownSize: boolean;
}

function vintLength(first: number, maxLength: number, r: ByteReader, offset: number): number {
  const length = Math.clz32(first) - 23;
  if (first === 0 || length > maxLength) throw r.malformed(`invalid EBML variable-length integer at ${offset}`);
  return length;
}

function readElement(r: ByteReader, offset: number, parentEnd: number): Element {
  const idFirst = r.u8(offset, 'EBML element id');
  const idLength = vintLength(idFirst, 4, r, offset);
  r.need(offset, idLength, 'EBML element id');
  let id = 0;
  for (let i = 0; i < idLength; i++) id = id * 256 + r.u8(offset + i);

  const sizeOffset = offset + idLength;
  const sizeFirst = r.u8(sizeOffset, 'EBML element size');
  const sizeLength = vintLength(sizeFirst, 8, r, sizeOffset);
  r.need(sizeOffset, sizeLength, 'EBML element size');
  let size = sizeFirst & (0xff >> sizeLength);
  let allOnes = size === 0xff >> sizeLength;
  for (let i = 1; i < sizeLength; i++) {
    const byte = r.u8(sizeOffset + i);
    allOnes &&= byte === 0xff;
    size = size * 256 + byte;
  }
  const dataStart = sizeOffset + sizeLength;
  if (allOnes) return { id, dataStart, dataEnd: parentEnd, unknownSize: true };
  if (!Number.isSafeInteger(size)) throw r.malformed(`EBML element 0x${id.toString(16)} size is implausible`);
  const dataEnd = dataStart + size;
  if (dataEnd > r.length) {
    throw r.truncated(`EBML element 0x${id.toString(16)} needs ${size} bytes at ${dataStart}, input has ${r.length}`);
  }
  if (dataEnd > parentEnd) throw r.malformed(`EBML element 0x${id.toString(16)} overruns its parent`);
  return { id, dataStart, dataEnd, unknownSize: false };
}

function* children(r: ByteReader, start: number, end: number): Generator<Element> {
  let offset = start;
  while (offset < end) {
    const element = readElement(r, offset, end);
    yield element;
    if (element.unknownSize) return;
    offset = element.dataEnd;
  }
}

function readUint(r: ByteReader, e: Element): number {
  const length = e.dataEnd - e.dataStart;
  if (length > 8) throw r.malformed(`EBML unsigned integer 0x${e.id.toString(16)} has ${length} bytes`);
  let value = 0;
  for (let i = e.dataStart; i < e.dataEnd; i++) value = value * 256 + r.u8(i);
  return value;
}

function readFloat(r: ByteReader, e: Element): number | undefined {
  const length = e.dataEnd - e.dataStart;
  if (length === 4) return r.f32be(e.dataStart);
  if (length === 8) return r.f64be(e.dataStart);
  if (length === 0) return 0;
  throw r.malformed(`EBML float 0x${e.id.toString(16)} has ${length} bytes`);
}

function readString(r: ByteReader, e: Element): string {
  return r.ascii(e.dataStart, e.dataEnd - e.dataStart).replace(/\0+$/, '');
}

/** DocType tells WebM from general Matroska, which shares the same magic. */
export function readEbmlDocType(bytes: Uint8Array): string | undefined {
  const r = new ByteReader(bytes, 'webm');
  try {
    const header = readElement(r, 0, r.length);
    if (header.id !== ID.ebmlHeader) return undefined;
    for (const child of children(r, header.dataStart, header.dataEnd)) {
      if (child.id === ID.docType) return readString(r, child);
    }
  } catch {
    // Sniffing only: a short or odd header is simply "not recognisably WebM".
  }
  return undefined;
}

export function probeWebm(bytes: Uint8Array): VideoGeometry {
  const r = new ByteReader(bytes, 'webm');
  let segment: Element | undefined;
  for (const element of children(r, 0, r.length)) {
    if (element.id === ID.segment) {
      segment = element;
      break;
    }
  }
  if (!segment) throw r.malformed('no Segment element');

  let timestampScale = 1_000_000;
  let rawDuration: number | undefined;
  let video: { width: number; height: number } | undefined;
  let sawInfo = false;
  let sawTracks = false;

  for (const element of children(r, segment.dataStart, segment.dataEnd)) {
    if (element.id === ID.info) {
      sawInfo = true;
      for (const field of children(r, element.dataStart, element.dataEnd)) {
        if (field.id === ID.timestampScale) timestampScale = readUint(r, field);
        if (field.id === ID.duration) rawDuration = readFloat(r, field);
      }
    } else if (element.id === ID.tracks) {
      sawTracks = true;
      video ??= findVideoTrack(r, element);
    } else if (element.id === ID.cluster && element.unknownSize) {
      // Its end can only be found by parsing every block; headers come before clusters anyway.
      break;
    }
  }

  if (!sawTracks) throw r.malformed('no Tracks element before the first cluster');
  if (!video) throw r.malformed('no video track');
  if (!sawInfo) throw r.malformed('no Info element');
  const durationSeconds =
    rawDuration !== undefined && rawDuration > 0 && Number.isFinite(rawDuration)
      ? (rawDuration * timestampScale) / 1e9
      : undefined;
  return durationSeconds === undefined ? video : { ...video, durationSeconds };
}

function findVideoTrack(r: ByteReader, tracks: Element): { width: number; height: number } | undefined {
  for (const entry of children(r, tracks.dataStart, tracks.dataEnd)) {
    if (entry.id !== ID.trackEntry) continue;
    let type: number | undefined;
    let width = 0;
    let height = 0;
    for (const field of children(r, entry.dataStart, entry.dataEnd)) {
      if (field.id === ID.trackType) type = readUint(r, field);
      if (field.id === ID.video) {
        for (const v of children(r, field.dataStart, field.dataEnd)) {
          if (v.id === ID.pixelWidth) width = readUint(r, v);
          if (v.id === ID.pixelHeight) height = readUint(r, v);
        }
      }
    }
    if (type === TRACK_TYPE_VIDEO) {
      if (width <= 0 || height <= 0) throw r.malformed('video track has no pixel dimensions');
      return { width, height };
    }
  }
  return undefined;
}
