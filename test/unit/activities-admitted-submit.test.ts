// submitWhenAdmitted (activities/admitted-submit.ts) with fakes for the slot manager and Vidu: a
// queued request submits nothing, a granted one submits in the same attempt, and a slot is given
// back only when the submission fails for good.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { makeAdmittedSubmit } from '../../activities/admitted-submit';
import type { SubmitInput } from '../../activities/submit';
import type { SubmitResult } from '../../core/generation-types';

const INPUT = {
  kind: 'img2video' as const,
  workflowId: 'img2video-w1',
  request: { prompt: 'p' },
  waitMode: 'callback' as const,
  admission: { priority: 'interactive' as const, ticket: 1 },
};
const RESULT: SubmitResult = { taskId: 't1', state: 'created', credits: 5, callbackRegistered: true, via: 'created' };

function setup(
  slot: { managerId: string; granted: boolean } | undefined,
  submit: (input: SubmitInput) => Promise<SubmitResult>,
) {
  const submitted: SubmitInput[] = [];
  const released: string[] = [];
  const run = makeAdmittedSubmit(
    async (input) => {
      submitted.push(input);
      return submit(input);
    },
    async () => slot,
    async ({ managerId, workflowId }) => void released.push(`${managerId}/${workflowId}`),
  );
  return { run, submitted, released };
}

describe('submitWhenAdmitted', () => {
  it('submits at once without a cap, and names no manager', async () => {
    const { run, submitted } = setup(undefined, async () => RESULT);
    expect(await run(INPUT)).toEqual(RESULT);
    expect(submitted).toEqual([
      { kind: 'img2video', workflowId: 'img2video-w1', request: { prompt: 'p' }, waitMode: 'callback' },
    ]);
  });

  it('submits in the same attempt when the slot is granted, and says which manager holds it', async () => {
    const { run, submitted } = setup({ managerId: 'vidu-slots-a', granted: true }, async () => RESULT);
    expect(await run(INPUT)).toEqual({ ...RESULT, slotManagerId: 'vidu-slots-a' });
    expect(submitted).toHaveLength(1);
  });

  it('sends nothing to Vidu when the request is queued', async () => {
    const { run, submitted } = setup({ managerId: 'vidu-slots-a', granted: false }, async () => RESULT);
    expect(await run(INPUT)).toEqual({ queued: true, managerId: 'vidu-slots-a' });
    expect(submitted).toHaveLength(0);
  });

  it('gives the slot back when the submission fails for good, and keeps it for a retry otherwise', async () => {
    const rejected = setup({ managerId: 'vidu-slots-a', granted: true }, async () => {
      throw ApplicationFailure.create({ type: 'ViduRejected', message: 'CreditInsufficient', nonRetryable: true });
    });
    await expect(rejected.run(INPUT)).rejects.toThrow('CreditInsufficient');
    expect(rejected.released).toEqual(['vidu-slots-a/img2video-w1']);

    const transient = setup({ managerId: 'vidu-slots-a', granted: true }, async () => {
      throw ApplicationFailure.create({ type: 'SubmissionUnconfirmed', message: 'no answer yet' });
    });
    await expect(transient.run(INPUT)).rejects.toThrow('no answer yet');
    expect(transient.released).toEqual([]);
  });
});
