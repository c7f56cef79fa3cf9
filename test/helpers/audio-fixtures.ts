// Real audio files of a chosen length, written here because no encoder (ffmpeg, sox, lame) is
// guaranteed on a test machine. Each is a valid file of its format that players and
// music-metadata read: silent MPEG audio frames (MP3), an Ogg Opus stream whose last page states
// its length (Ogg), an iTunes-branded MP4 with one AAC track (M4A). Small: about 1 kB a second.

/** MP3: MPEG-2 Layer III, 8 kHz, 8 kbit/s, mono: 72-byte frames of 576 samples (72 ms), all silent. */
export function makeMp3(seconds: number): Buffer {
  const frames = Math.round((seconds * 8000) / 576);
  // 0xFFF3: sync, MPEG-2, Layer III, no CRC. 0x14: bitrate index 1 (8 kbit/s), 8 kHz rate index 2, no padding. 0xC4: mono.
  const header = Buffer.from([0xff, 0xf3, 0x14, 0xc4]);
  const frame = Buffer.concat([header, Buffer.alloc(72 - 4)]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

// Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0 (RFC 3533).
const OGG_CRC = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(bytes: Buffer): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc;
}

function oggPage(packet: Buffer, flags: number, granule: bigint, sequence: number): Buffer {
  const segments: number[] = [];
  for (let left = packet.length; ; left -= 255) {
    segments.push(Math.min(left, 255));
    if (left < 255) break;
  }
  const head = Buffer.alloc(27 + segments.length);
  head.write('OggS', 0, 'ascii');
  head[5] = flags;
  head.writeBigUInt64LE(granule, 6);
  head.writeUInt32LE(0x5649_4455, 14); // stream serial
  head.writeUInt32LE(sequence, 18);
  head[26] = segments.length;
  segments.forEach((s, i) => (head[27 + i] = s));
  const page = Buffer.concat([head, packet]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** Ogg Opus: OpusHead, OpusTags, then one audio page per second whose granule position (48 kHz) counts the samples. */
export function makeOgg(seconds: number): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1; // version
  head[9] = 1; // channels
  head.writeUInt16LE(0, 10); // pre-skip
  head.writeUInt32LE(48000, 12);
  const vendor = 'vidu-flow test';
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'ascii');
  tags.writeUInt32LE(vendor.length, 8);
  tags.write(vendor, 12, 'ascii');
  const pages = [oggPage(head, 0x02, 0n, 0), oggPage(tags, 0, 0n, 1)];
  // A silent 20 ms Opus packet (TOC 0xF8: CELT fullband 20 ms, one frame) per 20 ms would be exact; one
  // per page is enough for a reader of the stream's length, which is the last granule position.
  const whole = Math.max(1, Math.ceil(seconds));
  for (let s = 1; s <= whole; s++) {
    const granule = BigInt(Math.round(Math.min(s, seconds) * 48000));
    pages.push(oggPage(Buffer.from([0xf8, 0xff, 0xfe]), s === whole ? 0x04 : 0, granule, 1 + s));
  }
  return Buffer.concat(pages);
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'ascii');
  return Buffer.concat([head, body]);
}

/** M4A: ftyp "M4A ", moov with mvhd/tkhd/mdhd stating the length and an mp4a sample entry, and an empty mdat. */
export function makeM4a(seconds: number): Buffer {
  const ms = Math.round(seconds * 1000);
  const unity = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
  const ftyp = box('ftyp', Buffer.from('M4A '), Buffer.from([0, 0, 0, 0]), Buffer.from('M4A mp42isom'));
  // Offsets below count from the full box's version/flags word (ISO/IEC 14496-12 §8.2.2, §8.3.2, §8.4.2).
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale
  mvhd.writeUInt32BE(ms, 16); // duration
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  unity.forEach((v, i) => mvhd.writeUInt32BE(v, 36 + i * 4));
  mvhd.writeUInt32BE(2, 96); // next track id
  const tkhd = Buffer.alloc(84);
  tkhd[3] = 3; // enabled, in movie
  tkhd.writeUInt32BE(1, 12); // track id
  tkhd.writeUInt32BE(ms, 20);
  tkhd.writeUInt16BE(0x0100, 36); // volume
  unity.forEach((v, i) => tkhd.writeUInt32BE(v, 40 + i * 4));
  const mdhd = Buffer.alloc(24);
  mdhd.writeUInt32BE(44100, 12);
  mdhd.writeUInt32BE(Math.round(seconds * 44100), 16);
  mdhd.writeUInt16BE(0x55c4, 20); // language "und"
  const hdlr = Buffer.concat([Buffer.alloc(8), Buffer.from('soun'), Buffer.alloc(12), Buffer.from('SoundHandler\0')]);
  const mp4a = Buffer.alloc(28);
  mp4a.writeUInt16BE(1, 6); // data reference index
  mp4a.writeUInt16BE(1, 16); // channels
  mp4a.writeUInt16BE(16, 18); // sample size
  mp4a.writeUInt32BE(44100 * 65536, 24); // sample rate 16.16
  const stsd = box('stsd', Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), box('mp4a', mp4a));
  const empty = (type: string) => box(type, Buffer.alloc(8));
  const stbl = box('stbl', stsd, empty('stts'), empty('stsc'), box('stsz', Buffer.alloc(12)), empty('stco'));
  const url = box('url ', Buffer.from([0, 0, 0, 1]));
  const dref = box('dref', Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), url);
  const minf = box('minf', box('smhd', Buffer.alloc(8)), box('dinf', dref), stbl);
  const mdia = box('mdia', box('mdhd', mdhd), box('hdlr', hdlr), minf);
  const moov = box('moov', box('mvhd', mvhd), box('trak', box('tkhd', tkhd), mdia));
  return Buffer.concat([ftyp, moov, box('mdat')]);
}
