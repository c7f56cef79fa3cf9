// The length of an MP3, M4A (AAC) or Ogg input, read with music-metadata (a kept library: it walks
// MPEG frames, MP4 boxes and Ogg pages, which the header probe in audio.ts does not). WAV keeps its
// header reader (audio.ts): its length is stated plainly. Used before submission (probe-file.ts,
// for the stage activity and the API's uploads) so lip-sync's 1–600 s rule is applied to every
// accepted audio format, not only to WAV.
//
// music-metadata is ESM-only ("type": "module", exports with `import` only) and vidu-flow is
// CommonJS. It is loaded with a dynamic import(), which tsc keeps as a real import() under
// "module": "node16" and tsx/esbuild leave alone in CommonJS output, and which Node runs from
// CommonJS on every version package.json's engines allows (require() of ESM only works from Node
// 20.19/22.12). Vitest resolves the import() itself. Loaded once, on the first audio input.
import type { AudioFormat } from './formats';

type MusicMetadata = typeof import('music-metadata', { with: { 'resolution-mode': 'import' } });
let library: Promise<MusicMetadata> | undefined;

function musicMetadata(): Promise<MusicMetadata> {
  return (library ??= import('music-metadata'));
}

type Parsed = Awaited<ReturnType<MusicMetadata['parseFile']>>;

/** The header-only reading first; a full read only when the headers say nothing (an Ogg stream's length is its last page's). */
async function durationOf(
  parse: (opts: { duration: boolean; skipCovers: true }) => Promise<Parsed>,
): Promise<number | undefined> {
  const seconds = (m: Parsed) =>
    m.format.duration !== undefined && Number.isFinite(m.format.duration) ? m.format.duration : undefined;
  try {
    return (
      seconds(await parse({ duration: false, skipCovers: true })) ??
      seconds(await parse({ duration: true, skipCovers: true }))
    );
  } catch {
    return undefined;
  }
}

/** Formats whose length music-metadata reads here (WAV is read from its header in audio.ts). */
export const LIBRARY_AUDIO_FORMATS: readonly AudioFormat[] = ['mp3', 'm4a', 'ogg'];

/**
 * Seconds of audio in `file`, or undefined when the file states none and its frames give none.
 * First from the headers (an MP3's frame rate and size, an MP4's mvhd, an Ogg stream's first
 * pages); an Ogg stream's length is its last page's granule position, so when the headers say
 * nothing the file is read through once (under 0.2 s for the 700 s test stream here).
 * A file the library cannot parse is left to Vidu (undefined), as a video whose container records
 * no length is (check.ts): refusing it here would be a guess about what Vidu takes.
 */
export async function audioDurationOfFile(file: string): Promise<number | undefined> {
  const { parseFile } = await musicMetadata();
  return durationOf((opts) => parseFile(file, opts));
}

/** The same, for bytes already in memory (the simulator's downloaded inputs). */
export async function audioDurationOfBytes(bytes: Uint8Array, mime: string): Promise<number | undefined> {
  const { parseBuffer } = await musicMetadata();
  return durationOf((opts) => parseBuffer(bytes, { mimeType: mime, size: bytes.byteLength }, opts));
}
