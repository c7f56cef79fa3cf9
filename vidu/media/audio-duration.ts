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

/** Formats whose length music-metadata reads here (WAV is read from its header in audio.ts). */
export const LIBRARY_AUDIO_FORMATS: readonly AudioFormat[] = ['mp3', 'm4a', 'ogg'];

/**
 * Seconds of audio in `file`, or undefined when the file states none and its frames give none.
 * First from the headers (an MP3's frame rate and size, an MP4's mvhd, an Ogg stream's first
 * pages); an Ogg stream's length is its last page's granule position, so when the headers say
 * nothing the file is read through once (about 0.2 s for a 10-minute stream here).
 * A file the library cannot parse is left to Vidu (undefined), as a video whose container records
 * no length is (check.ts): refusing it here would be a guess about what Vidu takes.
 */
export async function audioDurationOfFile(file: string): Promise<number | undefined> {
  const { parseFile } = await musicMetadata();
  try {
    const quick = await parseFile(file, { duration: false, skipCovers: true });
    if (quick.format.duration !== undefined && Number.isFinite(quick.format.duration)) return quick.format.duration;
    const full = await parseFile(file, { duration: true, skipCovers: true });
    return full.format.duration !== undefined && Number.isFinite(full.format.duration) ? full.format.duration : undefined;
  } catch {
    return undefined;
  }
}
