import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaLoadError, receiveMedia } from '../../activities/media-source';
import { StagingStore } from '../../platform/stores/staging-store';

const KB = 1024;
const PAYLOAD = Buffer.from('89504e470d0a1a0a' + '00'.repeat(56), 'hex'); // 64 bytes

let tmp: string;
let server: http.Server;
let base: string;
let hits: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-core-media-'));
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    switch (req.url) {
      case '/ok.png':
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': PAYLOAD.length });
        res.end(PAYLOAD);
        return;
      case '/missing.png':
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      case '/big-declared.png':
        // Declares 2 KB; the loader must refuse before reading the body.
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': 2 * KB });
        res.end(Buffer.alloc(2 * KB));
        return;
      case '/big-chunked.png': {
        // No content-length: the limit has to be enforced while streaming.
        res.writeHead(200, { 'content-type': 'image/png' });
        let sent = 0;
        const timer = setInterval(() => {
          if (sent >= 8 * KB || res.destroyed) {
            clearInterval(timer);
            res.end();
            return;
          }
          res.write(Buffer.alloc(KB));
          sent += KB;
        }, 1);
        return;
      }
      case '/chunked-ok.png':
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PAYLOAD.subarray(0, 10));
        setTimeout(() => res.end(PAYLOAD.subarray(10)), 5);
        return;
      case '/redirect':
        res.writeHead(302, { location: '/ok.png' });
        res.end();
        return;
      case '/error':
        res.writeHead(500);
        res.end('boom');
        return;
      default:
        res.writeHead(400);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

/** receiveMedia with the test folder as the only input root, read back as bytes. */
async function loadMedia(value: string, maxBytes: number, fetchImpl?: typeof fetch, inputRoots: string[] = [tmp]) {
  const staging = new StagingStore(path.join(tmp, '.staging'));
  const { file, source } = await receiveMedia(value, maxBytes, {
    staging,
    inputRoots,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const bytes = await readFile(file.path);
  await file.discard();
  return { bytes, source, size: file.size, sha256: file.sha256 };
}

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(tmp, { recursive: true, force: true });
});

