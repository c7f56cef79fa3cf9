import { detectFormat } from '../vidu/media/detect';
import { STAGED_PREFIX, type StagingStore } from '../platform/stores/staging-store';

/** Replaces every `staged:` reference in a request with a data URI of the staged bytes. */
export async function resolveStagedRefs(value: unknown, staging: StagingStore): Promise<unknown> {
  if (typeof value === 'string' && value.startsWith(STAGED_PREFIX)) {
    const bytes = await staging.get(value);
    const mime = detectFormat(bytes)?.mime ?? 'application/octet-stream';
    return `data:${mime};base64,${bytes.toString('base64')}`;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveStagedRefs(v, staging)));
  if (typeof value === 'object' && value !== null) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolveStagedRefs(v, staging)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
