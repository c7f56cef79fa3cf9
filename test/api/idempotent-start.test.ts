import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { namespacedIdempotencyKey } from '../../api/idempotent-start';
import { ProblemError } from '../../api/problem';
import { workflowIdFor } from '../../client/workflow-ids';
import { callerWorkflowIdProblem } from '../../contract/workflow-id';

// Decision 3 of issue 16: the header and options.idempotencyKey are namespaced alike, so key
// "mallory" sending `alice:order-1` lands in its own namespace, never on alice's id.

const req = (headers: Record<string, string> = {}) => ({ headers }) as unknown as FastifyRequest;

describe('namespacedIdempotencyKey', () => {
  it('namespaces the header and the body field alike, by the caller id', () => {
    expect(namespacedIdempotencyKey(req({ 'idempotency-key': 'order-1' }), 'kalice', {})).toBe('kalice:order-1');
    expect(namespacedIdempotencyKey(req(), 'kalice', { options: { idempotencyKey: 'order-1' } })).toBe(
      'kalice:order-1',
    );
    expect(
      namespacedIdempotencyKey(req({ 'idempotency-key': 'order-1' }), 'kalice', {
        options: { idempotencyKey: 'order-1' },
      }),
    ).toBe('kalice:order-1');
    expect(namespacedIdempotencyKey(req(), 'kalice', {})).toBeUndefined();
    expect(namespacedIdempotencyKey(req(), 'kalice', { options: {} })).toBeUndefined();
  });

  it('never lets one caller reach another caller’s id, whatever it writes', () => {
    const alice = workflowIdFor(
      'img2video',
      namespacedIdempotencyKey(req(), 'kalice', { options: { idempotencyKey: 'order-1' } }),
    );
    expect(alice).toBe('img2video-key-kalice:order-1');
    for (const aimed of [
      'kalice:order-1',
      'alice:order-1',
      ':order-1',
      'order-1~upscale',
      'kalice:order-1~webhook-succeeded',
    ]) {
      for (const where of ['header', 'body'] as const) {
        const key =
          where === 'header'
            ? namespacedIdempotencyKey(req({ 'idempotency-key': aimed }), 'kmallory', {})
            : namespacedIdempotencyKey(req(), 'kmallory', { options: { idempotencyKey: aimed } });
        const id = workflowIdFor('img2video', key);
        expect(id, `${where} ${aimed}`).not.toBe(alice);
        expect(id.startsWith('img2video-key-kmallory:') || /^img2video-key-[0-9a-f]{40}$/.test(id), id).toBe(true);
        expect(callerWorkflowIdProblem(id), id).toBeUndefined();
        expect(id).not.toContain('~');
      }
    }
  });

  it('refuses two different keys, and a body key that is not a string of 1–200 characters', () => {
    const problem = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err as ProblemError;
      }
      throw new Error('no problem thrown');
    };
    const two = problem(() =>
      namespacedIdempotencyKey(req({ 'idempotency-key': 'a' }), 'k', { options: { idempotencyKey: 'b' } }),
    );
    expect(two.problem.status).toBe(422);
    expect(two.problem.errors?.[0]?.field).toBe('options.idempotencyKey');
    expect(namespacedIdempotencyKey(req(), 'k', { options: { idempotencyKey: 'a b' } })).toBe('k:a b');
    for (const bad of ['', 'x'.repeat(201), 42]) {
      expect(
        problem(() => namespacedIdempotencyKey(req(), 'k', { options: { idempotencyKey: bad } })).problem.status,
      ).toBe(422);
    }
    expect(problem(() => namespacedIdempotencyKey(req({ 'idempotency-key': 'a b' }), 'k', {})).problem.status).toBe(
      400,
    );
  });
});