async function loadError(
  value: string,
  maxBytes = 1 * KB,
  fetchImpl?: typeof fetch,
  inputRoots?: string[],
): Promise<MediaLoadError> {
  try {
    await loadMedia(value, maxBytes, fetchImpl, inputRoots);
  } catch (err) {
    expect(err).toBeInstanceOf(MediaLoadError);
    return err as MediaLoadError;
  }
  throw new Error(`loadMedia(${value.slice(0, 60)}) did not fail`);
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('loadMedia: data URIs', () => {
  it('decodes a base64 data URI', async () => {
    const result = await loadMedia(`data:image/png;base64,${PAYLOAD.toString('base64')}`, KB);
    expect(result.source).toBe('data-uri');
    expect(result.bytes.equals(PAYLOAD)).toBe(true);
  });

  it('accepts parameters before base64 and structured mime types', async () => {
    const r1 = await loadMedia(
      `data:image/svg+xml;charset=utf-8;base64,${Buffer.from('<svg/>').toString('base64')}`,
      KB,
    );
    expect(r1.bytes.toString()).toBe('<svg/>');
    const r2 = await loadMedia(`data:video/quicktime;base64,${PAYLOAD.toString('base64')}`, KB);
    expect(r2.bytes.length).toBe(PAYLOAD.length);
  });

  it('refuses a data URI without a content type, saying Vidu needs one', async () => {
    const err = await loadError(`data:;base64,${PAYLOAD.toString('base64')}`);
    expect(err.message).toMatch(/no content type/);
    expect(err.message).toContain('data:image/png;base64');
    expect((await loadError('data:,hello')).message).toMatch(/no content type/);
  });

  it('refuses a data URI that is not base64', async () => {
    expect((await loadError('data:image/png,rawbytes')).message).toMatch(/not base64/);
    expect((await loadError('data:image/png;charset=utf-8,rawbytes')).message).toMatch(/not base64/);
  });

  it('refuses a malformed data URI', async () => {
    expect((await loadError('data:image/png;base64')).message).toMatch(/malformed data URI/);
    expect((await loadError('data:image png;base64,AAAA')).message).toMatch(/malformed data URI/);
  });

  it('refuses a data URI over the limit, naming size and limit', async () => {
    const err = await loadError(
      `data:image/png;base64,${Buffer.alloc(3 * 1024 * 1024).toString('base64')}`,
      2 * 1024 * 1024,
    );
    expect(err.message).toBe('3.0 MB exceeds the 2.0 MB limit');
  });

  it('accepts a data URI exactly at the limit', async () => {
    const result = await loadMedia(`data:image/png;base64,${Buffer.alloc(KB).toString('base64')}`, KB);
    expect(result.bytes.length).toBe(KB);
  });
});

describe('loadMedia: local files', () => {
  it('reads an absolute path', async () => {
    const file = path.join(tmp, 'cat.png');
    await writeFile(file, PAYLOAD);
    const result = await loadMedia(file, KB);
    expect(result.source).toBe('file');
    expect(result.bytes.equals(PAYLOAD)).toBe(true);
  });

  it('reads a path relative to the working directory', async () => {
    const file = path.join(tmp, 'relative.png');
    await writeFile(file, PAYLOAD);
    const relative = path.relative(process.cwd(), file);
    expect(path.isAbsolute(relative)).toBe(false);
    expect((await loadMedia(relative, KB)).bytes.equals(PAYLOAD)).toBe(true);
  });

  it('names the resolved path of a missing file inside an input root', async () => {
    const err = await loadError(path.join(tmp, 'definitely-missing-core-media.png'));
    expect(err.message).toBe(`file not found: ${path.join(tmp, 'definitely-missing-core-media.png')}`);
  });

  it('refuses a path outside the input roots by rule, saying nothing about the file', async () => {
    const existing = await loadError('/etc/passwd');
    const missing = await loadError('./definitely-missing-core-media.png');
    expect(existing.message).toBe(missing.message);
    expect(existing.message).toMatch(/^local paths are not read by the worker unless under VIDU_FLOW_INPUT_ROOTS/);
    expect(existing.message).not.toMatch(/passwd|not found|MB/);
  });

  it('refuses every local path when no input root is configured', async () => {
    const file = path.join(tmp, 'no-roots.png');
    await writeFile(file, PAYLOAD);
    expect((await loadError(file, KB, undefined, [])).message).toMatch(/unless under VIDU_FLOW_INPUT_ROOTS/);
  });

  it('refuses a symlink inside a root that points outside it, and a `..` escape', async () => {
    const root = path.join(tmp, 'root');
    await mkdir(root, { recursive: true });
    await writeFile(path.join(tmp, 'outside.png'), PAYLOAD);
    await symlink(path.join(tmp, 'outside.png'), path.join(root, 'link.png'));
    await symlink('/etc', path.join(root, 'etc'));
    for (const value of [
      path.join(root, 'link.png'),
      `${root}/../outside.png`,
      path.join(root, 'etc', 'passwd'),
      path.join(root, 'etc', 'no-such-file'),
    ]) {
      const err = await loadError(value, KB, undefined, [root]);
      expect(err.message, value).toMatch(/^local paths are not read by the worker unless under VIDU_FLOW_INPUT_ROOTS/);
    }
  });

  it('reads a file inside a root, also through a symlink that stays inside', async () => {
    const root = path.join(tmp, 'root2');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await writeFile(path.join(root, 'sub', 'in.png'), PAYLOAD);
    await symlink(path.join(root, 'sub', 'in.png'), path.join(root, 'alias.png'));
    expect((await loadMedia(path.join(root, 'sub', 'in.png'), KB, undefined, [root])).bytes.equals(PAYLOAD)).toBe(true);
    expect((await loadMedia(path.join(root, 'alias.png'), KB, undefined, [root])).bytes.equals(PAYLOAD)).toBe(true);
  });

  it('refuses a directory', async () => {
    expect((await loadError(tmp)).message).toBe(`not a file: ${tmp}`);
  });

  it('refuses a file over the limit without reading it', async () => {
    const file = path.join(tmp, 'big.mp4');
    await writeFile(file, Buffer.alloc(3 * 1024 * 1024));
    expect((await loadError(file, 1024 * 1024)).message).toBe('3.0 MB exceeds the 1.0 MB limit');
  });

  it('reads a file:// URL, decoding percent escapes', async () => {
    const file = path.join(tmp, 'with space é.png');
    await writeFile(file, PAYLOAD);
    const url = pathToFileURL(file).href;
    expect(url).toContain('%20');
    const result = await loadMedia(url, KB);
    expect(result.source).toBe('file');
    expect(result.bytes.equals(PAYLOAD)).toBe(true);
  });

  // Was a bug: fileURLToPath's TypeError escaped as is, so the stage activity (which turns only
  // MediaLoadError into an invalid-request failure) treated bad input as a retryable worker fault.
  it.each([
    ['a host', 'file://media-host/cat.png'],
    ['an encoded slash', 'file:///srv/a%2Fb.png'],
  ])('refuses a file:// URL with %s as a MediaLoadError', async (_name, url) => {
    const err = await loadError(url);
    expect(err.message).toMatch(/not a usable file:\/\/ URL/);
    expect(err.message).not.toContain(url); // no parser message about the caller's input
  });

  it('names the path of a missing file:// URL', async () => {
    const missing = path.join(tmp, 'gone.png');
    expect((await loadError(pathToFileURL(missing).href)).message).toContain(missing);
  });
});

describe('loadMedia: http(s) URLs', () => {
  it('downloads a 200 response', async () => {
    const result = await loadMedia(`${base}/ok.png`, KB);
    expect(result.source).toBe('url');
    expect(result.bytes.equals(PAYLOAD)).toBe(true);
  });

  it('downloads a chunked response within the limit', async () => {
    expect((await loadMedia(`${base}/chunked-ok.png`, KB)).bytes.equals(PAYLOAD)).toBe(true);
  });

  it('follows redirects', async () => {
    expect((await loadMedia(`${base}/redirect`, KB)).bytes.equals(PAYLOAD)).toBe(true);
  });

  it('accepts an upper-case scheme', async () => {
    const upper = `HTTP://${base.slice('http://'.length)}/ok.png`;
    expect((await loadMedia(upper, KB)).source).toBe('url');
  });

  it('reports a 404 with the URL and status', async () => {
    const err = await loadError(`${base}/missing.png`);
    expect(err.message).toBe(`could not download ${base}/missing.png: HTTP 404`);
  });

  it('reports a 500 with the URL and status', async () => {
    expect((await loadError(`${base}/error`)).message).toContain('HTTP 500');
  });

  it('refuses a response whose content-length is over the limit', async () => {
    const err = await loadError(`${base}/big-declared.png`, KB);
    expect(err.message).toMatch(/exceeds the .* limit/);
  });

  it('refuses a streamed response once it passes the limit', async () => {
    const err = await loadError(`${base}/big-chunked.png`, 2 * KB);
    expect(err.message).toMatch(/more than the .* limit/);
  });

  it('reports an unreachable port with the URL and the cause', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/x.png`;
    const err = await loadError(url);
    expect(err.message).toContain(`could not download ${url}`);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const fake = (async (input: string | URL | Request) => {
      seen.push(String(input));
      return new Response(PAYLOAD, { status: 200 });
    }) as typeof fetch;
    const result = await loadMedia('https://cdn.example/cat.png', KB, fake);
    expect(seen).toEqual(['https://cdn.example/cat.png']);
    expect(result.bytes.equals(PAYLOAD)).toBe(true);
  });

  it('turns a fetch exception into a MediaLoadError with its message', async () => {
    const fake = (async () => {
      throw new Error('certificate has expired');
    }) as typeof fetch;
    expect((await loadError('https://cdn.example/cat.png', KB, fake)).message).toBe(
      'could not download https://cdn.example/cat.png: certificate has expired',
    );
  });

  it('does not treat an http URL as a local path', async () => {
    hits = [];
    await loadMedia(`${base}/ok.png`, KB);
    expect(hits).toEqual(['/ok.png']);
  });
});
