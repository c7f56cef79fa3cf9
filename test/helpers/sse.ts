// Server-Sent Events as a client reads them (the API e2e tests): one `{ id, event, data }` per
// block ending in a blank line; blocks without `data` (the `retry:` hint, keep-alive comments)
// are skipped. Breaking out of the loop releases the stream.

export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        const data = field('data');
        if (data !== undefined) yield { id: field('id') ?? '', event: field('event') ?? 'message', data };
      }
    }
  } finally {
    reader.releaseLock();
  }
}
