// Test certificates made with the openssl CLI: a CA, a server certificate for 127.0.0.1 and
// localhost, and client certificates (one from the CA, one from a stranger CA), as PEM files.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestCerts {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Signed by a CA the server does not trust. */
  strangerCert: string;
  strangerKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Fails with a clear message when the openssl CLI is missing (no test is skipped for it). */
export function requireOpenssl(): void {
  const probe = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'the openssl CLI is needed to make the test certificates (Debian/Ubuntu: apt-get install openssl); `openssl version` failed',
    );
  }
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  writeFileSync(
    path.join(dir, `${name}.cnf`),
    [
      '[req]',
      'distinguished_name = dn',
      'x509_extensions = v3_ca',
      'prompt = no',
      '[dn]',
      `CN = vidu-flow test ${name}`,
      '[v3_ca]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  openssl(
    ['req', '-x509', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-config', `${name}.cnf`],
    dir,
  );
}

function makeLeaf(dir: string, name: string, ca: string, cn: string, extensions: string[]): void {
  writeFileSync(
    path.join(dir, `${name}.ext`),
    [...extensions, 'basicConstraints = CA:FALSE', 'authorityKeyIdentifier = keyid', ''].join('\n'),
  );
  openssl(['req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

export function makeTestCerts(dir: string): TestCerts {
  requireOpenssl();
  makeCa(dir, 'ca');
  makeCa(dir, 'stranger-ca');
  makeLeaf(dir, 'server', 'ca', 'localhost', [
    'subjectAltName = IP:127.0.0.1, DNS:localhost',
    'extendedKeyUsage = serverAuth',
    'keyUsage = critical, digitalSignature',
  ]);
  const client = ['extendedKeyUsage = clientAuth', 'keyUsage = critical, digitalSignature'];
  makeLeaf(dir, 'client', 'ca', 'vidu-flow-worker', client);
  makeLeaf(dir, 'stranger', 'stranger-ca', 'vidu-flow-stranger', client);
  const at = (file: string) => path.join(dir, file);
  return {
    caCert: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    strangerCert: at('stranger.crt'),
    strangerKey: at('stranger.key'),
  };
}
