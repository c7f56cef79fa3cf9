import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { KEY_ID_RULE, OPERATOR_OWNER, ownerOfCaller } from '../../contract/staged-ref';
import { type CallerTerms, MAX_WEIGHT, MIN_WEIGHT } from '../../core/fair-share';
import { describeZodError } from '../../vidu/schemas';
import { newWebhookSecret, webhookSecretBytes } from '../webhooks/signature';
import { ACCOUNT_EVENT_TYPES } from '../../core/balance';

// API keys of the HTTP API. The operator keeps them in the JSON file named by
// VIDU_FLOW_API_KEYS_FILE: `[{ id, name, keySha256, scopes, webhookSecret?, notifyUrl?, maxInFlight?, weight?, events? }]`. Only
// the SHA-256 of each key is stored; a presented key is hashed and compared in constant time. The
// worker reads the same file for the webhook secrets, so secrets never travel through Temporal.
//
// `id` is what a key owns by (issue 16, decision 1): the ViduCaller search attribute, the
// namespace of its workflow ids, the owner of its staged inputs and the webhook secret lookup all
// use it. `name` is only for people (logs, messages), so renaming a key changes nothing it owns,
// and a new key given an old name owns nothing of the old one's.

export const KEYS_FILE_ENV = 'VIDU_FLOW_API_KEYS_FILE';

export const SCOPES = ['start', 'read', 'cancel'] as const;
export type Scope = (typeof SCOPES)[number];

/** Key ids become a search attribute value, part of workflow ids and a staging folder (contract/staged-ref.ts): short and plain. Names follow the same rule. */
export const KEY_NAME_RULE = KEY_ID_RULE;
const KEY_NAME_MESSAGE = 'must be 1–40 characters of a-z, 0-9, _ and -, starting with a letter or digit';

/** How an operator gives existing entries an id (said whenever a file without ids is refused). */
export const KEY_ID_MIGRATION =
  'Every key needs a stable "id" (what it owns by; "name" is only a label). To keep the generations a key started ' +
  'under its name, give it "id": "<its current name>"; a fresh id (`npm run api -- --new-key NAME` prints one) starts clean';

const ApiKeyEntry = z.strictObject({
  id: z.string(KEY_NAME_MESSAGE).regex(KEY_NAME_RULE, KEY_NAME_MESSAGE),
  name: z.string().regex(KEY_NAME_RULE, KEY_NAME_MESSAGE),
  keySha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lower-case hex SHA-256 of the key (64 characters)'),
  scopes: z.array(z.enum(SCOPES)).min(1, 'must name at least one of start, read, cancel'),
  webhookSecret: z
    .string()
    .refine((s) => {
      try {
        webhookSecretBytes(s);
        return s.startsWith('whsec_');
      } catch {
        return false;
      }
    }, 'must be whsec_ followed by the base64 of at least 16 bytes')
    .optional(),
  notifyUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  // Fair share (issue 19 §4, core/fair-share.ts): this key's own cap on Vidu slots held at once
  // (within the worker's VIDU_MAX_IN_FLIGHT) and its weight among the keys with work waiting.
  maxInFlight: z.int('must be a whole number').min(1, 'must be at least 1').optional(),
  weight: z
    .number('must be a number')
    .min(MIN_WEIGHT, `must be at least ${MIN_WEIGHT}`)
    .max(MAX_WEIGHT, `must be at most ${MAX_WEIGHT}`)
    .optional(),
  // Account events this key receives at its notifyUrl (issue 19 §3, core/balance.ts): today only
  // `account.low_balance`, sent once each time the balance falls under a credits floor.
  events: z.array(z.enum(ACCOUNT_EVENT_TYPES)).optional(),
});

export type ApiKey = z.output<typeof ApiKeyEntry>;

const KeysFile = z.array(ApiKeyEntry).superRefine((keys, ctx) => {
  const names = new Set<string>();
  const ids = new Set<string>();
  keys.forEach((k, i) => {
    if (ids.has(k.id))
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id ${JSON.stringify(k.id)}` });
    if (names.has(k.name))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name ${JSON.stringify(k.name)}` });
    ids.add(k.id);
    names.add(k.name);
    // An account event is POSTed to notifyUrl and signed with webhookSecret: asking without both sends nothing.
    if (k.events?.length && (!k.notifyUrl || !k.webhookSecret))
      ctx.addIssue({
        code: 'custom',
        path: [i, 'events'],
        message: 'needs notifyUrl and webhookSecret on the same key',
      });
  });
});

export class KeysFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeysFileError';
  }
}

