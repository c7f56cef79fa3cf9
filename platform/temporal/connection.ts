import type { ConnectionOptions } from '@temporalio/client';
import {
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfigProfile,
  type ConfigDataSource,
} from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../config/env';

// How every vidu-flow process (worker, callback receiver, client library, CLI) reaches Temporal.
// Temporal's own environment configuration (@temporalio/envconfig) is the one source: the same
// TEMPORAL_* variables and temporal.toml profiles as the `temporal` CLI and the other SDKs, with
// environment variables overriding the profile. What this file adds: defaults, checks that name
// the variable (or profile key) at fault before the native layer fails with a bare OS or TLS
// error, and a description that is safe to log. The API key, client key and gRPC metadata are
// never logged or put in an error.

export const TEMPORAL_DEFAULT_ADDRESS = 'localhost:7233';
export const TEMPORAL_DEFAULT_NAMESPACE = 'default';

/** The variables envconfig reads for a connection (see TEMPORAL_ENV_PREFIX for the rest). */
export const TEMPORAL_ENV_VARS = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CONFIG_FILE',
] as const;
/** `TEMPORAL_GRPC_META_X_Y=v` sends the gRPC header `x-y: v`. */
export const TEMPORAL_ENV_PREFIX = 'TEMPORAL_GRPC_META_';

export interface TemporalConnection {
  address: string;
  namespace: string;
  /** For `Connection.connect` (@temporalio/client): client library, CLI, callback receiver. */
  clientOptions: ConnectionOptions;
  /** For `NativeConnection.connect` (@temporalio/worker): the worker. */
  nativeOptions: NativeConnectionOptions;
  /** Address, namespace and how the connection is secured; safe to log. */
  description: string;
}

/** Explicit settings (e.g. `ViduFlowClient.connect({ address })`, `--address`); they win over env and profile. */
export interface TemporalOverrides {
  address?: string;
  namespace?: string;
}

// host:port, where host may be a bracketed IPv6 literal such as [::1].
const HOST_PORT = /^(?:[^\s:[\]]+|\[[0-9A-Fa-f:.]+\]):\d+$/;
const PRINTABLE = /^[\x21-\x7e]+$/;
const BOOLEAN = new Set(['true', 'false', '1', '0']);

type TlsSource = 'clientCert' | 'clientKey' | 'serverCACert';
const TLS_SOURCES: Record<TlsSource, { env: string; toml: string; kind: 'certificate' | 'private key' }> = {
  clientCert: { env: 'TEMPORAL_TLS_CLIENT_CERT', toml: 'tls.client_cert', kind: 'certificate' },
  clientKey: { env: 'TEMPORAL_TLS_CLIENT_KEY', toml: 'tls.client_key', kind: 'private key' },
  serverCACert: { env: 'TEMPORAL_TLS_SERVER_CA_CERT', toml: 'tls.server_ca_cert', kind: 'certificate' },
};

/**
 * Loads the connection from `env` (TEMPORAL_* variables, and the temporal.toml profile they point
 * to), applies `overrides`, checks it, and returns options for both connection classes. Throws a
 * ConfigError listing every problem.
 */
export function loadTemporalConnection(
  env: NodeJS.ProcessEnv = process.env,
  overrides: TemporalOverrides = {},
): TemporalConnection {
  const vars = cleanEnv(env);
  const file = configFileLabel(vars);
  const profileName = vars.TEMPORAL_PROFILE ?? 'default';
  const problems = envProblems(vars);

  let profile: ClientConfigProfile = {};
  try {
    // envconfig 1.24 fails on a file without any table ("reading 'default'"); an empty file means no profiles.
    profile = loadClientConfigProfile({
      overrideEnvVars: vars,
      ...(hasNoTables(vars.TEMPORAL_CONFIG_FILE) ? { disableFile: true } : {}),
    });
  } catch (err) {
    problems.push(profileProblem(err, vars, file));
  }

  // Which setting a value came from, for messages: an override, else the variable, else the profile.
  const origin = (envName: string, tomlKey: string, overridden = false) =>
    overridden
      ? `the explicit ${tomlKey} option`
      : vars[envName] !== undefined
        ? envName
        : `${tomlKey} of profile "${profileName}" in ${file}`;

  const address = overrides.address ?? profile.address ?? TEMPORAL_DEFAULT_ADDRESS;
  if (!HOST_PORT.test(address)) {
    problems.push(
      `${origin('TEMPORAL_ADDRESS', 'address', overrides.address !== undefined)}: must be host:port (got ${JSON.stringify(address)})`,
    );
  }
  const namespace = overrides.namespace ?? profile.namespace ?? TEMPORAL_DEFAULT_NAMESPACE;
  if (namespace.trim() === '')
    problems.push(`${origin('TEMPORAL_NAMESPACE', 'namespace', overrides.namespace !== undefined)}: must not be empty`);

  // A key pasted from a file usually ends in a newline; as a gRPC header it would fail obscurely.
  const apiKey = profile.apiKey?.trim();
  if (apiKey !== undefined && !PRINTABLE.test(apiKey)) {
    problems.push(
      `${origin('TEMPORAL_API_KEY', 'api_key')}: must be printable ASCII with no spaces, tabs or line breaks inside (got a value)`,
    );
  }

  const tls = profile.tls;
  if (tls && tls.disabled !== true) {
    for (const field of Object.keys(TLS_SOURCES) as TlsSource[]) {
      const source = tls[field];
      const { env: envBase, toml, kind } = TLS_SOURCES[field];
      if (source === undefined) continue;
      const isPath = 'path' in source;
      const where = origin(`${envBase}_${isPath ? 'PATH' : 'DATA'}`, `${toml}_${isPath ? 'path' : 'data'}`);
      const problem = pemProblem(source, kind);
      if (problem) problems.push(`${where}: ${problem}`);
    }
    if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
      const [lacking, given] = tls.clientCert
        ? [TLS_SOURCES.clientKey, 'a client certificate']
        : [TLS_SOURCES.clientCert, 'a client key'];
      problems.push(
        `${lacking.env}_PATH: required with ${given}, mTLS needs both (or ${lacking.env}_DATA, or ${lacking.toml}_path in the profile)`,
      );
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);

  // envconfig's own rules decide TLS: on with TLS settings or an API key, off with TEMPORAL_TLS=false.
  const { connectionOptions } = toClientOptions({
    ...profile,
    address,
    namespace,
    ...(apiKey !== undefined ? { apiKey } : {}),
  });
  const options = {
    address,
    ...(connectionOptions.tls !== undefined ? { tls: connectionOptions.tls } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(connectionOptions.metadata ? { metadata: connectionOptions.metadata } : {}),
  };
  return {
    address,
    namespace,
    clientOptions: { ...options },
    nativeOptions: { ...options },
    description: describe(address, namespace, options.tls, apiKey !== undefined, vars.TEMPORAL_PROFILE),
  };
}

/** Empty strings mean "unset", as in parseEnv; except gRPC headers, where envconfig reads empty as "remove". */
function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[1] !== undefined && (e[1] !== '' || e[0].startsWith(TEMPORAL_ENV_PREFIX)),
    ),
  );
}

