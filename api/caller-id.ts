import type { ApiKey } from './keys';

// The caller id a key's work is owned by: the search attribute ViduCaller, the namespace of the
// workflow ids derived from its idempotency keys, the key whose webhookSecret signs its webhooks.
// Decision 1 of issue 16: ownership follows a key's stable `id`, never its display `name`. Lane A
// adds the required `id` to ApiKey; until then (and for a keys file without ids) the name stands in.

export function callerIdOf(key: ApiKey): string {
  return (key as ApiKey & { id?: string }).id ?? key.name;
}
