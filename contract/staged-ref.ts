// Who a staged input belongs to (issue 16 item 3, decision 4 of the lanes brief). Every staged
// file lives under its owner: `<store>/<owner>/<sha256>.<ext>`, referenced as
// `staged:<owner>/<sha256>.<ext>`. An HTTP caller's owner is `key-<key id>` (its ViduCaller search
// attribute); the operator's (client library, CLI, other SDKs: workflows without ViduCaller) is
// `operator`. A workflow resolves a `staged:` reference only when the reference's owner is its own,
// so the sha256 of someone else's bytes names nothing: the same hash under another owner is a file
// that does not exist. `operator` cannot collide with a key: key owners always start with `key-`.
// Plain TypeScript, no Node APIs (the contract and the client share it).

export const STAGED_PREFIX = 'staged:';
export const OPERATOR_OWNER = 'operator';

/**
 * The rule of an API key's id (and name): it becomes the ViduCaller search attribute, part of
 * workflow ids and, as `key-<id>`, a folder of the staging store, so it is short and plain.
 * platform/keys/api-keys.ts checks the keys file with it.
 */
const KEY_ID_SOURCE = '[a-z0-9][a-z0-9_-]{0,39}';
export const KEY_ID_RULE = new RegExp(`^${KEY_ID_SOURCE}$`);
/** An owner: the operator, or `key-<key id>`. */
export const OWNER_SOURCE = `(${OPERATOR_OWNER}|key-${KEY_ID_SOURCE})`;
const OWNER = new RegExp(`^${OWNER_SOURCE}$`);
const NAME = /^[0-9a-f]{64}\.[a-z0-9]+$/;
/** References staged before owners existed: `staged:<sha256>.<ext>`, the operator's. */
const LEGACY = /^staged:([0-9a-f]{64}\.[a-z0-9]+)$/;

export class StagedRefRefused extends Error {
  override readonly name = 'StagedRefRefused';
}

/** The owner of a workflow whose ViduCaller is `caller` (undefined or empty: the operator). */
export function ownerOfCaller(caller: string | undefined | null): string {
  if (caller === undefined || caller === null || caller === '') return OPERATOR_OWNER;
  // A caller value that breaks the key id rule owns nothing rather than something by accident.
  if (!KEY_ID_RULE.test(caller)) throw new StagedRefRefused('the workflow has a ViduCaller that is not a key id');
  return `key-${caller}`;
}

export function isOwner(value: string): boolean {
  return OWNER.test(value);
}

export interface StagedName {
  owner: string;
  /** `<sha256>.<ext>` */
  name: string;
  /** true for a reference from before owners (`staged:<sha256>.<ext>`, stored at the store's top). */
  legacy: boolean;
}

/** The parts of a `staged:` reference, or undefined when it is malformed. */
export function parseStagedRef(ref: string): StagedName | undefined {
  const legacy = LEGACY.exec(ref);
  if (legacy) return { owner: OPERATOR_OWNER, name: legacy[1]!, legacy: true };
  if (!ref.startsWith(STAGED_PREFIX)) return undefined;
  const body = ref.slice(STAGED_PREFIX.length);
  const slash = body.indexOf('/');
  if (slash < 0) return undefined;
  const owner = body.slice(0, slash);
  const name = body.slice(slash + 1);
  if (!OWNER.test(owner) || !NAME.test(name)) return undefined;
  return { owner, name, legacy: false };
}

export function stagedRef(owner: string, name: string): string {
  if (!OWNER.test(owner)) throw new Error('malformed staging owner');
  if (!NAME.test(name)) throw new Error('malformed staged name');
  return `${STAGED_PREFIX}${owner}/${name}`;
}

/** `<owner>/<sha256>.<ext>` (legacy references: `<sha256>.<ext>`): the key inside the store. */
export function storeKeyOf(parsed: StagedName): string {
  return parsed.legacy ? parsed.name : `${parsed.owner}/${parsed.name}`;
}

/** Whether `ref` is a well-formed reference owned by `owner`. Anything else is "not found". */
export function ownsStagedRef(owner: string, ref: string): boolean {
  const parsed = parseStagedRef(ref);
  return parsed !== undefined && parsed.owner === owner;
}
