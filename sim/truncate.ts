/**
 * Data URIs can be 20 MB; logs and admin views show them cut short, with
 * their length, so a request log or task record stays readable.
 */
export function truncateDataUris(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.startsWith('data:') && value.length > 80 ? `${value.slice(0, 48)}…(${value.length} chars)` : value;
  }
  if (Array.isArray(value)) return value.map(truncateDataUris);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncateDataUris(v)]));
  }
  return value;
}
