// Temporal refuses a payload over 2 MB (its default blob size limit) with a gRPC error that names
// neither the field nor the fix. The client measures the workflow input first and fails with
// InvalidGenerationInput instead, naming the largest field.

/** Temporal's default blob size limit. */
export const TEMPORAL_PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024;
/** What the client sends at most: the limit less room for the payload's metadata and headers. */
export const MAX_INPUT_BYTES = TEMPORAL_PAYLOAD_LIMIT_BYTES - 128 * 1024;

/** Issues (empty = fits) for a workflow input about to be sent as one JSON payload. */
export function payloadSizeIssues(input: unknown, maxBytes = MAX_INPUT_BYTES): string[] {
  const size = Buffer.byteLength(JSON.stringify(input) ?? '');
  if (size <= maxBytes) return [];
  const largest = largestField(input, '');
  const where = largest ? `${largest.path || 'input'} (${mb(largest.bytes)})` : 'input';
  return [
    `${where}: the workflow input is ${mb(size)} as JSON, over the ${mb(maxBytes)} a start may carry (Temporal refuses payloads over ${mb(TEMPORAL_PAYLOAD_LIMIT_BYTES)}); ` +
      'pass media as local files (the client stages them), staged: references or http(s) URLs',
  ];
}

function largestField(value: unknown, at: string): { path: string; bytes: number } | undefined {
  if (Array.isArray(value)) return pick(value.map((v, i) => largestField(v, `${at}[${i}]`)));
  if (typeof value === 'object' && value !== null) {
    return pick(Object.entries(value).map(([k, v]) => largestField(v, at ? `${at}.${k}` : k)));
  }
  return { path: at, bytes: Buffer.byteLength(JSON.stringify(value) ?? '') };
}

function pick(list: Array<{ path: string; bytes: number } | undefined>): { path: string; bytes: number } | undefined {
  let best: { path: string; bytes: number } | undefined;
  for (const x of list) if (x && (!best || x.bytes > best.bytes)) best = x;
  return best;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
