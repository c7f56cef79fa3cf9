// docker-compose.yml is checked here, since no Docker engine runs in CI: every variable it gives a
// vidu-flow process is one that process's configuration loader reads (a misspelt name would
// otherwise be ignored silently), and the one-shot setup service registers exactly vidu-flow's
// search attributes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_ENV_VARS } from '../../api/config';
import { SIM_ENV_VARS } from '../../sim/config';
import { CALLBACK_ENV_VARS } from '../../receiver/config';
import { WORKER_ENV_VARS } from '../../worker/config';
import { TEMPORAL_ENV_PREFIX } from '../../platform/temporal/connection';
import { WORKFLOW_BUNDLE_ENV } from '../../worker/workflow-bundle';
import { searchAttributeFlags } from '../../dev/temporal-binary';

const ROOT = path.resolve(__dirname, '../..');

interface Service {
  build?: unknown;
  image?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, unknown> | string[];
  ports?: Array<string | { published?: string | number; host_ip?: string }>;
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

/** The variables each vidu-flow entry point reads, from its own loader. */
const KNOWN: Record<string, readonly string[]> = {
  'worker/main.ts': [...WORKER_ENV_VARS, WORKFLOW_BUNDLE_ENV],
  'receiver/main.ts': CALLBACK_ENV_VARS,
  'api/main.ts': API_ENV_VARS,
  'sim/main.ts': SIM_ENV_VARS,
};

/** The image's default command (the last CMD of the Dockerfile), as a list. */
function defaultCommand(): string[] {
  const cmd = [...dockerfile.matchAll(/^CMD\s+(\[.*\])\s*$/gm)].at(-1)?.[1];
  if (!cmd) throw new Error('Dockerfile: no CMD in exec form');
  return JSON.parse(cmd) as string[];
}

function words(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : v.split(/\s+/);
}

/** The vidu-flow entry point a service runs, or undefined for a service of another image. */
function entryPoint(service: Service): string | undefined {
  if (service.build === undefined) return undefined;
  const command = service.command !== undefined ? words(service.command) : defaultCommand();
  return command.find((w) => w in KNOWN) ?? `(none of ${Object.keys(KNOWN).join(', ')} in ${JSON.stringify(command)})`;
}

function envNames(service: Service): string[] {
  const env = service.environment ?? {};
  return Array.isArray(env) ? env.map((e) => e.split('=')[0]!) : Object.keys(env);
}

const ours = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

describe('docker-compose.yml', () => {
  it('runs the worker, the callback receiver and the S3 server from this repository and images', () => {
    expect(ours.map(([, s]) => entryPoint(s))).toEqual(expect.arrayContaining(['worker/main.ts', 'receiver/main.ts']));
    expect(Object.values(compose.services).some((s) => /minio|versitygw/.test(s.image ?? ''))).toBe(true);
  });

  it.each(ours)('service %s sets only variables its configuration loader knows', (name, service) => {
    const script = entryPoint(service)!;
    const known = KNOWN[script];
    expect(known, `service ${name}: runs no known vidu-flow entry point: ${script}`).toBeDefined();
    const unknown = envNames(service).filter((v) => !known!.includes(v) && !v.startsWith(TEMPORAL_ENV_PREFIX));
    expect(unknown, `service ${name} (${script}) sets variables nothing reads`).toEqual([]);
  });

  it('gives the workers no shared folder: archive and staging in the bucket, no volume', () => {
    const workers = ours.filter(([, s]) => entryPoint(s) === 'worker/main.ts');
    expect(workers.length).toBeGreaterThan(0);
    for (const [name, service] of workers) {
      const env = service.environment as Record<string, string>;
      expect(env.ARCHIVE_URL, name).toMatch(/^s3:\/\//);
      expect(env.STAGING_URL, name).toMatch(/^s3:\/\//);
      expect((service as { volumes?: unknown[] }).volumes ?? [], name).toEqual([]);
    }
  });

  it('publishes ports on the loopback interface only', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const p of service.ports ?? []) {
        const hostIp = typeof p === 'string' ? (p.split(':').length >= 3 ? p.split(':')[0] : undefined) : p.host_ip;
        expect(hostIp, `service ${name} publishes ${JSON.stringify(p)} beyond localhost`).toBe('127.0.0.1');
      }
    }
  });

  it("registers every one of vidu-flow's search attributes in a one-shot service", () => {
    const setup = Object.values(compose.services).find((s) => JSON.stringify(s).includes('search-attribute create'));
    expect(setup, 'a service running `temporal operator search-attribute create`').toBeDefined();
    const script = [...words(setup!.entrypoint), ...words(setup!.command)].join(' ');
    // The dev server gets `--search-attribute Name=Type`; the CLI's create takes `--name Name --type Type`.
    const wanted = searchAttributeFlags()
      .filter((f) => f !== '--search-attribute')
      .map((f) => f.split('='))
      .map(([attr, type]) => `--name ${attr} --type ${type}`);
    for (const flags of wanted) expect(script).toContain(flags);
    expect(script.match(/--name /g)?.length).toBe(wanted.length);
  });
});
