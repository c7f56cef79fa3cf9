import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveExtension, archiveFileName, archiveFolder, creationFileStem } from '../../activities/archive-names';
import { callbackUrlFor, clientRequestIdFor } from '../../activities/idempotency';
import { WORKFLOW_ID_MAX, workflowIdFor, workflowIdIssues, workflowIdProblem } from '../../client/workflow-ids';
import {
  callerWorkflowIdProblem,
  DERIVED_WORKFLOW_ID_MAX,
  derivedWorkflowId,
  derivedWorkflowIdProblem,
  withAttempt,
} from '../../contract/workflow-id';
import { WEBHOOK_EVENT_TYPES, webhookWorkflowId } from '../../core/webhook-types';

const KINDS = ['img2video', 'reference2video', 'reference2image', 'image2dance', 'adFilm'] as const;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('workflowIdFor', () => {
  it('is stable per key', () => {
    for (const kind of KINDS) {
      expect(workflowIdFor(kind, 'order-42')).toBe(workflowIdFor(kind, 'order-42'));
      expect(workflowIdFor(kind, 'a key with spaces/and slashes')).toBe(
        workflowIdFor(kind, 'a key with spaces/and slashes'),
      );
    }
  });

  it('keeps readable keys readable', () => {
    expect(workflowIdFor('img2video', 'order-42')).toBe('img2video-key-order-42');
    expect(workflowIdFor('reference2image', 'shop:sku_1.v2')).toBe('reference2image-key-shop:sku_1.v2');
  });

  it('is distinct per kind for the same key', () => {
    for (const key of ['order-42', 'weird key ✓', undefined]) {
      const ids = KINDS.map((k) => workflowIdFor(k, key));
      expect(new Set(ids).size).toBe(KINDS.length);
      KINDS.forEach((k, i) => expect(ids[i]?.startsWith(`${k}-`)).toBe(true));
    }
  });

  it('is distinct per key', () => {
    const keys = [
      'a',
      'b',
      'A',
      'a ',
      ' a',
      'a/b',
      'a\\b',
      'é',
      'e\u0301',
      'x'.repeat(120),
      'x'.repeat(121),
      'x'.repeat(1000),
    ];
    const ids = keys.map((k) => workflowIdFor('img2video', k));
    expect(new Set(ids).size).toBe(keys.length);
  });

  it.each([
    ['spaces', 'my order 42'],
    ['a slash', 'tenant/order'],
    ['non-ASCII', 'commande-été'],
    ['emoji', '🎬'],
    ['a newline', 'a\nb'],
    ['a percent sign', '50%'],
    ['121 characters', 'k'.repeat(121)],
    ['10 000 characters', 'k'.repeat(10_000)],
  ])('hashes a key with %s into 40 hex digits', (_name, key) => {
    const id = workflowIdFor('img2video', key);
    expect(id).toMatch(/^img2video-key-[0-9a-f]{40}$/);
    expect(id).toBe(`img2video-key-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`);
  });

  it('keeps a 120-character readable key as it is', () => {
    expect(workflowIdFor('img2video', 'k'.repeat(120))).toBe(`img2video-key-${'k'.repeat(120)}`);
  });

  it('never lets a readable key land on a hashed key’s id', () => {
    const awkward = 'my order 42';
    const hashedId = workflowIdFor('img2video', awkward);
    const digest = hashedId.slice('img2video-key-'.length);
    // The digest itself is a "readable" key; it must not map to the same workflow.
    expect(workflowIdFor('img2video', digest)).not.toBe(hashedId);
    expect(workflowIdFor('img2video', digest)).toBe(workflowIdFor('img2video', digest));
  });

  it('is random without a key', () => {
    const a = workflowIdFor('img2video');
    const b = workflowIdFor('img2video');
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^img2video-${UUID.source}$`));
    expect(a).not.toContain('-key-');
  });

  it('treats an empty key as no key (the input schema refuses empty keys anyway)', () => {
    expect(workflowIdFor('img2video', '')).not.toBe(workflowIdFor('img2video', ''));
  });

  it('ids stay short enough for Temporal and for callback URLs', () => {
    for (const key of [undefined, 'x'.repeat(120), 'y'.repeat(5000)])
      expect(workflowIdFor('reference2video', key).length).toBeLessThanOrEqual(200);
  });
});

describe('clientRequestIdFor', () => {
  it('is stable for a workflow id and step', () => {
    expect(clientRequestIdFor('img2video-key-a')).toBe(clientRequestIdFor('img2video-key-a'));
    expect(clientRequestIdFor('adFilm-x', 'compose')).toBe(clientRequestIdFor('adFilm-x', 'compose'));
  });

  it('defaults the step to submit', () => {
    expect(clientRequestIdFor('wf')).toBe(clientRequestIdFor('wf', 'submit'));
  });

  it('differs per step and per workflow id', () => {
    const ids = [
      clientRequestIdFor('wf'),
      clientRequestIdFor('wf', 'edit-0'),
      clientRequestIdFor('wf', 'edit-1'),
      clientRequestIdFor('wf', 'compose'),
      clientRequestIdFor('wf2'),
      clientRequestIdFor('wf2', 'compose'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not confuse where the workflow id ends and the step begins', () => {
    expect(clientRequestIdFor('ab', 'c')).not.toBe(clientRequestIdFor('a', 'bc'));
  });

  it('is at most 128 safe characters, however long the input', () => {
    for (const [wf, step] of [
      ['wf', undefined],
      ['w'.repeat(10_000), 's'.repeat(10_000)],
      ['ü 🎬 /?&=', 'edit 3'],
    ] as const) {
      const id = clientRequestIdFor(wf, step);
      expect(id.length).toBeLessThanOrEqual(128);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it('does not carry the workflow id in clear (ids may hold customer keys)', () => {
    expect(clientRequestIdFor('img2video-key-customer-secret')).not.toContain('customer-secret');
  });
});

describe('callbackUrlFor', () => {
  const DOC_EXAMPLE = 'http://127.0.0.1:8080/vidu/callback?name=james&age=36';

  it('adds the workflow id to a base without a query', () => {
    const url = callbackUrlFor('https://hooks.example.com/vidu/callback', 'img2video-key-order-42');
    expect(new URL(url).pathname).toBe('/vidu/callback');
    expect(new URL(url).searchParams.get('workflowId')).toBe('img2video-key-order-42');
  });

  it('keeps the base’s existing query, in order, ahead of the workflow id', () => {
    const url = callbackUrlFor(DOC_EXAMPLE, 'wf-1');
    expect(url.startsWith(`${DOC_EXAMPLE}&`)).toBe(true);
    const params = [...new URL(url).searchParams.entries()];
    expect(params).toEqual([
      ['name', 'james'],
      ['age', '36'],
      ['workflowId', 'wf-1'],
    ]);
  });

  it('keeps the existing query byte for byte (the callback signature covers the raw query)', () => {
    const base = 'https://h.example/cb?tok=a%20b&p=x/y&flag&plus=a+b';
    const url = new URL(callbackUrlFor(base, 'w'));
    expect(url.search).toBe('?tok=a%20b&p=x/y&flag&plus=a+b&workflowId=w');
  });

  it('replaces a workflowId already in the base rather than adding a second one', () => {
    const url = new URL(callbackUrlFor('https://h.example/cb?workflowId=old&x=1', 'new'));
    expect(url.searchParams.getAll('workflowId')).toEqual(['new']);
    expect(url.searchParams.get('x')).toBe('1');
  });

  it.each([
    ['a readable key id', 'img2video-key-shop:sku_1.v2'],
    ['query metacharacters', 'a&b=c#d?e'],
    ['spaces and plus signs', 'a b+c'],
    ['non-ASCII', 'commande-été-🎬'],
    ['percent signs', '100%25'],
  ])('encodes %s so the id survives the round trip', (_name, workflowId) => {
    const url = callbackUrlFor(DOC_EXAMPLE, workflowId);
    const parsed = new URL(url);
    expect(parsed.searchParams.get('workflowId')).toBe(workflowId);
    expect(parsed.searchParams.get('name')).toBe('james');
    expect(parsed.hash).toBe('');
    expect(url).not.toMatch(/\s/);
  });

  it('keeps host, port and path', () => {
    const url = new URL(callbackUrlFor('http://10.0.0.5:8788/deep/path/callback', 'w'));
    expect(url.host).toBe('10.0.0.5:8788');
    expect(url.pathname).toBe('/deep/path/callback');
  });

  it('refuses a base that is not a URL', () => {
    expect(() => callbackUrlFor('not a url', 'w')).toThrow();
  });
});

describe('the workflow-id rule', () => {
  it.each([
    ['a path walk', 'x/../victim'],
    ['a parent directory', '..'],
    ['the current directory', '.'],
    ['a dot file', '.hidden'],
    ['an absolute path', '/etc/passwd'],
    ['a Windows absolute path', 'C:\\Windows\\x'],
    ['a backslash', 'a\\b'],
    ['a slash', 'tenant/order'],
    ['a NUL byte', 'a\u0000b'],
    ['a space', 'my order'],
    ['a newline', 'a\nb'],
    ['non-ASCII', 'commande-été'],
    ['a leading dash', '-rf'],
    ['an empty id', ''],
    ['201 characters', 'w'.repeat(201)],
  ])('refuses %s', (_name, id) => {
    const problem = workflowIdProblem(id);
    expect(problem).toBeDefined();
    expect(problem).toContain('letters, digits and . _ : = -');
    expect(workflowIdIssues(id)).toEqual([`workflowId: ${problem}`]);
  });

  it('refuses what is not a string', () => {
    for (const id of [undefined, null, 42, {}]) expect(workflowIdProblem(id)).toMatch(/must be a string/);
  });

  it('names the field it was given', () => {
    expect(workflowIdIssues('x/../victim', '--workflow-id')[0]).toMatch(
      /^--workflow-id: "x\/\.\.\/victim" must be a caller-chosen workflow id: 1–200 characters/,
    );
  });

  it('accepts every id vidu-flow generates', () => {
    const ids = [
      ...KINDS.map((k) => workflowIdFor(k)),
      ...KINDS.map((k) => workflowIdFor(k, 'shop:sku_1.v2')),
      ...KINDS.map((k) => workflowIdFor(k, 'k'.repeat(120))),
      ...KINDS.map((k) => workflowIdFor(k, 'a key with spaces/and ../slashes')),
      workflowIdFor('batch'),
      workflowIdFor('batch', 'nightly'),
      'vidu-slots-0123456789abcdef',
      'img2video-key-a=b',
    ];
    for (const id of ids) expect(workflowIdProblem(id), id).toBeUndefined();
  });

  it('leaves room for the ids vidu-flow derives from a caller’s longest id', () => {
    const longest = 'b'.repeat(WORKFLOW_ID_MAX);
    const derived = [
      `${longest}~1234567`,
      `${longest}-2026-01-02T01:00:00Z`,
      `${longest}~edit-999-video-99-5`,
      derivedWorkflowId(longest, 'upscale', 5),
      webhookWorkflowId(longest, 'generation.updated', 9999) + '-10',
    ];
    for (const id of derived) {
      expect(workflowIdProblem(id)).toBeDefined();
      expect(derivedWorkflowIdProblem(id), id).toBeUndefined();
      expect(workflowIdProblem(id, DERIVED_WORKFLOW_ID_MAX), id).toBeUndefined();
    }
    expect(derivedWorkflowIdProblem('x/../victim')).toBeDefined();
    expect(derivedWorkflowIdProblem('b'.repeat(DERIVED_WORKFLOW_ID_MAX + 1))).toBeDefined();
  });
});

describe('caller ids and derived ids (issue 16: ids a caller cannot aim)', () => {
  it('refuses `~` in a caller id, naming the rule and why', () => {
    for (const id of ['alice~upscale', 'img2video-key-alice:up-1~upscale', '~', 'a~b~c']) {
      const problem = callerWorkflowIdProblem(id);
      expect(problem, id).toMatch(/caller-chosen workflow id/);
      expect(problem).toMatch(/no ~, which is reserved for ids vidu-flow derives/);
    }
  });

  it('accepts `~` in a derived id, and still refuses everything path-like there', () => {
    expect(derivedWorkflowIdProblem('img2video-key-kalice:order-2~webhook-succeeded')).toBeUndefined();
    expect(derivedWorkflowIdProblem('batch-key-k1:nightly~17')).toBeUndefined();
    for (const id of ['~upscale', 'a~/b', 'a~..~b/c', 'a ~b', 'a\\~b', '', 'é~x']) {
      expect(derivedWorkflowIdProblem(id), JSON.stringify(id)).toMatch(/must|empty/);
    }
    expect(derivedWorkflowIdProblem('x~y'.repeat(100))).toMatch(/characters long; it must be a workflow id: 1–255/);
  });

  it('no id any caller path produces can equal a derived one', () => {
    // Ids the client makes from any idempotency key (the API namespaces keys, then calls the same function).
    const keys = [
      'order-1',
      'alice:order-2~webhook-succeeded',
      'up-1~upscale',
      'x~edit-1-video-0',
      '~',
      'k'.repeat(119) + '~',
    ];
    for (const kind of KINDS) {
      for (const key of keys) {
        const id = workflowIdFor(kind, key);
        expect(id).not.toContain('~');
        expect(callerWorkflowIdProblem(id), id).toBeUndefined();
      }
    }
    // Every derivation carries `~`, which the caller rule refuses.
    for (const id of [
      derivedWorkflowId('img2video-key-a', 'upscale'),
      derivedWorkflowId('img2video-key-a', 'upscale', 2),
      derivedWorkflowId('adFilm-key-a', 'edit-1-video-0'),
      derivedWorkflowId('batch-key-a', '12'),
      webhookWorkflowId('img2video-key-a', 'generation.succeeded'),
      webhookWorkflowId('img2video-key-a', 'generation.updated', 3),
    ]) {
      expect(id).toContain('~');
      expect(callerWorkflowIdProblem(id), id).toBeDefined();
      expect(derivedWorkflowIdProblem(id), id).toBeUndefined();
    }
  });

  it('numbers fresh ids after a taken one deterministically: <id>, <id>-2, <id>-3', () => {
    expect([1, 2, 3].map((n) => derivedWorkflowId('g', 'upscale', n))).toEqual([
      'g~upscale',
      'g~upscale-2',
      'g~upscale-3',
    ]);
    expect([1, 2].map((n) => withAttempt('g~webhook-updated-3', n))).toEqual([
      'g~webhook-updated-3',
      'g~webhook-updated-3-2',
    ]);
    // A fresh id of one event never equals the first id of another.
    const first = WEBHOOK_EVENT_TYPES.flatMap((t) =>
      t === 'generation.updated' ? [1, 2, 3, 32].map((n) => webhookWorkflowId('g', t, n)) : [webhookWorkflowId('g', t)],
    );
    const fresh = first.flatMap((id) => [2, 3].map((n) => withAttempt(id, n)));
    expect(fresh.filter((id) => first.includes(id))).toEqual([]);
  });
});

describe('archive names', () => {
  it('checks the workflow id again where it becomes a folder (non-retryable InvalidRequest)', () => {
    expect(archiveFolder('img2video-key-order-42')).toBe('img2video-key-order-42');
    expect(archiveFolder(`${'b'.repeat(200)}~17`)).toBe(`${'b'.repeat(200)}~17`);
    for (const id of ['x/../victim', '..', '.', '/abs', 'a\\b', '', 'a\u0000b']) {
      let thrown: unknown;
      try {
        archiveFolder(id);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, JSON.stringify(id)).toBeInstanceOf(ApplicationFailure);
      expect((thrown as ApplicationFailure).type).toBe('InvalidRequest');
      expect((thrown as ApplicationFailure).nonRetryable).toBe(true);
      expect((thrown as ApplicationFailure).message).toMatch(/^workflowId: /);
    }
  });

  it('keeps plain creation ids readable', () => {
    expect(creationFileStem('863476124321234')).toBe('863476124321234');
    expect(archiveFileName('863476124321234', 'main', 'mp4')).toBe('863476124321234.mp4');
    expect(archiveFileName('c_1-a', 'cover', 'png')).toBe('c_1-a.cover.png');
  });

  it.each([
    ['a slash', '../victim'],
    ['a nested walk', 'a/../../victim'],
    ['a lone parent', '..'],
    ['an absolute path', '/etc/passwd'],
    ['a backslash', '..\\victim'],
    ['a NUL byte', 'a\u0000b'],
    ['a dot (could pose as a cover)', 'abc.cover'],
    ['a leading underscore (the escaped form)', '_abc'],
    ['an empty id', ''],
    ['129 characters', 'c'.repeat(129)],
  ])('escapes a creation id with %s into a plain stable name', (_name, id) => {
    const stem = creationFileStem(id);
    expect(stem).toMatch(/^_[0-9a-f]{40}$/);
    expect(stem).toBe(creationFileStem(id));
    expect(stem).toBe(`_${createHash('sha256').update(id).digest('hex').slice(0, 40)}`);
    const name = archiveFileName(id, 'main', 'mp4');
    expect(name).not.toMatch(/[/\\\0]/);
    expect(path.posix.join('wf', name).startsWith('wf/')).toBe(true);
  });

  it('takes extensions only from the allow list', () => {
    expect(archiveExtension('video/mp4', 'https://cdn.example/x')).toBe('mp4');
    expect(archiveExtension('IMAGE/JPEG', 'https://cdn.example/x')).toBe('jpg');
    expect(archiveExtension('application/octet-stream', 'https://cdn.example/a/b.MP4?sig=1')).toBe('mp4');
    expect(archiveExtension('application/octet-stream', 'https://cdn.example/a/b.jpeg')).toBe('jpg');
    expect(archiveExtension('application/octet-stream', 'https://cdn.example/a/b.exe')).toBe('bin');
    expect(archiveExtension('text/html', 'https://cdn.example/a/b.html')).toBe('bin');
    expect(archiveExtension('application/octet-stream', 'https://cdn.example/a/%2e%2e%2fx')).toBe('bin');
    expect(archiveExtension('application/octet-stream', 'not a url')).toBe('bin');
    expect(archiveFileName('1', 'main', 'mp4/../../x')).toBe('1.bin');
  });
});
