// Which request fields carry media, per endpoint, as the registry declares them
// (vidu/endpoints/<kind>.ts). Used to stage inputs (read, check, store) and to validate a request
// before its media are read.
import { reservedVoiceIssues } from './voice-ids';
import { mediaLimitsOf, type MediaEndpoint } from '../vidu/endpoints';
import type { MediaLimit } from '../vidu/media/limits';
import { CREATE_ENDPOINTS } from '../vidu/schemas/endpoints';
import { ownsStagedRef } from './staged-ref';

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
  _zod: {
    def: { type: string; innerType?: ZodNode; in?: ZodNode; element?: ZodNode; shape?: Record<string, ZodNode> };
  };
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

/** A request field that names something already on Vidu's side (a creation, a task). */
const VIDU_ID_FIELD = /(^|_)(creation|task)_id$/;

/**
 * The request fields of `endpoint` that carry a Vidu id (today `video_creation_id` of extend and
 * upscale), read from the request schema so an endpoint added later is covered. A caller who
 * names a Vidu id names a result of the Vidu account, which all keys share: over the HTTP API
 * such ids are refused, and a caller names its own results as `vidu-flow:<workflowId>/<creationId>`.
 */
export function viduIdFields(endpoint: MediaEndpoint): string[] {
  const schema = unwrap(CREATE_ENDPOINTS[endpoint].request as unknown as ZodNode);
  return Object.keys(schema?._zod.def.shape ?? {}).filter((k) => VIDU_ID_FIELD.test(k));
}

/** Media an API caller may send: URLs Vidu fetches, inline bytes, and references to its own results. */
const REMOTE_MEDIA = /^(https?:\/\/|data:|vidu-flow:)/i;

/**
 * The answer to a `staged:` reference over HTTP that is not the caller's own upload: the same
 * whether it names another key's upload, the operator's, a malformed name or nothing (issue 22
 * item 2, issue 16 item 3: a hash is never a capability). api/routes/starts.ts gives it too for
 * an own reference whose upload is not (or no longer) in the staging store.
 */
export const STAGED_NOT_FOUND =
  'no upload of yours has this reference (uploads are made with POST /v1/uploads and expire after VIDU_FLOW_STAGING_TTL_DAYS)';

/**
 * The HTTP media rule (README "HTTP API"): over the API, media are http(s) URLs, data: URIs,
 * `vidu-flow:` references to the caller's own results (checked against its key on the worker)
 * or, when `owner` is given, `staged:<owner>/…` references to the caller's own uploads; never a
 * path on the worker's disk, a file: URL or another owner's `staged:` reference; and no Vidu id
 * (see viduIdFields). Returns `{ path, message }` per problem, the path relative to the request.
 */
export function remoteMediaIssues(
  endpoint: MediaEndpoint,
  request: Record<string, unknown>,
  owner?: string,
): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  for (const slot of mediaSlots(endpoint, structuredClone(request))) {
    if (REMOTE_MEDIA.test(slot.value)) continue;
    if (/^staged:/i.test(slot.value) && owner !== undefined) {
      if (!ownsStagedRef(owner, slot.value)) issues.push({ path: slot.path, message: STAGED_NOT_FOUND });
      continue;
    }
    issues.push({
      path: slot.path,
      message:
        owner === undefined
          ? 'must be an http(s) URL, a data: URI or a vidu-flow: reference to your own result over the HTTP API (local paths, file: and staged: are refused)'
          : 'must be an http(s) URL, a data: URI, a staged: reference to your own upload (POST /v1/uploads) or a vidu-flow: reference to your own result over the HTTP API (local paths and file: are refused)',
    });
  }
  // A caller names its own cloned voices as clone:<name>, never by the id vidu-flow derived (contract/voice-ids.ts).
  issues.push(...reservedVoiceIssues(endpoint, request));
  for (const field of viduIdFields(endpoint)) {
    if (request[field] !== undefined)
      issues.push({
        path: field,
        message:
          'Vidu ids are refused over the HTTP API; name your own result as video_url: "vidu-flow:<workflowId>/<creationId>"',
      });
  }
  return issues;
}

/** The documented limit of one media field (the client checks it before staging, the worker again). */
export function limitFor(endpoint: MediaEndpoint, field: MediaFieldKey): MediaLimit {
  const limit = mediaLimitsOf(endpoint)[field];
  if (!limit) throw new Error(`no documented limit for ${endpoint} ${field}`);
  return limit;
}
