/**
 * Shared plumbing for the simulator tests: an in-process sim on a free port,
 * a tiny HTTP client for its API and admin routes, and a callback receiver.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSim, type RunningSim, type SimConfig } from '../../sim';
import { makePng, toDataUri } from '../helpers/media-fixtures';

export const API_KEY = 'test-key';
export const AUTH = { Authorization: `Token ${API_KEY}` };

export function startTestSim(overrides: Partial<SimConfig> = {}): Promise<RunningSim> {
  return startSim({
    port: 0,
    apiKey: API_KEY,
    logLevel: 'silent',
    timeScale: 0,
    callbackRetryMs: 20,
    seed: 'sim-tests',
    ...overrides,
  });
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  sim: RunningSim,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = AUTH,
): Promise<Answer<T>> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON (media)
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const api = {
  post: <T = any>(sim: RunningSim, path: string, body?: unknown) => call<T>(sim, 'POST', `/ent/v2/${path}`, body),
  get: <T = any>(sim: RunningSim, path: string) => call<T>(sim, 'GET', `/ent/v2/${path}`),
};

export const admin = {
  get: <T = any>(sim: RunningSim, path: string) => call<T>(sim, 'GET', `/_sim/${path}`, undefined, {}),
  post: <T = any>(sim: RunningSim, path: string, body: unknown = {}) => call<T>(sim, 'POST', `/_sim/${path}`, body, {}),
  advance: (sim: RunningSim, seconds: number) => call(sim, 'POST', '/_sim/clock/advance', { seconds }, {}),
};

export const pngUri = (w = 320, h = 180, seed = 'input') => toDataUri(makePng(w, h, seed), 'image/png');

/** A valid img2video request: viduq1 5 s 1080p, 80 credits. */
export function img2video(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'viduq1', images: [pngUri()], prompt: 'a slow push-in', ...extra };
}

export async function createTask(sim: RunningSim, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await api.post(sim, 'img2video', img2video(extra));
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 5000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ReceivedCallback {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
  at: number;
}

export interface Receiver {
  url: string;
  received: ReceivedCallback[];
  /** Status to answer with (per request, in order); defaults to 200. */
  respond: (req: ReceivedCallback) => number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    received: [],
    respond: () => 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const entry: ReceivedCallback = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
        at: Date.now(),
      };
      receiver.received.push(entry);
      res.statusCode = receiver.respond(entry);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