function configFileLabel(vars: Record<string, string>): string {
  return vars.TEMPORAL_CONFIG_FILE !== undefined
    ? `TEMPORAL_CONFIG_FILE ${JSON.stringify(vars.TEMPORAL_CONFIG_FILE)}`
    : 'the default temporal.toml ($XDG_CONFIG_HOME or ~/.config, then temporalio/temporal.toml)';
}

/** True for a named config file holding nothing but blanks and comments. */
function hasNoTables(file: string | undefined): boolean {
  if (file === undefined || !existsSync(file)) return false;
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .every((line) => line.trim() === '' || line.trim().startsWith('#'));
  } catch {
    return false;
  }
}

/** What envconfig would silently ignore or misread. */
function envProblems(vars: Record<string, string>): string[] {
  const problems: string[] = [];
  // envconfig ignores a missing file; a path someone set on purpose must exist.
  if (vars.TEMPORAL_CONFIG_FILE !== undefined && !existsSync(vars.TEMPORAL_CONFIG_FILE)) {
    problems.push(`TEMPORAL_CONFIG_FILE: no such file (got ${JSON.stringify(vars.TEMPORAL_CONFIG_FILE)})`);
  }
  // envconfig reads anything but 1/true as false, so TEMPORAL_TLS=yes would silently turn TLS off.
  for (const name of ['TEMPORAL_TLS', 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION']) {
    const value = vars[name];
    if (value !== undefined && !BOOLEAN.has(value))
      problems.push(`${name}: must be true, false, 1 or 0 (got ${JSON.stringify(value)})`);
  }
  const noVerify = vars.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION;
  if (noVerify === 'true' || noVerify === '1') {
    problems.push(
      'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: not supported by the Temporal TypeScript SDK; set TEMPORAL_TLS_SERVER_NAME to the name in the server certificate instead',
    );
  }
  return problems;
}

function profileProblem(err: unknown, vars: Record<string, string>, file: string): string {
  const e = err as { message?: string; code?: string; line?: unknown; column?: unknown };
  // smol-toml's message quotes the offending line, which may hold an api_key: position only.
  if (typeof e.line === 'number' && typeof e.column === 'number')
    return `${file}: not valid TOML (line ${e.line}, column ${e.column})`;
  if (e.code) return `${file}: cannot be read (${e.code})`;
  const message = String(e.message ?? err);
  if (/^Profile '.*' not found/.test(message))
    return `TEMPORAL_PROFILE: no profile ${JSON.stringify(vars.TEMPORAL_PROFILE)} in ${file}`;
  const both = /^Cannot specify both (\w+)_path and \w+_data/.exec(message);
  if (both) {
    const name = `TEMPORAL_TLS_${both[1]!.toUpperCase()}`;
    return `${name}_PATH and ${name}_DATA (or tls.${both[1]}_path and tls.${both[1]}_data in the profile): set only one`;
  }
  // envconfig's remaining errors (strict-mode key checks) name keys, never values.
  return `Temporal client configuration: ${message}`;
}

/** Reads and parses a PEM certificate or key; the message never includes the contents. */
function pemProblem(source: ConfigDataSource, kind: 'certificate' | 'private key'): string | undefined {
  let pem: Buffer;
  if ('path' in source) {
    try {
      pem = readFileSync(source.path);
    } catch (err) {
      return `cannot read ${JSON.stringify(source.path)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    }
  } else {
    pem = Buffer.from(source.data);
  }
  try {
    if (kind === 'certificate') new X509Certificate(pem);
    else createPrivateKey(pem);
    return undefined;
  } catch {
    return `${'path' in source ? JSON.stringify(source.path) : 'the value'} is not a PEM ${kind}`;
  }
}

function describe(
  address: string,
  namespace: string,
  tls: unknown,
  apiKey: boolean,
  profile: string | undefined,
): string {
  const mtls = typeof tls === 'object' && tls !== null && 'clientCertPair' in tls && tls.clientCertPair !== undefined;
  const security = tls === undefined || tls === false || tls === null ? 'no TLS' : mtls ? 'mTLS' : 'TLS';
  return `${address} (namespace ${namespace}, ${security}${apiKey ? ', API key' : ''}${profile ? `, profile ${profile}` : ''})`;
}
