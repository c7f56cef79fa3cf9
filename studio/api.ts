// The studio's only way to the server: the existing HTTP API, with the key in the Authorization
// header. The key lives in sessionStorage: it dies with the tab, is not shared with other tabs or
// sent by the browser on its own (so no cross-site request can use it: no cookie exists), and is
// never put in a URL. Media load through short-lived signed links the API hands out (a <video>
// cannot send a header).

const KEY = 'vidu-flow-studio-key';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

async function send(
  method: string,
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
): Promise<Response> {
  const key = session.key();
  const res = await fetch(path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    ...(body !== undefined ? { body } : {}),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (res.status === 401) {
    session.signOut();
    location.hash = '#/sign-in';
  }
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { detail?: string; errors?: FieldError[] };
    throw new ApiError(
      res.status,
      problem.detail ?? `${res.status} ${res.statusText}`,
      Array.isArray(problem.errors) ? problem.errors : [],
    );
  }
  return res;
}

export async function api<T>(
  method: string,
  path: string,
  json?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await send(
    method,
    path,
    json === undefined ? undefined : JSON.stringify(json),
    json === undefined ? headers : { 'content-type': 'application/json', ...headers },
  );
  return (await res.json()) as T;
}

export async function upload(
  target: { kind: string; field: string } | undefined,
  file: File,
): Promise<{ ref: string }> {
  const q = target ? `?${new URLSearchParams(target)}` : '';
  const res = await send('POST', `/v1/uploads${q}`, file, { 'content-type': file.type || 'application/octet-stream' });
  return (await res.json()) as { ref: string };
}

export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

/**
 * Follows GET /v1/generations/{id}/events (EventSource cannot send a header, so fetch reads the
 * stream). Reconnects with Last-Event-ID after a drop, until the `result` event or `signal` aborts.
 */
export async function follow(id: string, onEvent: (e: SseEvent) => void, signal: AbortSignal): Promise<void> {
  let lastId: string | undefined;
  while (!signal.aborted) {
    let ended = false;
    try {
      const key = session.key();
      const res = await fetch(`/v1/generations/${encodeURIComponent(id)}/events`, {
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(lastId ? { 'last-event-id': lastId } : {}) },
        credentials: 'omit',
        signal,
      });
      if (!res.ok || !res.body) throw new ApiError(res.status, `events: ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e = parseBlock(block);
          if (!e) continue;
          if (e.id) lastId = e.id;
          onEvent(e);
          if (e.event === 'result') ended = true;
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError && (err.status === 404 || err.status === 401 || err.status === 403)) return;
    }
    if (ended) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const at = line.indexOf(':');
    const name = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
    if (name === 'event') event = value;
    else if (name === 'id') id = value;
    else if (name === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  try {
    return { event, ...(id ? { id } : {}), data: JSON.parse(data.join('\n')) };
  } catch {
    return undefined;
  }
}
