import { ByteReader } from './bytes';
import type { VideoGeometry } from './formats';

interface Chunk {
  id: string;
  /** For LIST/RIFF: the list type (e.g. 'hdrl'); children start 4 bytes into the data. */
  listType: string | undefined;
  dataStart: number;
  dataEnd: number;
}

function* chunks(r: ByteReader, start: number, end: number): Generator<Chunk> {
  let offset = start;
  while (offset + 8 <= end) {
    const id = r.ascii(offset, 4, 'chunk id');
    const size = r.u32le(offset + 4, `'${id}' size`);
    const dataStart = offset + 8;
    const dataEnd = dataStart + size;
    if (dataEnd > r.length) {
      throw r.truncated(`chunk '${id}' at ${offset} declares ${size} bytes, only ${r.length - dataStart} remain`);
    }
    if (dataEnd > end) throw r.malformed(`chunk '${id}' at ${offset} overruns its list`);
    const listType = id === 'LIST' || id === 'RIFF' ? r.ascii(dataStart, 4, 'list type') : undefined;
    yield { id, listType, dataStart, dataEnd };
    offset = dataEnd + (size & 1); // chunks are padded to an even length
  }
}

const listBody = (list: Chunk): [number, number] => [list.dataStart + 4, list.dataEnd];

interface VideoStream {
  scale: number;
  rate: number;
  length: number;
  width: number;
  height: number;
}

/**
 * avih is the documented place for size and duration, but its frame period is
 * rounded to whole microseconds and its frame count covers only the first RIFF
 * of an OpenDML (>1 GB) file, so the video stream header wins when present.
 */
export function probeAvi(bytes: Uint8Array): VideoGeometry {
  const r = new ByteReader(bytes, 'avi');
  const riffs = [...chunks(r, 0, r.length)];
  const first = riffs[0];
  if (!first || first.id !== 'RIFF' || first.listType !== 'AVI ') throw r.malformed("no RIFF 'AVI ' header");

  let avih: { usPerFrame: number; totalFrames: number; width: number; height: number } | undefined;
  let stream: VideoStream | undefined;
  let odmlTotalFrames: number | undefined;

  for (const list of chunks(r, ...listBody(first))) {
    if (list.listType !== 'hdrl') continue;
    for (const item of chunks(r, ...listBody(list))) {
      if (item.id === 'avih') {
        r.need(item.dataStart, 40, 'avih');
        avih = {
          usPerFrame: r.u32le(item.dataStart),
          totalFrames: r.u32le(item.dataStart + 16),
          width: r.u32le(item.dataStart + 32),
          height: r.u32le(item.dataStart + 36),
        };
      } else if (item.listType === 'strl') {
        stream ??= readVideoStream(r, item);
      } else if (item.listType === 'odml') {
        for (const dmlh of chunks(r, ...listBody(item))) {
          if (dmlh.id === 'dmlh') odmlTotalFrames = r.u32le(dmlh.dataStart, 'dmlh total frames');
        }
      }
    }
  }
  if (!avih) throw r.malformed('no avih header');

  const width = avih.width || stream?.width || 0;
  const height = avih.height || stream?.height || 0;
  if (width === 0 || height === 0) throw r.malformed('no frame dimensions in avih or the video stream format');

  let durationSeconds: number | undefined;
  if (stream && stream.rate > 0 && stream.scale > 0 && stream.length > 0) {
    durationSeconds = (stream.length * stream.scale) / stream.rate;
  } else {
    const frames = odmlTotalFrames ?? avih.totalFrames;
    if (frames > 0 && avih.usPerFrame > 0) durationSeconds = (frames * avih.usPerFrame) / 1e6;
  }
  return durationSeconds === undefined ? { width, height } : { width, height, durationSeconds };
}

function readVideoStream(r: ByteReader, strl: Chunk): VideoStream | undefined {
  let header: Omit<VideoStream, 'width' | 'height'> | undefined;
  let width = 0;
  let height = 0;
  for (const item of chunks(r, ...listBody(strl))) {
    if (item.id === 'strh') {
      r.need(item.dataStart, 36, 'strh');
      if (r.ascii(item.dataStart, 4) !== 'vids') return undefined;
      header = {
        scale: r.u32le(item.dataStart + 20),
        rate: r.u32le(item.dataStart + 24),
        length: r.u32le(item.dataStart + 32),
      };
    } else if (item.id === 'strf' && header) {
      // BITMAPINFOHEADER; a negative height marks top-down rows.
      width = Math.abs(r.i32le(item.dataStart + 4, 'strf width'));
      height = Math.abs(r.i32le(item.dataStart + 8, 'strf height'));
    }
  }
  return header && { ...header, width, height };
}
