/**
 * Query-string encoding for GET /ent/v2/tasks (docs/vidu-api.md §7): nested objects become
 * dotted names (`created_at.from`, `paper.pagesz`, `pager.page_token`), arrays
 * become repeated keys (`states=success&states=failed`). Keys that are already
 * dotted pass through unchanged, so both nested and flat query shapes work.
 */

type Scalar = string | number | boolean | bigint | Date;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function scalarToString(v: Scalar): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

function isScalar(v: unknown): v is Scalar {
  return (
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    typeof v === 'bigint' ||
    v instanceof Date
  );
}

function flatten(prefix: string, value: unknown, out: URLSearchParams): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined || item === null) continue;
      if (!isScalar(item)) throw new TypeError(`query parameter ${prefix}: array items must be scalars`);
      out.append(prefix, scalarToString(item));
    }
    return;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
    return;
  }
  if (!isScalar(value)) throw new TypeError(`query parameter ${prefix}: unsupported value`);
  out.append(prefix, scalarToString(value));
}

/** Encoded query without the leading '?'; '' when nothing is set. */
export function encodeQuery(query: object | undefined): string {
  const params = new URLSearchParams();
  if (query) flatten('', query, params);
  return params.toString();
}
