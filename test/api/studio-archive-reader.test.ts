// api/studio/archive-reader.ts and media-files.ts: byte ranges for <video> seeking, and only files
// inside this API's archive are read, whatever a result says.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveReader, parseRange } from '../../api/studio/archive-reader';
import { mediaFilesOf, playableType } from '../../api/studio/media-files';

describe('parseRange', () => {
  it('reads bytes=a-b, a- and -n; refuses ranges past the end; serves multi-range requests whole', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
  });
});

describe('the local archive reader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'studio-archive-'));
    await mkdir(path.join(dir, 'archive', 'wf'), { recursive: true });
    await writeFile(path.join(dir, 'archive', 'wf', 'a.mp4'), Buffer.from('0123456789'));
    await writeFile(path.join(dir, 'secret.txt'), 'not yours');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const read = async (body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream) => {
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks).toString();
  };

  it('reads a file under ARCHIVE_DIR, whole or a range', async () => {
    const reader = archiveReader({ ARCHIVE_DIR: path.join(dir, 'archive') });
    const whole = await reader.open(path.join(dir, 'archive', 'wf', 'a.mp4'), undefined);
    expect(whole !== undefined && whole !== 'unsatisfiable' && (await read(whole.body))).toBe('0123456789');
    const part = await reader.open(path.join(dir, 'archive', 'wf', 'a.mp4'), (size) => parseRange('bytes=2-4', size));
    expect(part !== undefined && part !== 'unsatisfiable' && part.range).toEqual({ start: 2, end: 4 });
    expect(part !== undefined && part !== 'unsatisfiable' && (await read(part.body))).toBe('234');
  });

  it('never reads outside the archive, however the location is spelled', async () => {
    const reader = archiveReader({ ARCHIVE_DIR: path.join(dir, 'archive') });
    expect(await reader.open(path.join(dir, 'secret.txt'), undefined)).toBeUndefined();
    expect(await reader.open(path.join(dir, 'archive', '..', 'secret.txt'), undefined)).toBeUndefined();
    expect(await reader.open(path.join(dir, 'archive-other', 'x'), undefined)).toBeUndefined();
    expect(await reader.open(path.join(dir, 'archive'), undefined)).toBeUndefined();
  });

  it('an S3 archive reads only locations under ARCHIVE_URL', async () => {
    const reader = archiveReader({ ARCHIVE_URL: 's3://bucket/prefix' });
    expect(await reader.open('s3://other/prefix/wf/a.mp4', undefined)).toBeUndefined();
    expect(await reader.open('s3://bucket/prefix-2/wf/a.mp4', undefined)).toBeUndefined();
    expect(await reader.open('/etc/passwd', undefined)).toBeUndefined();
  });
});

describe('mediaFilesOf', () => {
  it('numbers every archived file of a result once, in order, including an upscale child and an AD film', () => {
    const file = (name: string, role: string) => ({
      name,
      role,
      creationId: name,
      sha256: 'x',
      bytes: 1,
      contentType: role === 'cover' ? 'image/png' : 'video/mp4',
      location: `/a/${name}`,
    });
    const result = {
      archive: { files: [file('v.mp4', 'video'), file('v.cover.png', 'cover')] },
      upscale: { archive: { files: [file('u.mp4', 'video')] } },
      status: { archive: { files: [file('v.mp4', 'video')] } },
    };
    expect(mediaFilesOf(result).map((f) => [f.n, f.name, f.role])).toEqual([
      [0, 'v.mp4', 'video'],
      [1, 'v.cover.png', 'cover'],
      [2, 'u.mp4', 'video'],
    ]);
  });

  it('serves only media types a page can play inline', () => {
    expect(playableType('video/mp4')).toBe(true);
    expect(playableType('image/png')).toBe(true);
    expect(playableType('text/html')).toBe(false);
    expect(playableType('image/svg+xml')).toBe(false);
    expect(playableType('application/json')).toBe(false);
  });
});
