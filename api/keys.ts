import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodError } from '../vidu/schemas';
import { newWebhookSecret, webhookSecretBytes } from './webhooks/signature';

// API keys of the HTTP API. The operator keeps them in the JSON file named by
// VIDU_FLOW_API_KEYS_FILE: `[{ name, keySha256, scopes, webhookSecret?, notifyUrl? }]`. Only the
// SHA-256 of each key is stored; a presented key is hashed and compared in constant time. The
// worker reads the same file for the webhook secrets, so secrets never travel through Temporal.

export const KEYS_FILE_ENV = 'VIDU_FLOW_API_KEYS_FILE';

export const SCOPES = ['start', 'read', 'cancel'] as const;
export type Scope = (typeof SCOPES)[number];

/** Key names become a search attribute value and part of workflow ids: short and plain. */
export const KEY_NAME_RULE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const ApiKeyEntry = z.strictObject({
  name: z.string().regex(KEY_NAME_RULE, 'must be 1–40 characters of a-z, 0-9, _ and -, starting with a letter or digit'),
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
});

export type ApiKey = z.output<typeof ApiKeyEntry>;

const KeysFile = z.array(ApiKeyEntry).superRefine((keys, ctx) => {
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name ${JSON.stringify(k.name)}` });
    seen.add(k.name);
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
    throw new KeysFileError(`${KEYS_FILE_ENV}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeysFileError(`${KEYS_FILE_ENV}: ${file} is not valid JSON`);
  }
  const parsed = KeysFile.safeParse(json);
  if (!parsed.success) throw new KeysFileError(`${KEYS_FILE_ENV}: ${file}:\n  - ${describeZodError(parsed.error).join('\n  - ')}`);
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

/** `npm run api -- --new-key NAME`: a new key, and the entry the operator adds to the keys file. */
export function newApiKey(name: string, scopes: readonly Scope[] = SCOPES): { key: string; entry: ApiKey } {
  if (!KEY_NAME_RULE.test(name)) throw new KeysFileError(`--new-key: the name must be 1–40 characters of a-z, 0-9, _ and -, starting with a letter or digit`);
  const key = `vf_${randomBytes(32).toString('base64url')}`;
  return { key, entry: { name, keySha256: sha256Hex(key), scopes: [...scopes], webhookSecret: newWebhookSecret() } };
}
