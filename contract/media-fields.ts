// Which request fields carry media, per endpoint, as the registry declares them
// (vidu/endpoints/<kind>.ts). Used to stage inputs (read, check, store) and to validate a request
// before its media are read.
import { mediaLimitsOf, type MediaEndpoint } from '../vidu/endpoints';
import type { MediaLimit } from '../vidu/media/limits';
import { CREATE_ENDPOINTS } from '../vidu/schemas/endpoints';

export type { MediaEndpoint } from '../vidu/endpoints';

/** The media field a value sits in, as a dotted path: `images`, `subjects.images`, `image_settings.key_image`, `video_url`. */
export type MediaFieldKey = string;

export interface MediaSlot {
  /** Display path, e.g. `images[0]` or `subjects[1].images[0]`. */
  path: string;
  field: MediaFieldKey;
  value: string;
  /** The documented limit of the field. */
  limit: MediaLimit;
  set(next: string): void;
}

/**
 * Every media value in `request` (which it mutates through `set`), field by field in the
 * registry's order. Arrays met on a field's path are walked item by item; non-string values are
 * skipped (the request schema reports them).
 */
export function mediaSlots(endpoint: MediaEndpoint, request: Record<string, unknown>): MediaSlot[] {
  const slots: MediaSlot[] = [];
  const schema = CREATE_ENDPOINTS[endpoint].request as unknown as ZodNode;
  for (const [field, limit] of Object.entries(mediaLimitsOf(endpoint))) {
    const lists = listSteps(schema, field);
    const walk = (owner: Record<string, unknown>, step: number, prefix: string): void => {
      const keys = field.split('.');
      const key = keys[step] as string;
      const value = owner[key];
      const last = step === keys.length - 1;
      const at = (v: unknown, path: string, set: (next: string) => void) => {
        if (last) {
          if (typeof v === 'string') slots.push({ path, field, value: v, limit, set });
        } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
          walk(v as Record<string, unknown>, step + 1, `${path}.`);
        }
      };
      // The schema says whether the field holds a list or one value; the other shape is skipped
      // here (the request schema reports it).
      if (lists[step]) {
        if (Array.isArray(value)) value.forEach((v, i) => at(v, `${prefix}${key}[${i}]`, (next) => (value[i] = next)));
      } else if (!Array.isArray(value)) {
        at(value, `${prefix}${key}`, (next) => (owner[key] = next));
      }
    };
    walk(request, 0, '');
  }
  return slots;
}

/** The zod 4 internals read here: a definition with its type and, by type, what it wraps. */
interface ZodNode {
  _zod: { def: { type: string; innerType?: ZodNode; in?: ZodNode; element?: ZodNode; shape?: Record<string, ZodNode> } };
}

function unwrap(node: ZodNode | undefined): ZodNode | undefined {
  let n = node;
  for (let i = 0; n && i < 10; i++) {
    const def = n._zod.def;
    if (def.innerType) n = def.innerType;
    else if (def.type === 'pipe' && def.in) n = def.in;
    else break;
  }
  return n;
}

const stepsCache = new WeakMap<object, Map<string, boolean[]>>();

/** For each segment of a dotted media field, whether the request schema holds a list there. */
function listSteps(schema: ZodNode, field: string): boolean[] {
  let byField = stepsCache.get(schema);
  if (!byField) stepsCache.set(schema, (byField = new Map()));
  const hit = byField.get(field);
  if (hit) return hit;
  const steps: boolean[] = [];
  let node: ZodNode | undefined = schema;
  for (const key of field.split('.')) {
    node = unwrap(unwrap(node)?._zod.def.shape?.[key]);
    const isList = node?._zod.def.type === 'array';
    steps.push(isList);
    if (isList) node = unwrap(node?._zod.def.element);
  }
  byField.set(field, steps);
  return steps;
}
