import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import { StagingStore } from '../../platform/stores/staging-store';

const OP = 'operator';

let tmp: string;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-core-stores-'));
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const p of parts) {
    await new Promise((r) => setImmediate(r));
    yield typeof p === 'string' ? Buffer.from(p) : p;
  }
}

async function* failingAfter(parts: string[], error: Error): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
  throw error;
}

/** Every file under `dir`, relative, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('LocalArchiveStore', () => {
  it('resolves its root to an absolute directory', () => {
    expect(new LocalArchiveStore('relative/archive').root).toBe(path.resolve('relative/archive'));
    expect(path.isAbsolute(new LocalArchiveStore('.').root)).toBe(true);
  });

  describe('write', () => {
    it('streams chunks to the key and returns their sha256 and size', async () => {
      const store = new LocalArchiveStore(tmp);
      const big = Buffer.alloc(256 * 1024, 0xab);
      const result = await store.write('wf-1/video-c1.mp4', chunks('hello ', big, 'world'), 'video/mp4');
      const expected = Buffer.concat([Buffer.from('hello '), big, Buffer.from('world')]);
      expect(result).toEqual({ sha256: sha256(expected), bytes: expected.length });
      expect(sha256(await readFile(path.join(tmp, 'wf-1/video-c1.mp4')))).toBe(sha256(expected));
    });

    it('writes an empty body', async () => {
      const store = new LocalArchiveStore(tmp);
      expect(await store.write('wf/empty.bin', chunks(), 'application/octet-stream')).toEqual({
        sha256: sha256(new Uint8Array()),
        bytes: 0,
      });
      expect(await store.exists('wf/empty.bin')).toBe(true);
    });

    it('leaves no temporary file behind', async () => {
      const store = new LocalArchiveStore(tmp);
      await store.write('wf/a.mp4', chunks('a'), 'video/mp4');
      await store.write('wf/a.mp4', chunks('a'), 'video/mp4');
      await store.write('wf/b.jpg', chunks('b'), 'image/jpeg');
      expect(await listFiles(tmp)).toEqual(['wf/a.mp4', 'wf/b.jpg']);
    });

    it('replaces an existing file on a retried write', async () => {
      const store = new LocalArchiveStore(tmp);
      await store.write('wf/a.mp4', chunks('first'), 'video/mp4');
      const second = await store.write('wf/a.mp4', chunks('second'), 'video/mp4');
      expect(second.bytes).toBe(6);
      expect(await readFile(path.join(tmp, 'wf/a.mp4'), 'utf8')).toBe('second');
    });

    it('on a failed stream: rejects, writes nothing, leaves no partial file', async () => {
      const store = new LocalArchiveStore(tmp);
      await expect(
        store.write('wf/a.mp4', failingAfter(['half', 'way'], new Error('connection reset')), 'video/mp4'),
      ).rejects.toThrow('connection reset');
      expect(await store.exists('wf/a.mp4')).toBe(false);
      expect(await listFiles(tmp)).toEqual([]);
    });

    it('on a failed stream: keeps the complete file already there', async () => {
      const store = new LocalArchiveStore(tmp);
      await store.write('wf/a.mp4', chunks('complete'), 'video/mp4');
      await expect(store.write('wf/a.mp4', failingAfter(['trunc'], new Error('boom')), 'video/mp4')).rejects.toThrow(
        'boom',
      );
      expect(await readFile(path.join(tmp, 'wf/a.mp4'), 'utf8')).toBe('complete');
      expect(await listFiles(tmp)).toEqual(['wf/a.mp4']);
    });

    it('concurrent writes of one key end with one complete file', async () => {
      const store = new LocalArchiveStore(tmp);
      const body = Buffer.alloc(64 * 1024, 7);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.write('wf/a.mp4', chunks(body, body), 'video/mp4')),
      );
      for (const r of results) expect(r).toEqual({ sha256: sha256(Buffer.concat([body, body])), bytes: 128 * 1024 });
      expect(sha256(await readFile(path.join(tmp, 'wf/a.mp4')))).toBe(sha256(Buffer.concat([body, body])));
      expect(await listFiles(tmp)).toEqual(['wf/a.mp4']);
    });
  });

  describe('digest', () => {
    it('reads the stored bytes back: sha256 and size, with progress', async () => {
      const store = new LocalArchiveStore(tmp);
      const body = Buffer.alloc(3 * 1024 * 1024 + 5, 0x42);
      const written = await store.write('wf/a.mp4', chunks(body), 'video/mp4');
      const seen: number[] = [];
      expect(await store.digest('wf/a.mp4', (n) => seen.push(n))).toEqual(written);
      expect(seen.at(-1)).toBe(body.length);
      expect(seen.length).toBeGreaterThan(1);
    });

    it('sees a file changed behind its back', async () => {
      const store = new LocalArchiveStore(tmp);
      const written = await store.write('wf/a.mp4', chunks('complete'), 'video/mp4');
      await writeFile(path.join(tmp, 'wf/a.mp4'), 'corrupte');
      const now = await store.digest('wf/a.mp4');
      expect(now?.bytes).toBe(written.bytes);
      expect(now?.sha256).not.toBe(written.sha256);
    });

    it('is undefined for a missing key or a directory', async () => {
      const store = new LocalArchiveStore(tmp);
      expect(await store.digest('wf/none.mp4')).toBeUndefined();
      await store.write('wf/a.mp4', chunks('x'), 'video/mp4');
      expect(await store.digest('wf')).toBeUndefined();
    });
  });

  describe('exists', () => {
    it('is true for a written file, false for a missing one or a directory', async () => {
      const store = new LocalArchiveStore(tmp);
      expect(await store.exists('wf/a.mp4')).toBe(false);
      await store.write('wf/a.mp4', chunks('x'), 'video/mp4');
      expect(await store.exists('wf/a.mp4')).toBe(true);
      expect(await store.exists('wf')).toBe(false);
    });

    it('is false (not an error) for a key outside the root', async () => {
      const store = new LocalArchiveStore(path.join(tmp, 'archive'));
      await writeFile(path.join(tmp, 'outside.txt'), 'x');
      expect(await store.exists('../outside.txt')).toBe(false);
    });
  });

  describe('readJson / writeJson', () => {
    it('round-trips a value, creating directories', async () => {
      const store = new LocalArchiveStore(tmp);
      const manifest = { workflowId: 'wf', files: [{ name: 'a.mp4', bytes: 3 }], unicode: 'été 🎬' };
      await store.writeJson('wf/deep/manifest.json', manifest);
      expect(await store.readJson('wf/deep/manifest.json')).toEqual(manifest);
      expect(await listFiles(tmp)).toEqual(['wf/deep/manifest.json']);
    });

    it('writes readable JSON ending in a newline', async () => {
      const store = new LocalArchiveStore(tmp);
      await store.writeJson('m.json', { a: 1 });
      expect(await readFile(path.join(tmp, 'm.json'), 'utf8')).toBe('{\n  "a": 1\n}\n');
    });

    it('leaves no temporary file behind', async () => {
      const store = new LocalArchiveStore(tmp);
      await Promise.all([store.writeJson('wf/m.json', { v: 1 }), store.writeJson('wf/m.json', { v: 2 })]);
      expect(await listFiles(tmp)).toEqual(['wf/m.json']);
    });

    it('overwrites an existing document', async () => {
      const store = new LocalArchiveStore(tmp);
      await store.writeJson('m.json', { v: 1 });
      await store.writeJson('m.json', { v: 2 });
      expect(await store.readJson('m.json')).toEqual({ v: 2 });
    });

    it('returns undefined for a missing key', async () => {
      expect(await new LocalArchiveStore(tmp).readJson('nope/manifest.json')).toBeUndefined();
    });

    it('throws on a corrupt document instead of pretending it is missing', async () => {
      await writeFile(path.join(tmp, 'bad.json'), '{"half":');
      await expect(new LocalArchiveStore(tmp).readJson('bad.json')).rejects.toThrow(SyntaxError);
    });
  });

  describe('locate', () => {
    it('maps keys under the root', () => {
      const store = new LocalArchiveStore(tmp);
      expect(store.locate('wf-1/video-c1.mp4')).toBe(path.join(tmp, 'wf-1', 'video-c1.mp4'));
      expect(store.locate('wf-1/./x/../video.mp4')).toBe(path.join(tmp, 'wf-1', 'video.mp4'));
    });

    it.each([
      ['a parent directory', '../escape.txt'],
      ['a nested parent walk', 'wf/../../escape.txt'],
      ['an absolute path', '/etc/passwd'],
      ['a sibling sharing the root’s name as a prefix', '../archive-evil/file.txt'],
    ])('refuses %s', (_name, key) => {
      const store = new LocalArchiveStore(path.join(tmp, 'archive'));
      expect(() => store.locate(key)).toThrow(/escapes the archive root/);
    });

    it('refuses a key with a NUL byte', () => {
      const store = new LocalArchiveStore(path.join(tmp, 'archive'));
      expect(() => store.locate('wf/a\u0000.mp4')).toThrow(/escapes the archive root/);
    });

    it('refuses escaping keys in digest too', async () => {
      const store = new LocalArchiveStore(path.join(tmp, 'archive'));
      await writeFile(path.join(tmp, 'outside.txt'), 'x');
      await expect(store.digest('../outside.txt')).rejects.toThrow(/escapes/);
    });

    it('refuses escaping keys in write, readJson and writeJson too', async () => {
      const store = new LocalArchiveStore(path.join(tmp, 'archive'));
      await expect(store.write('../x.mp4', chunks('x'), 'video/mp4')).rejects.toThrow(/escapes/);
      await expect(store.readJson('../x.json')).rejects.toThrow(/escapes/);
      await expect(store.writeJson('../x.json', {})).rejects.toThrow(/escapes/);
      expect(await listFiles(tmp)).toEqual([]);
    });
  });
});

describe('StagingStore', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  it('stores bytes under their sha256 and reads them back', async () => {
    const store = new StagingStore(tmp);
    const ref = await store.put(PNG, 'png', OP);
    expect(ref).toBe(`staged:operator/${sha256(PNG)}.png`);
    expect(await store.get(ref)).toEqual(PNG);
    expect(await listFiles(tmp)).toEqual([`operator/${sha256(PNG)}.png`]);
  });

  it('is content-addressed: the same bytes twice are stored once', async () => {
    const store = new StagingStore(tmp);
    const a = await store.put(PNG, 'png', OP);
    const b = await store.put(Buffer.from(PNG), 'png', OP);
    expect(a).toBe(b);
    expect(await listFiles(tmp)).toHaveLength(1);
    const c = await store.put(Buffer.from('other'), 'png', OP);
    expect(c).not.toBe(a);
    expect(await listFiles(tmp)).toHaveLength(2);
  });

  it('creates its directory on first use', async () => {
    const store = new StagingStore(path.join(tmp, 'a', 'b'));
    expect(store.dir).toBe(path.join(tmp, 'a', 'b'));
    const ref = await store.put(PNG, 'png', OP);
    expect(await store.get(ref)).toEqual(PNG);
  });

  // Was a bug: every put used the temp name `<target>.partial-<pid>`, so concurrent puts of the same
  // bytes (one reference image used by several workflows on one worker) renamed each other's temp
  // file away (ENOENT) or could publish a file another put was still writing.
  it('concurrent puts of the same bytes all succeed and leave one intact file', async () => {
    const store = new StagingStore(tmp);
    const bytes = Buffer.alloc(2 * 1024 * 1024, 0x5a);
    const refs = await Promise.all(Array.from({ length: 16 }, () => store.put(bytes, 'mp4', OP)));
    expect(new Set(refs).size).toBe(1);
    expect(await listFiles(tmp)).toEqual([`operator/${sha256(bytes)}.mp4`]);
    expect(sha256(await store.get(refs[0] as string))).toBe(sha256(bytes));
  });

  it.each([
    ['not staged at all', './cat.png', /not a staged reference/],
    ['a URL', 'https://cdn.example/x.png', /not a staged reference/],
    ['a path walk', 'staged:../../etc/passwd', /malformed staged reference/],
    ['a short hash', `staged:${'a'.repeat(63)}.png`, /malformed/],
    ['an upper-case hash', `staged:${'A'.repeat(64)}.png`, /malformed/],
    ['no extension', `staged:${'a'.repeat(64)}`, /malformed/],
    ['a path after the name', `staged:${'a'.repeat(64)}.png/../../x`, /malformed/],
    ['a directory in front', `staged:sub/${'a'.repeat(64)}.png`, /malformed/],
    ['an owner that is not one', `staged:alice/${'a'.repeat(64)}.png`, /malformed/],
    ['an owner walk', `staged:key-a/../operator/${'a'.repeat(64)}.png`, /malformed/],
    ['two owners', `staged:key-a/key-b/${'a'.repeat(64)}.png`, /malformed/],
    ['an empty reference', 'staged:', /malformed/],
  ])('get refuses %s', async (_name, ref, message) => {
    await expect(new StagingStore(tmp).get(ref)).rejects.toThrow(message);
  });

  it('get of a well-formed but unknown reference fails with ENOENT', async () => {
    await expect(new StagingStore(tmp).get(`staged:key-k1/${'b'.repeat(64)}.png`)).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('get does not read files outside its directory', async () => {
    await mkdir(path.join(tmp, 'staging'));
    await writeFile(path.join(tmp, 'secret.png'), 'secret');
    await expect(new StagingStore(path.join(tmp, 'staging')).get('staged:../secret.png')).rejects.toThrow(/malformed/);
  });

  // put used to accept any extension, handing out references that get then refused, and an
  // extension such as `png/../../x` would have written outside the directory.
  it.each([['PNG'], [''], ['png/../../x'], ['tar.gz'], ['p g']])('put refuses the extension %j', async (ext) => {
    await expect(new StagingStore(path.join(tmp, 'staging')).put(PNG, ext, OP)).rejects.toThrow(/extension/);
    expect(await listFiles(tmp)).toEqual([]);
  });

  it('leaves no temporary files behind', async () => {
    const store = new StagingStore(tmp);
    await Promise.all([store.put(PNG, 'png', OP), store.put(PNG, 'png', OP), store.put(Buffer.from('x'), 'webp', OP)]);
    expect((await listFiles(tmp)).every((f) => !f.includes('partial'))).toBe(true);
  });
});