/** Reads and checks the keys file; problems name the entry and field, never a secret's value. */
export function loadKeysFile(file: string | undefined): ApiKey[] {
  if (!file) {
    throw new KeysFileError(
      `${KEYS_FILE_ENV} is not set: the HTTP API refuses to start without API keys (deny by default). ` +
        'Create one with `npm run api -- --new-key NAME` and put the printed line into a JSON array in that file.',
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KeysFileError(
      `${KEYS_FILE_ENV}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeysFileError(`${KEYS_FILE_ENV}: ${file} is not valid JSON`);
  }
  // A file from before key ids: one message saying how to migrate, naming the entries (names are not secret).
  if (Array.isArray(json)) {
    const without = json
      .map((e: unknown, i) => ({ e, i }))
      .filter(({ e }) => typeof e === 'object' && e !== null && !('id' in e));
    if (without.length > 0) {
      const which = without
        .map(
          ({ e, i }) =>
            `[${i}]${typeof (e as { name?: unknown }).name === 'string' ? ` (${JSON.stringify((e as { name: string }).name)})` : ''}`,
        )
        .join(', ');
      throw new KeysFileError(`${KEYS_FILE_ENV}: ${file}: entries without "id": ${which}. ${KEY_ID_MIGRATION}.`);
    }
  }
  const parsed = KeysFile.safeParse(json);
  if (!parsed.success)
    throw new KeysFileError(`${KEYS_FILE_ENV}: ${file}:\n  - ${describeZodError(parsed.error).join('\n  - ')}`);
  return parsed.data;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The key whose SHA-256 matches `presented`, comparing against every entry in constant time (no
 * early exit), so the response time says nothing about how close a guess was.
 */
export function findKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  const digest = Buffer.from(sha256Hex(presented), 'hex');
  let found: ApiKey | undefined;
  for (const key of keys) {
    if (timingSafeEqual(digest, Buffer.from(key.keySha256, 'hex')) && found === undefined) found = key;
  }
  return found;
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function hasScope(key: ApiKey, scope: Scope): boolean {
  return key.scopes.includes(scope);
}

/** A fresh key id: `k` and 20 hex digits (80 random bits), within KEY_NAME_RULE. */
export function newKeyId(): string {
  return `k${randomBytes(10).toString('hex')}`;
}

/**
 * `npm run api -- --new-key NAME`: a new key, and the entry the operator adds to the keys file.
 * `id` defaults to a fresh one; give the old name as id to keep what a key started under it.
 */
export function newApiKey(
  name: string,
  scopes: readonly Scope[] = SCOPES,
  id: string = newKeyId(),
): { key: string; entry: ApiKey } {
  if (!KEY_NAME_RULE.test(name)) throw new KeysFileError(`--new-key: the name ${KEY_NAME_MESSAGE}`);
  if (!KEY_NAME_RULE.test(id)) throw new KeysFileError(`--new-key: the id ${KEY_NAME_MESSAGE}`);
  const key = `vf_${randomBytes(32).toString('base64url')}`;
  return {
    key,
    entry: { id, name, keySha256: sha256Hex(key), scopes: [...scopes], webhookSecret: newWebhookSecret() },
  };
}

/**
 * Refuses a keys file that group or others may read or write (mode & 0o077): it holds every
 * webhook secret in plain text, and whoever can write it can add a key. The message names the
 * file and the fix. Checked by the API (at start and on each reload) and the worker at start.
 */
export function checkKeysFileMode(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    throw new KeysFileError(
      `${KEYS_FILE_ENV}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if ((mode & 0o077) !== 0) {
    throw new KeysFileError(
      `${KEYS_FILE_ENV}: ${file} is readable or writable by other users (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); ` +
        `it holds the webhook secrets, so it must be the owner's alone: chmod 600 ${file}`,
    );
  }
}

/** True while `key` is still in `keys` unchanged in what lets it in (same id, same key hash, scope kept). */
export function keyStillValid(keys: readonly ApiKey[], key: ApiKey, scope: Scope): boolean {
  return keys.some((k) => k.id === key.id && k.keySha256 === key.keySha256 && hasScope(k, scope));
}

/**
 * A caller's fair-share terms (`maxInFlight`, `weight`) by owner (`key-<id>`), read from the keys
 * file and read again when its modification time changes (the API reloads it on SIGHUP; the worker
 * sees an edit at the next admission request). The operator and unknown keys have none. A file
 * that cannot be read or is refused keeps the last good terms: admission must not fail over them.
 */
export function callerTermsFromKeysFile(file: string): (caller: string) => CallerTerms | undefined {
  let cached: { mtimeMs: number; byOwner: Map<string, CallerTerms> } | undefined;
  return (caller) => {
    if (caller === OPERATOR_OWNER) return undefined;
    try {
      const { mtimeMs } = statSync(file);
      if (cached?.mtimeMs !== mtimeMs) {
        const byOwner = new Map<string, CallerTerms>();
        for (const k of loadKeysFile(file)) {
          if (k.maxInFlight === undefined && k.weight === undefined) continue;
          byOwner.set(ownerOfCaller(k.id), {
            ...(k.maxInFlight !== undefined ? { maxInFlight: k.maxInFlight } : {}),
            ...(k.weight !== undefined ? { weight: k.weight } : {}),
          });
        }
        cached = { mtimeMs, byOwner };
      }
    } catch {
      // Kept: the last terms read (none before the first good read).
    }
    return cached?.byOwner.get(caller);
  };
}
