import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHashed } from '../../platform/stores/hashed-write';

// writeHashed batches chunks and writes one batch while the next fills: the file and the digest
// must still be exactly the source's bytes, whatever the chunk sizes, also when the source reuses
// one buffer, and nothing may still be writing once it settled.

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hashed-write-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function writeTo(
  name: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts?: Parameters<typeof writeHashed>[2],
) {
  const file = path.join(tmp, name);
  const fh = await open(file, 'w');
  try {
    return { file, ...(await writeHashed(fh, source, opts)) };
  } finally {
    await fh.close();
  }
}

/** `total` bytes in chunks of the given sizes (cycled), all views of one reused buffer. */
async function* reusedBuffer(data: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  const buffer = Buffer.alloc(Math.max(...sizes));
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, data.length - at);
    data.copy(buffer, 0, at, at + n);
    at += n;
    yield buffer.subarray(0, n);
    buffer.fill(0xee); // the writer must have taken its copy before asking for the next chunk
  }
}

describe('writeHashed', () => {
  it('writes and hashes every byte across batch boundaries, from a source that reuses its buffer', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 12_345);
    const out = await writeTo('reused.bin', reusedBuffer(data, [65_536, 1, 1_048_577, 4_000, 333_333]));
    expect(out.bytes).toBe(data.length);
    expect(out.sha256).toBe(sha256(data));
    expect(sha256(await readFile(out.file))).toBe(out.sha256);
  });

  it('writes an empty source as an empty file with the empty digest', async () => {
    const out = await writeTo('empty.bin', []);
    expect(out.bytes).toBe(0);
    expect(out.sha256).toBe(sha256(Buffer.alloc(0)));
    expect((await readFile(out.file)).length).toBe(0);
  });

  it("throws the caller's error once the bytes pass maxBytes, before writing the chunk that passed it", async () => {
    const chunks = [randomBytes(1024 * 1024), randomBytes(1024 * 1024), randomBytes(10)];
    const tooLarge = new Error('too large');
    await expect(writeTo('capped.bin', chunks, { maxBytes: 2 * 1024 * 1024, tooLarge: () => tooLarge })).rejects.toBe(
      tooLarge,
    );
    // The chunks before the cap are in the file, none after it, and nothing is still being written.
    expect((await readFile(path.join(tmp, 'capped.bin'))).length).toBe(2 * 1024 * 1024);
  });

  it('rethrows a failing source and leaves no write running', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield randomBytes(1024 * 1024 + 5);
      throw new Error('connection reset');
    }
    await expect(writeTo('failing.bin', failing())).rejects.toThrow('connection reset');
    // The first chunk filled a batch, so it was written; the write had finished when the promise rejected.
    expect((await readFile(path.join(tmp, 'failing.bin'))).length).toBe(1024 * 1024 + 5);
  });
});
