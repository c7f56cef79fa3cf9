// The Temporal connection loader: TEMPORAL_* variables and temporal.toml profiles (through
// @temporalio/envconfig) → options for Connection.connect and NativeConnection.connect.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/env';
import { loadTemporalConnection, TEMPORAL_ENV_PREFIX, TEMPORAL_ENV_VARS } from '../../platform/temporal/connection';
import { makeTestCerts, type TestCerts } from '../helpers/certs';

const API_KEY = 'tmprl_LEAKCANARY_temporal_api_key_91c2';

let dir: string;
let certs: TestCerts;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-temporal-conn-'));
  certs = makeTestCerts(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(env: NodeJS.ProcessEnv, overrides = {}): string[] {
  try {
    loadTemporalConnection(env, overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    // Whatever went wrong, the API key is nowhere in what a log would show.
    expect(`${e.message}\n${e.stack}`).not.toContain(API_KEY);
    return e.problems;
  }
  throw new Error('expected a ConfigError');
}

function toml(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const bytes = (file: string) => new Uint8Array(readFileSync(file));

describe('loadTemporalConnection', () => {
  it('defaults to a plaintext localhost:7233, namespace default (no env, no file)', () => {
    const c = loadTemporalConnection({});
    expect(c.address).toBe('localhost:7233');
    expect(c.namespace).toBe('default');
    expect(c.clientOptions).toEqual({ address: 'localhost:7233' });
    expect(c.nativeOptions).toEqual({ address: 'localhost:7233' });
    expect(c.description).toBe('localhost:7233 (namespace default, no TLS)');
  });

  it('reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE; empty strings mean unset', () => {
    expect(
      loadTemporalConnection({ TEMPORAL_ADDRESS: 'temporal.internal:7234', TEMPORAL_NAMESPACE: 'media' }),
    ).toMatchObject({
      address: 'temporal.internal:7234',
      namespace: 'media',
      clientOptions: { address: 'temporal.internal:7234' },
    });
    expect(loadTemporalConnection({ TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '' })).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
    });
    expect(loadTemporalConnection({ TEMPORAL_ADDRESS: '[::1]:7233' }).address).toBe('[::1]:7233');
  });

  it('lets explicit options win over the environment', () => {
    const c = loadTemporalConnection(
      { TEMPORAL_ADDRESS: 'env:1', TEMPORAL_NAMESPACE: 'env' },
      { address: '127.0.0.1:9', namespace: 'explicit' },
    );
    expect(c).toMatchObject({
      address: '127.0.0.1:9',
      namespace: 'explicit',
      nativeOptions: { address: '127.0.0.1:9' },
    });
  });

  describe('API key (Temporal Cloud)', () => {
    it('turns TLS on by default, per envconfig, in both option sets', () => {
      const c = loadTemporalConnection({
        TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
        TEMPORAL_NAMESPACE: 'prod.a1b2c',
        TEMPORAL_API_KEY: API_KEY,
      });
      expect(c.clientOptions).toEqual({ address: 'us-east-1.aws.api.temporal.io:7233', tls: true, apiKey: API_KEY });
      expect(c.nativeOptions).toEqual(c.clientOptions);
      expect(c.description).toBe('us-east-1.aws.api.temporal.io:7233 (namespace prod.a1b2c, TLS, API key)');
      expect(c.description).not.toContain(API_KEY);
    });

    it('TEMPORAL_TLS=false turns TLS off even with a key (e.g. a plaintext proxy that checks keys)', () => {
      expect(loadTemporalConnection({ TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS: 'false' }).clientOptions).toEqual({
        address: 'localhost:7233',
        tls: false,
        apiKey: API_KEY,
      });
    });

    it('is trimmed (a key read from a file ends in a newline)', () => {
      expect(loadTemporalConnection({ TEMPORAL_API_KEY: `${API_KEY}\n` }).clientOptions.apiKey).toBe(API_KEY);
    });

    it('is refused with whitespace inside, without echoing it', () => {
      expect(problemsOf({ TEMPORAL_API_KEY: `${API_KEY} x` })).toEqual([
        'TEMPORAL_API_KEY: must be printable ASCII with no spaces, tabs or line breaks inside (got a value)',
      ]);
    });
  });

  describe('TLS and mTLS', () => {
    it('TEMPORAL_TLS=true alone: TLS with the system roots', () => {
      const c = loadTemporalConnection({ TEMPORAL_TLS: 'true' });
      expect(c.clientOptions.tls).toEqual({});
      expect(c.description).toContain('TLS');
    });

    it('loads the client certificate pair, the server CA and the server name from their paths', () => {
      const c = loadTemporalConnection({
        TEMPORAL_ADDRESS: 'prod.a1b2c.tmprl.cloud:7233',
        TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
        TEMPORAL_TLS_SERVER_NAME: 'localhost',
      });
      const tls = {
        serverNameOverride: 'localhost',
        serverRootCACertificate: bytes(certs.caCert),
        clientCertPair: { crt: bytes(certs.clientCert), key: bytes(certs.clientKey) },
      };
      expect(c.nativeOptions.tls).toEqual(tls);
      expect(c.clientOptions.tls).toEqual(tls);
      expect(c.description).toBe('prod.a1b2c.tmprl.cloud:7233 (namespace default, mTLS)');
    });

    it('takes PEM data from TEMPORAL_TLS_*_DATA', () => {
      const c = loadTemporalConnection({
        TEMPORAL_TLS_CLIENT_CERT_DATA: readFileSync(certs.clientCert, 'utf8'),
        TEMPORAL_TLS_CLIENT_KEY_DATA: readFileSync(certs.clientKey, 'utf8'),
      });
      expect(c.clientOptions.tls).toMatchObject({
        clientCertPair: { crt: bytes(certs.clientCert), key: bytes(certs.clientKey) },
      });
    });

    it('sends TEMPORAL_GRPC_META_* as gRPC headers', () => {
      expect(loadTemporalConnection({ TEMPORAL_GRPC_META_X_TENANT: 'media' }).clientOptions.metadata).toEqual({
        'x-tenant': 'media',
      });
    });
  });

  describe('profiles in temporal.toml', () => {
    const PROFILES = () => `
[profile.default]
address = "localhost:7233"

[profile.cloud]
address = "prod.a1b2c.tmprl.cloud:7233"
namespace = "prod.a1b2c"
[profile.cloud.tls]
client_cert_path = ${JSON.stringify(certs.clientCert)}
client_key_path = ${JSON.stringify(certs.clientKey)}

[profile.cloud-key]
address = "us-east-1.aws.api.temporal.io:7233"
namespace = "prod.a1b2c"
api_key = "${API_KEY}"
`;

    it('an empty or comment-only TEMPORAL_CONFIG_FILE means no profiles (envconfig alone fails on it)', () => {
      for (const text of ['', '# nothing here yet\n\n']) {
        const file = path.join(dir, `empty-${text.length}.toml`);
        writeFileSync(file, text);
        const c = loadTemporalConnection({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: '127.0.0.1:7000' });
        expect(c).toMatchObject({ address: '127.0.0.1:7000', namespace: 'default' });
        expect(c.clientOptions.tls).toBeUndefined();
      }
    });

    it('TEMPORAL_PROFILE selects a profile of TEMPORAL_CONFIG_FILE', () => {
      const file = toml('profiles.toml', PROFILES());
      const mtls = loadTemporalConnection({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
      expect(mtls).toMatchObject({ address: 'prod.a1b2c.tmprl.cloud:7233', namespace: 'prod.a1b2c' });
      expect(mtls.nativeOptions.tls).toEqual({
        clientCertPair: { crt: bytes(certs.clientCert), key: bytes(certs.clientKey) },
      });
      expect(mtls.description).toBe('prod.a1b2c.tmprl.cloud:7233 (namespace prod.a1b2c, mTLS, profile cloud)');

      const keyed = loadTemporalConnection({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud-key' });
      expect(keyed.clientOptions).toEqual({
        address: 'us-east-1.aws.api.temporal.io:7233',
        tls: true,
        apiKey: API_KEY,
      });
    });

    it('uses the "default" profile without TEMPORAL_PROFILE, found in $XDG_CONFIG_HOME/temporalio/temporal.toml', () => {
      const home = path.join(dir, 'xdg');
      mkdirSync(path.join(home, 'temporalio'), { recursive: true });
      writeFileSync(
        path.join(home, 'temporalio', 'temporal.toml'),
        '[profile.default]\naddress = "from-default-file:7233"\nnamespace = "staging"\n',
      );
      expect(loadTemporalConnection({ XDG_CONFIG_HOME: home })).toMatchObject({
        address: 'from-default-file:7233',
        namespace: 'staging',
      });
    });

    it('lets environment variables override the profile, field by field', () => {
      const file = toml('override.toml', PROFILES());
      const c = loadTemporalConnection({
        TEMPORAL_CONFIG_FILE: file,
        TEMPORAL_PROFILE: 'cloud',
        TEMPORAL_NAMESPACE: 'other.a1b2c',
        TEMPORAL_TLS_SERVER_NAME: 'x.example',
      });
      expect(c).toMatchObject({ address: 'prod.a1b2c.tmprl.cloud:7233', namespace: 'other.a1b2c' });
      expect(c.clientOptions.tls).toMatchObject({
        serverNameOverride: 'x.example',
        clientCertPair: { crt: bytes(certs.clientCert) },
      });
    });
  });

  describe('errors name the variable or profile key, and never show secrets', () => {
    it.each([
      ['localhost', /^TEMPORAL_ADDRESS: must be host:port \(got "localhost"\)$/],
      ['http://localhost:7233', /^TEMPORAL_ADDRESS: must be host:port/],
      ['a:b', /^TEMPORAL_ADDRESS: must be host:port/],
    ])('TEMPORAL_ADDRESS=%j', (value, message) => {
      expect(problemsOf({ TEMPORAL_ADDRESS: value })).toEqual([expect.stringMatching(message)]);
    });

    it('a certificate path that does not exist', () => {
      expect(
        problemsOf({
          TEMPORAL_TLS_CLIENT_CERT_PATH: '/nope/client.pem',
          TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
          TEMPORAL_API_KEY: API_KEY,
        }),
      ).toEqual(['TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read "/nope/client.pem" (ENOENT)']);
    });

    it('a file that is not PEM, without showing its contents', () => {
      const junk = toml('junk.pem', `not a key ${API_KEY}`);
      expect(
        problemsOf({
          TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
          TEMPORAL_TLS_CLIENT_KEY_PATH: junk,
          TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.clientKey,
        }),
      ).toEqual([
        `TEMPORAL_TLS_CLIENT_KEY_PATH: ${JSON.stringify(junk)} is not a PEM private key`,
        `TEMPORAL_TLS_SERVER_CA_CERT_PATH: ${JSON.stringify(certs.clientKey)} is not a PEM certificate`,
      ]);
      expect(
        problemsOf({ TEMPORAL_TLS_CLIENT_CERT_DATA: `junk ${API_KEY}`, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey }),
      ).toEqual(['TEMPORAL_TLS_CLIENT_CERT_DATA: the value is not a PEM certificate']);
    });

    it('a client certificate without its key (mTLS needs both)', () => {
      expect(problemsOf({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert })).toEqual([
        expect.stringMatching(/^TEMPORAL_TLS_CLIENT_KEY_PATH: required with a client certificate, mTLS needs both/),
      ]);
      expect(problemsOf({ TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey })).toEqual([
        expect.stringMatching(/^TEMPORAL_TLS_CLIENT_CERT_PATH: required with a client key, mTLS needs both/),
      ]);
    });

    it('a bad path in a profile names the profile key and the file', () => {
      const file = toml(
        'bad-path.toml',
        '[profile.cloud.tls]\nclient_cert_path = "/nope/c.pem"\nclient_key_path = "/nope/k.pem"\n',
      );
      const problems = problemsOf({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
      expect(problems).toHaveLength(2);
      expect(problems[0]).toBe(
        `tls.client_cert_path of profile "cloud" in TEMPORAL_CONFIG_FILE ${JSON.stringify(file)}: cannot read "/nope/c.pem" (ENOENT)`,
      );
    });

    it('a profile that is not in the file', () => {
      const file = toml('one.toml', '[profile.default]\naddress = "x:1"\n');
      expect(problemsOf({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' })).toEqual([
        `TEMPORAL_PROFILE: no profile "prod" in TEMPORAL_CONFIG_FILE ${JSON.stringify(file)}`,
      ]);
    });

    it('a TEMPORAL_CONFIG_FILE that does not exist (envconfig alone would ignore it)', () => {
      expect(problemsOf({ TEMPORAL_CONFIG_FILE: '/nope/temporal.toml' })).toEqual([
        'TEMPORAL_CONFIG_FILE: no such file (got "/nope/temporal.toml")',
      ]);
    });

    it('invalid TOML: the position only, since the parser quotes the line (which may hold the key)', () => {
      const file = toml('broken.toml', `[profile.default]\napi_key = "${API_KEY}\n`);
      expect(problemsOf({ TEMPORAL_CONFIG_FILE: file })).toEqual([
        expect.stringMatching(/^TEMPORAL_CONFIG_FILE ".*broken\.toml": not valid TOML \(line 2, column \d+\)$/),
      ]);
    });

    it('TEMPORAL_TLS must be a boolean envconfig understands', () => {
      expect(problemsOf({ TEMPORAL_TLS: 'yes' })).toEqual(['TEMPORAL_TLS: must be true, false, 1 or 0 (got "yes")']);
    });

    it('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION=true is refused (the TypeScript SDK cannot do it)', () => {
      expect(problemsOf({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' })).toEqual([
        expect.stringMatching(/not supported.*TEMPORAL_TLS_SERVER_NAME/),
      ]);
    });

    it('reports every problem at once', () => {
      const problems = problemsOf({
        TEMPORAL_ADDRESS: 'nope',
        TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'on',
        TEMPORAL_API_KEY: `${API_KEY}\tx`,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nope/ca.pem',
      });
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
        'TEMPORAL_ADDRESS',
        'TEMPORAL_API_KEY',
        'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
        'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      ]);
    });
  });

  // So that an SDK upgrade that reads a new variable is noticed here (and by the docker-compose check).
  it('knows every TEMPORAL_* variable envconfig reads', () => {
    const source = readFileSync(require.resolve('@temporalio/envconfig/lib/envconfig-toml.js'), 'utf8');
    const read = new Set([...source.matchAll(/envProvider\['(TEMPORAL_\w+)'\]/g)].map((m) => m[1]));
    expect(source).toContain(`'${TEMPORAL_ENV_PREFIX}'`);
    // Codec settings are for the CLI and UI; the TypeScript SDK's toClientOptions does not apply them.
    const ignored = ['TEMPORAL_CODEC_ENDPOINT', 'TEMPORAL_CODEC_AUTH'];
    expect([...read].filter((v) => !ignored.includes(v!)).sort()).toEqual([...TEMPORAL_ENV_VARS].sort());
  });
});
