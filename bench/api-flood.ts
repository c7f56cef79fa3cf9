// `npx tsx bench/api-flood.ts [--label after] [--bodies 20] [--mib 10] [--with-key]`: how the HTTP
// API's /healthz answers while unauthenticated clients send it large bodies of nested arrays at
// once (issue 16, item 1); `--with-key`: the same bodies from a caller with a valid key (they get
// past the door, so the JSON depth limit is what refuses them). Not part of `npm test`: figures
// are printed and written, never asserted.
//
// The API runs as a child process (this file with --serve: buildApi from api/server.ts with its
// defaults, a single key, and a client that throws if used — a refused request must never reach
// Temporal), so the flood's sender and the API do not share an event loop. One sampler asks
// /healthz every 10 ms over a keep-alive connection before and during the flood; every flood
// request carries no Authorization header. Results go to bench/results/api-flood-<label>.json;
// when a `base` result exists beside it, the ratio of the two is printed.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseAllowPrivate } from '../platform/net/address-policy';
import { newApiKey } from '../platform/keys/api-keys';
import { buildApi } from '../api/server';

interface Figures {
  label: string;
  at: string;
  bodies: number;
  bodyBytes: number;
  healthz: { samples: number; p50Ms: number; p99Ms: number; maxMs: number; idleP50Ms: number };
  flood: { statuses: Record<string, number>; firstAnswerMs: number; lastAnswerMs: number };
  apiPeakRssMiB: number | undefined;
}

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

async function serve(): Promise<void> {
  const key = newApiKey('bench');
  const untouchable = new Proxy(
    {},
    {
      get: () => {
        throw new Error('the client was used by a request that should have been refused');
      },
    },
  );
  const app = buildApi({
    client: untouchable as never,
    keys: () => [key.entry],
    privateUrls: parseAllowPrivate(undefined),
    log: () => undefined,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`key ${key.key}\nlistening ${(app.server.address() as AddressInfo).port}\n`);
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

function peakRssMiB(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return Promise.resolve(undefined);
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (s) => Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? NaN) / 1024,
    () => undefined,
  );
}

function healthz(port: number, agent: Agent): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One unauthenticated POST with `body`; resolves with its status (or the error code) and when it was answered. */
function flood(
  port: number,
  body: Buffer,
  t0: number,
  key: string | undefined,
): Promise<{ status: string; ms: number }> {
  return new Promise((resolve) => {
    const auth = key ? { authorization: `Bearer ${key}` } : {};
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/generations/img2video',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length, ...auth },
      },
      (res) => {
        res.resume();
        resolve({ status: String(res.statusCode), ms: performance.now() - t0 });
      },
    );
    // A server that answers early and closes may reset the upload: that counts as answered too.
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ status: err.code ?? 'error', ms: performance.now() - t0 }),
    );
    req.end(body);
  });
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  const withKey = process.argv.includes('--with-key');
  const label = arg('label', withKey ? 'after-with-key' : 'after');
  const bodies = Number(arg('bodies', '20'));
  const bytes = Math.round(Number(arg('mib', '10')) * 1024 * 1024);
  const half = Math.floor(bytes / 2);
  const body = Buffer.from('['.repeat(half) + ']'.repeat(half));

  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let apiKey: string | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      apiKey = /key (\S+)/.exec(out)?.[1];
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening`)));
  });
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) idle.push(await healthz(port, agent));

    const samples: number[] = [];
    let flooding = true;
    const sampler = (async () => {
      while (flooding) {
        samples.push(await healthz(port, agent));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: bodies }, () => flood(port, body, t0, withKey ? apiKey : undefined)),
    );
    await new Promise((r) => setTimeout(r, 200));
    flooding = false;
    await sampler;
    agent.destroy();

    const sorted = [...samples].sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    const times = answers.map((a) => a.ms);
    const figures: Figures = {
      label,
      at: new Date().toISOString(),
      bodies,
      bodyBytes: body.length,
      healthz: {
        samples: samples.length,
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted[sorted.length - 1] ?? NaN,
        idleP50Ms: quantile(
          [...idle].sort((a, b) => a - b),
          0.5,
        ),
      },
      flood: { statuses, firstAnswerMs: Math.min(...times), lastAnswerMs: Math.max(...times) },
      apiPeakRssMiB: await peakRssMiB(child.pid),
    };
    const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '?' : n.toFixed(1));
    console.log(
      `[api-flood ${label}] ${bodies} ${withKey ? 'authenticated' : 'unauthenticated'} bodies of ${(body.length / 1048576).toFixed(1)} MiB (nested arrays) at once: ` +
        `answers ${JSON.stringify(statuses)} within ${f(figures.flood.firstAnswerMs)}–${f(figures.flood.lastAnswerMs)} ms; ` +
        `/healthz (${samples.length} samples) p50 ${f(figures.healthz.p50Ms)} ms, p99 ${f(figures.healthz.p99Ms)} ms, max ${f(figures.healthz.maxMs)} ms ` +
        `(idle p50 ${f(figures.healthz.idleP50Ms)} ms); API peak RSS ${f(figures.apiPeakRssMiB)} MiB`,
    );
    const dir = path.join(__dirname, 'results');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `api-flood-${label}.json`), `${JSON.stringify(figures, null, 2)}\n`);
    if (label !== 'base' && !withKey) {
      const base = await readFile(path.join(dir, 'api-flood-base.json'), 'utf8').then(
        (t) => JSON.parse(t) as Figures,
        () => undefined,
      );
      if (base) {
        const r = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(1) : '?');
        console.log(
          `[api-flood] base → ${label}: /healthz p50 ${f(base.healthz.p50Ms)} → ${f(figures.healthz.p50Ms)} ms, p99 ${f(base.healthz.p99Ms)} → ${f(figures.healthz.p99Ms)} ms (${r(base.healthz.p99Ms, figures.healthz.p99Ms)}× better), ` +
            `max ${f(base.healthz.maxMs)} → ${f(figures.healthz.maxMs)} ms (${r(base.healthz.maxMs, figures.healthz.maxMs)}×); last flood answer ${f(base.flood.lastAnswerMs)} → ${f(figures.flood.lastAnswerMs)} ms; ` +
            `peak RSS ${f(base.apiPeakRssMiB)} → ${f(figures.apiPeakRssMiB)} MiB`,
        );
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
