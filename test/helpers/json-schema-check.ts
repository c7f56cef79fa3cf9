// A small JSON Schema checker for the keywords dev/gen-schemas.ts emits: enough to show that the
// published schemas (and the examples in schemas/README.md) accept real inputs and refuse broken
// ones, without adding a validator dependency. Used by test/unit/json-schemas.test.ts and
// test/unit/schemas-readme.test.ts.

export type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$schema',
  'title',
  'description',
  'default',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
]);

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

export function validate(schema: Schema, v: unknown, at = '$'): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(schema))
    if (!KNOWN.has(key)) throw new Error(`${at}: keyword ${key} not understood by this checker`);
  if (typeof schema.type === 'string' && !typeOk(schema.type, v)) return [`${at}: expected ${schema.type}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(v as never))
    errors.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== v) errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => validate(s as Schema, v, at).length === 0))
    errors.push(`${at}: matches no anyOf branch`);
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((s) => validate(s as Schema, v, at).length === 0).length;
    if (matching !== 1) errors.push(`${at}: matches ${matching} oneOf branches, not exactly one`);
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (typeof schema.minLength === 'number' && len < schema.minLength)
      errors.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && len > schema.maxLength)
      errors.push(`${at}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v))
      errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (typeof v === 'number') {
    if (typeof schema.minimum === 'number' && v < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && v > schema.maximum) errors.push(`${at}: above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum)
      errors.push(`${at}: not above ${schema.exclusiveMinimum}`);
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === 'number' && v.length < schema.minItems)
      errors.push(`${at}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && v.length > schema.maxItems)
      errors.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items) v.forEach((item, i) => errors.push(...validate(schema.items as Schema, item, `${at}[${i}]`)));
  }
  if (typeOk('object', v) && schema.type === 'object') {
    const obj = v as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const req of (schema.required ?? []) as string[]) if (!(req in obj)) errors.push(`${at}.${req}: required`);
    for (const [k, val] of Object.entries(obj)) {
      if (props[k]) errors.push(...validate(props[k], val, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${k}: not allowed`);
    }
  }
  return errors;
}
