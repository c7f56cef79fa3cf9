import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

// The studio's front end is plain TypeScript in studio/ (no framework: a handful of pages built
// with DOM calls), bundled in memory by esbuild when the API first serves it. esbuild is already
// here (tsx, which runs every process, is built on it), so the front end adds no dependency, no
// build step and no file to keep in git; a bundle of ~25 KB builds in well under a second. Asset
// names carry their content hash, so they are cached for good and a new API serves new names.

export interface StudioAsset {
  name: string;
  contentType: string;
  body: Buffer;
}

const STUDIO_DIR = path.resolve(__dirname, '../../studio');

async function bundle(): Promise<StudioAsset[]> {
  // Loaded on first use: the API's start-up and its tests that never open the studio pay nothing.
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [path.join(STUDIO_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const script = Buffer.from(out.outputFiles[0]!.contents);
  const style = await readFile(path.join(STUDIO_DIR, 'studio.css'));
  const hashed = (stem: string, ext: string, body: Buffer) =>
    `${stem}.${createHash('sha256').update(body).digest('hex').slice(0, 12)}.${ext}`;
  return [
    { name: hashed('studio', 'js', script), contentType: 'text/javascript; charset=utf-8', body: script },
    { name: hashed('studio', 'css', style), contentType: 'text/css; charset=utf-8', body: style },
  ];
}

let built: Promise<StudioAsset[]> | undefined;

/** The bundle, built once per process (a failed build is retried on the next request). */
export function studioAssets(): Promise<StudioAsset[]> {
  built ??= bundle().catch((err) => {
    built = undefined;
    throw err;
  });
  return built;
}
