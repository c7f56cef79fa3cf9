import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCallbackConfig } from '../../receiver/config';
import { loadWorkerConfig } from '../../worker/config';
import { ViduClient } from '../../vidu/client';
import { signCallbackRequest, verifyCallbackRequest } from '../../vidu/signature';
import { ConfigError, parseEnv } from '../../platform/config/env';

const KEY = 'vk_LEAKCANARY_core_config_7f3e';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadWorkerConfig', () => {
  it('applies the README.md "Configuration" defaults', () => {
    const config = loadWorkerConfig({ VIDU_API_KEY: KEY });
    expect(config).toEqual({
      temporal: expect.objectContaining({ address: 'localhost:7233', namespace: 'default', taskQueue: 'vidu-flow' }),
      vidu: { baseUrl: 'https://api.vidu.com', apiKey: KEY, timeoutMs: 30_000 },
      callbackUrl: undefined,
      // Unset: derived from the account's concurrency limit when the worker starts.
      maxInFlight: undefined,
      // Off-peak tasks have their own pool, uncapped unless VIDU_MAX_OFF_PEAK_IN_FLIGHT says so.
      maxOffPeakInFlight: undefined,
      slotReconcileSeconds: 60,
      archiveDir: path.resolve('./data/archive'),
      stagingDir: path.resolve('./data/staging'),
      // Unused staged inputs expire after a week (worker/staging-sweep.ts).
      stagingTtlDays: 7,
      // Checked by the input-roots and private-URL tests.
      inputRoots: expect.anything(),
      privateUrls: expect.anything(),
      webhookPrivateUrls: expect.anything(),
      // Checked by the telemetry tests.
      telemetry: expect.anything(),
      // The built-in price table unless VIDU_FLOW_PRICES_FILE is set (test/unit/prices-file.test.ts).
      prices: expect.anything(),
      // The balance watch every 10 minutes, no credits floor (test/unit/balance.test.ts).
      balance: { intervalSeconds: 600, floors: {} },
      // No budgets unless VIDU_FLOW_BUDGETS_FILE is set (test/unit/budgets-file.test.ts).
      budgets: expect.anything(),
      // A fixed cache bounds memory with thousands waiting; a sticky timeout that outlasts a burst of callbacks.
      workflowTuning: {
        maxCachedWorkflows: 1000,
        stickyQueueScheduleToStartTimeout: 10_000,
        maxConcurrentWorkflowTaskExecutions: 8,
      },
      versioning: { deploymentName: 'vidu-flow', promote: 'first' },
    });
    expect(path.isAbsolute(config.archiveDir)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadWorkerConfig({
      VIDU_API_KEY: KEY,
      TEMPORAL_ADDRESS: 'temporal.internal:7234',
      TEMPORAL_NAMESPACE: 'media',
      VIDU_TASK_QUEUE: 'vidu-gpu',
      VIDU_BASE_URL: 'http://127.0.0.1:8790',
      VIDU_CALLBACK_URL: 'https://hooks.example.com/vidu/callback',
      VIDU_HTTP_TIMEOUT_MS: '45000',
      ARCHIVE_DIR: 'out/archive',
      STAGING_DIR: '/var/tmp/staging',
      VIDU_FLOW_STAGING_TTL_DAYS: '2.5',
      CALLBACK_PORT: '9000',
      VIDU_MAX_IN_FLIGHT: '3',
      VIDU_MAX_OFF_PEAK_IN_FLIGHT: '50',
      VIDU_SLOT_RECONCILE_SECONDS: '15',
      VIDU_FLOW_BALANCE_INTERVAL_SECONDS: '120',
      VIDU_MIN_REMAINING_CREDITS: '5000',
      VIDU_MIN_REMAINING_CREDITS_INTERACTIVE: '500',
      VIDU_FLOW_MAX_CACHED_WORKFLOWS: '250',
      VIDU_FLOW_STICKY_TIMEOUT_SECONDS: '30',
      VIDU_FLOW_MAX_WORKFLOW_TASKS: '12',
    });
    expect(config).toEqual({
      temporal: expect.objectContaining({
        address: 'temporal.internal:7234',
        namespace: 'media',
        taskQueue: 'vidu-gpu',
      }),
      vidu: { baseUrl: 'http://127.0.0.1:8790', apiKey: KEY, timeoutMs: 45_000 },
      callbackUrl: 'https://hooks.example.com/vidu/callback',
      maxInFlight: 3,
      maxOffPeakInFlight: 50,
      slotReconcileSeconds: 15,
      archiveDir: path.resolve('out/archive'),
      stagingDir: '/var/tmp/staging',
      stagingTtlDays: 2.5,
      inputRoots: expect.anything(),
      privateUrls: expect.anything(),
      webhookPrivateUrls: expect.anything(),
      // Checked by the telemetry tests.
      telemetry: expect.anything(),
      prices: expect.anything(),
      balance: { intervalSeconds: 120, floors: { batch: 5000, interactive: 500 } },
      // No budgets unless VIDU_FLOW_BUDGETS_FILE is set (test/unit/budgets-file.test.ts).
      budgets: expect.anything(),
      workflowTuning: {
        maxCachedWorkflows: 250,
        stickyQueueScheduleToStartTimeout: 30_000,
        maxConcurrentWorkflowTaskExecutions: 12,
      },
      versioning: { deploymentName: 'vidu-flow', promote: 'first' },
    });
  });

  it('takes 0 (no workflow cache) and refuses a cache of 1 and a sticky timeout of 0, naming the variable', () => {
    expect(
      loadWorkerConfig({ VIDU_API_KEY: KEY, VIDU_FLOW_MAX_CACHED_WORKFLOWS: '0' }).workflowTuning.maxCachedWorkflows,
    ).toBe(0);
    const err = configError(() =>
      loadWorkerConfig({
        VIDU_API_KEY: KEY,
        VIDU_FLOW_MAX_CACHED_WORKFLOWS: '1',
        VIDU_FLOW_STICKY_TIMEOUT_SECONDS: '0',
      }),
    );
    expect(err.problems).toEqual([
      expect.stringMatching(/^VIDU_FLOW_MAX_CACHED_WORKFLOWS: must be 0 .* or at least 2 \(got "1"\)$/),
      expect.stringMatching(/^VIDU_FLOW_STICKY_TIMEOUT_SECONDS: must be at least 1 \(got "0"\)$/),
    ]);
  });

  it('refuses a negative staging TTL, naming the variable; 0 keeps staged inputs forever', () => {
    expect(loadWorkerConfig({ VIDU_API_KEY: KEY, VIDU_FLOW_STAGING_TTL_DAYS: '0' }).stagingTtlDays).toBe(0);
    const err = configError(() => loadWorkerConfig({ VIDU_API_KEY: KEY, VIDU_FLOW_STAGING_TTL_DAYS: '-1' }));
    expect(err.problems).toEqual([expect.stringMatching(/^VIDU_FLOW_STAGING_TTL_DAYS: must be 0/)]);
  });

  it('treats empty strings as unset', () => {
    const config = loadWorkerConfig({
      VIDU_API_KEY: KEY,
      TEMPORAL_ADDRESS: '',
      VIDU_CALLBACK_URL: '',
      ARCHIVE_DIR: '',
    });
    expect(config.temporal.address).toBe('localhost:7233');
    expect(config.callbackUrl).toBeUndefined();
    expect(config.archiveDir).toBe(path.resolve('./data/archive'));
  });

  it('accepts a bracketed IPv6 Temporal address', () => {
    expect(loadWorkerConfig({ VIDU_API_KEY: KEY, TEMPORAL_ADDRESS: '[::1]:7233' }).temporal.address).toBe('[::1]:7233');
  });

  describe('VIDU_API_KEY', () => {
    it('is required', () => {
      const err = configError(() => loadWorkerConfig({}));
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(/^VIDU_API_KEY: is required/);
      expect(err.problems[0]).toContain('unset');
    });

    it('is required when empty', () => {
      expect(configError(() => loadWorkerConfig({ VIDU_API_KEY: '' })).problems[0]).toMatch(
        /^VIDU_API_KEY: is required/,
      );
    });

    it('is trimmed once: a key read from a file with its trailing newline is the key', () => {
      expect(loadWorkerConfig({ VIDU_API_KEY: `  ${KEY}\n` }).vidu.apiKey).toBe(KEY);
      expect(loadWorkerConfig({ VIDU_API_KEY: `${KEY}\r\n` }).vidu.apiKey).toBe(KEY);
    });

    it.each([
      [
        'only whitespace',
        ' \n\t',
        /^VIDU_API_KEY: is required \(the Vidu API key\); it is only whitespace \(got a value\)$/,
      ],
      [
        'a space inside',
        `${KEY} two`,
        /^VIDU_API_KEY: must be printable ASCII with no spaces, tabs or line breaks inside \(got a value\)$/,
      ],
      ['a line break inside', `${KEY}\ntwo`, /line breaks inside \(got a value\)$/],
      ['a non-ASCII character', `${KEY}é`, /printable ASCII/],
    ])('with %s is a configuration error that names the variable, never the value', (_, value, message) => {
      const err = configError(() => loadWorkerConfig({ VIDU_API_KEY: value }));
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(message);
      expect(err.message).not.toContain(KEY);
    });

    it('is never echoed, even when other values are bad', () => {
      const err = configError(() =>
        loadWorkerConfig({ VIDU_API_KEY: KEY, CALLBACK_PORT: 'http', VIDU_BASE_URL: 'nope' }),
      );
      expect(err.message).not.toContain(KEY);
      expect(JSON.stringify(err.problems)).not.toContain(KEY);
      expect(String(err.stack)).not.toContain(KEY);
    });
  });

  describe('one message per bad value, naming the variable', () => {
    it.each([
      ['TEMPORAL_ADDRESS', 'localhost', /host:port/],
      ['TEMPORAL_ADDRESS', 'a:b', /host:port/],
      ['TEMPORAL_ADDRESS', 'http://localhost:7233', /host:port/],
      ['VIDU_BASE_URL', 'api.vidu.com', /http\(s\) URL/],
      ['VIDU_BASE_URL', 'ftp://api.vidu.com', /http\(s\) URL/],
      ['VIDU_CALLBACK_URL', 'hooks.example.com/cb', /http\(s\) URL/],
      ['VIDU_HTTP_TIMEOUT_MS', '5', /at least 1000/],
      ['VIDU_HTTP_TIMEOUT_MS', 'soon', /number/],
      ['CALLBACK_PORT', '0', /TCP port/],
      ['CALLBACK_PORT', '65536', /TCP port/],
      ['CALLBACK_PORT', '80.5', /whole number/],
      ['CALLBACK_PORT', 'http', /number/],
      ['ARCHIVE_URL', 'http://bucket/prefix', /file:\/\/<dir> or s3:\/\//],
      ['ARCHIVE_URL', '/plain/dir', /file:\/\/<dir> or s3:\/\//],
      ['VIDU_MAX_IN_FLIGHT', '-1', /0 \(no cap\) or more/],
      ['VIDU_MAX_OFF_PEAK_IN_FLIGHT', '-1', /0 \(no cap\) or more/],
      ['VIDU_MAX_OFF_PEAK_IN_FLIGHT', '2.5', /whole number/],
    ])('%s=%j', (name, value, message) => {
      const err = configError(() => loadWorkerConfig({ VIDU_API_KEY: KEY, [name]: value }));
      expect(err.problems).toHaveLength(1);
      const [problem] = err.problems as [string];
      expect(problem.startsWith(`${name}: `)).toBe(true);
      expect(problem).toMatch(message);
      expect(problem).toContain(`got ${JSON.stringify(value)}`);
    });

    it('reports every bad variable at once, one line each', () => {
      const err = configError(() =>
        loadWorkerConfig({
          TEMPORAL_ADDRESS: 'nope',
          VIDU_BASE_URL: 'x',
          CALLBACK_PORT: '99999',
          VIDU_HTTP_TIMEOUT_MS: '1',
        }),
      );
      const names = err.problems.map((p) => p.split(':')[0]).sort();
      expect(names).toEqual([
        'CALLBACK_PORT',
        'TEMPORAL_ADDRESS',
        'VIDU_API_KEY',
        'VIDU_BASE_URL',
        'VIDU_HTTP_TIMEOUT_MS',
      ]);
      expect(err.message.split('\n')).toHaveLength(1 + names.length);
      expect(err.message.startsWith('invalid configuration:')).toBe(true);
      expect(err.name).toBe('ConfigError');
    });
  });

  describe('ARCHIVE_URL', () => {
    it('s3://bucket/prefix is a bucket archive (STAGING_URL the same); a bad bucket name is named', () => {
      const config = loadWorkerConfig({
        VIDU_API_KEY: KEY,
        ARCHIVE_URL: 's3://my-bucket/vidu/archive/',
        STAGING_URL: 's3://my-bucket/staging',
      });
      expect(config.archiveS3).toEqual({ bucket: 'my-bucket', prefix: 'vidu/archive' });
      expect(config.stagingS3).toEqual({ bucket: 'my-bucket', prefix: 'staging' });
      expect(() => loadWorkerConfig({ VIDU_API_KEY: KEY, ARCHIVE_URL: 's3://My_Bucket/x' })).toThrow(
        /^ARCHIVE_URL: bucket "My_Bucket" must be/,
      );
      expect(() => loadWorkerConfig({ VIDU_API_KEY: KEY, STAGING_URL: 's3://bucket/a/../b' })).toThrow(
        /^STAGING_URL: prefix .* must not contain/,
      );
    });

    it('file:///abs/dir is the archive directory', () => {
      expect(loadWorkerConfig({ VIDU_API_KEY: KEY, ARCHIVE_URL: 'file:///srv/vidu/archive' }).archiveDir).toBe(
        '/srv/vidu/archive',
      );
      expect(loadWorkerConfig({ VIDU_API_KEY: KEY, ARCHIVE_URL: 'file://localhost/srv/a' }).archiveDir).toBe('/srv/a');
    });

    it('wins over ARCHIVE_DIR', () => {
      expect(loadWorkerConfig({ VIDU_API_KEY: KEY, ARCHIVE_DIR: '/a', ARCHIVE_URL: 'file:///b' }).archiveDir).toBe(
        '/b',
      );
    });

    // Was a bug: the directory was `new URL(value).pathname`, which keeps `%20` escapes and drops a
    // relative first segment (`file://./data/x` became `/data/x`, `file://data/archive` `/archive`).
    it('decodes percent escapes', () => {
      expect(loadWorkerConfig({ VIDU_API_KEY: KEY, ARCHIVE_URL: 'file:///srv/my%20archive' }).archiveDir).toBe(
        '/srv/my archive',
      );
    });

    it.each([
      ['file://./data/archive', 'data/archive'],
      ['file://data/archive', 'data/archive'],
      ['file://../shared/archive', '../shared/archive'],
    ])('reads %s as a path relative to the working directory', (url, relative) => {
      expect(loadWorkerConfig({ VIDU_API_KEY: KEY, ARCHIVE_URL: url }).archiveDir).toBe(path.resolve(relative));
    });
  });
});

describe('loadCallbackConfig', () => {
  it('applies the defaults', () => {
    expect(loadCallbackConfig({ VIDU_API_KEY: KEY })).toEqual({
      // The connection itself: test/unit/temporal-connection.test.ts.
      temporal: expect.objectContaining({ address: 'localhost:7233', namespace: 'default' }),
      VIDU_TASK_QUEUE: 'vidu-flow',
      VIDU_API_KEY: KEY,
      CALLBACK_PORT: 8788,
      CALLBACK_HOST: '127.0.0.1',
      CALLBACK_MAX_SKEW_SECONDS: 300,
      CALLBACK_FORWARD_STATES: new Set(['created', 'queueing', 'scheduled', 'processing']),
      CALLBACK_MAX_SIGNALS_IN_FLIGHT: 32,
      CALLBACK_MAX_WAITING: 2000,
      METRICS_HOST: '127.0.0.1',
    });
  });

  it('refuses CALLBACK_MAX_SIGNALS_IN_FLIGHT below 1 and a CALLBACK_MAX_WAITING that is not a whole number, naming each', () => {
    expect(
      configError(() => loadCallbackConfig({ VIDU_API_KEY: KEY, CALLBACK_MAX_SIGNALS_IN_FLIGHT: '0' })).message,
    ).toMatch(/CALLBACK_MAX_SIGNALS_IN_FLIGHT.*must be at least 1/s);
    expect(configError(() => loadCallbackConfig({ VIDU_API_KEY: KEY, CALLBACK_MAX_WAITING: '2.5' })).message).toMatch(
      /CALLBACK_MAX_WAITING.*must be a whole number/s,
    );
  });

  it('refuses a CALLBACK_FORWARD_STATES it does not know, naming the variable and the rule', () => {
    const err = configError(() =>
      loadCallbackConfig({ VIDU_API_KEY: KEY, CALLBACK_FORWARD_STATES: 'processing,done' }),
    );
    expect(err.message).toMatch(
      /CALLBACK_FORWARD_STATES.*comma list of created, queueing, scheduled, processing; got "done"/s,
    );
  });

  it('requires VIDU_API_KEY (it verifies signatures)', () => {
    const err = configError(() => loadCallbackConfig({ CALLBACK_PORT: '8080' }));
    expect(err.problems).toEqual(['VIDU_API_KEY: is required (it verifies the callback signatures) (unset)']);
  });

  it('trims the key the same way as the worker: a callback signed with the key verifies although the env value ends in a newline', () => {
    const worker = loadWorkerConfig({ VIDU_API_KEY: `${KEY}\n` });
    const receiver = loadCallbackConfig({ VIDU_API_KEY: `${KEY}\n` });
    expect(receiver.VIDU_API_KEY).toBe(worker.vidu.apiKey);
    // Vidu signs with the key the client sent, which is the trimmed one.
    const client = new ViduClient({ baseUrl: 'http://127.0.0.1:1', apiKey: worker.vidu.apiKey });
    expect(client.baseUrl).toBe('http://127.0.0.1:1');
    const url = 'https://hooks.example.com/vidu/callback?workflowId=wf-1';
    const now = new Date();
    const headers = signCallbackRequest({ secret: KEY, url, date: now });
    const verify = (secret: string) =>
      verifyCallbackRequest({ secret, method: 'POST', pathWithQuery: '/vidu/callback?workflowId=wf-1', headers, now });
    expect(verify(receiver.VIDU_API_KEY).ok).toBe(true);
    // What the receiver did before: verifying with the untrimmed value fails every callback.
    expect(verify(`${KEY}\n`)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a whitespace-only key or one with whitespace inside, without echoing it', () => {
    expect(configError(() => loadCallbackConfig({ VIDU_API_KEY: '  ' })).problems).toEqual([
      'VIDU_API_KEY: is required (it verifies the callback signatures); it is only whitespace (got a value)',
    ]);
    const err = configError(() => loadCallbackConfig({ VIDU_API_KEY: `${KEY} x` }));
    expect(err.problems[0]).toMatch(/^VIDU_API_KEY: must be printable ASCII/);
    expect(err.message).not.toContain(KEY);
  });

  it('reads port, host and skew', () => {
    const c = loadCallbackConfig({
      VIDU_API_KEY: KEY,
      CALLBACK_PORT: '9100',
      CALLBACK_HOST: '127.0.0.1',
      CALLBACK_MAX_SKEW_SECONDS: '60',
    });
    expect([c.CALLBACK_PORT, c.CALLBACK_HOST, c.CALLBACK_MAX_SKEW_SECONDS]).toEqual([9100, '127.0.0.1', 60]);
  });

  it('names each bad variable once and never echoes the key', () => {
    const err = configError(() =>
      loadCallbackConfig({ VIDU_API_KEY: KEY, CALLBACK_PORT: '-1', CALLBACK_MAX_SKEW_SECONDS: '0.5' }),
    );
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual(['CALLBACK_MAX_SKEW_SECONDS', 'CALLBACK_PORT']);
    expect(err.message).not.toContain(KEY);
  });
});

describe('parseEnv', () => {
  const Schema = z.object({
    VIDU_API_KEY: z.string().regex(/^vk_[a-z]+$/, 'must look like vk_<letters>'),
    NAME: z.string().min(3, 'must be at least 3 characters'),
    COUNT: z.coerce.number().int().default(1),
  });

  it('returns the parsed values', () => {
    expect(parseEnv(Schema, { VIDU_API_KEY: 'vk_abc', NAME: 'abc', OTHER: 'ignored' }, ['VIDU_API_KEY'])).toEqual({
      VIDU_API_KEY: 'vk_abc',
      NAME: 'abc',
      COUNT: 1,
    });
  });

  it('never echoes a bad value of a secret variable, but does echo others', () => {
    const err = configError(() => parseEnv(Schema, { VIDU_API_KEY: KEY, NAME: 'ab' }, ['VIDU_API_KEY']));
    expect(err.problems).toEqual([
      'VIDU_API_KEY: must look like vk_<letters> (got a value)',
      'NAME: must be at least 3 characters (got "ab")',
    ]);
    expect(err.message).not.toContain(KEY);
  });

  it('echoes the value when the variable is not declared secret', () => {
    const err = configError(() => parseEnv(Schema, { VIDU_API_KEY: 'bad key', NAME: 'abc' }));
    expect(err.problems).toEqual(['VIDU_API_KEY: must look like vk_<letters> (got "bad key")']);
  });

  it('says "unset" for a missing variable and drops empty strings', () => {
    const err = configError(() => parseEnv(Schema, { VIDU_API_KEY: 'vk_a', NAME: '' }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^NAME: .*\(unset\)$/);
  });
});
