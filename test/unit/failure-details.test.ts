// schemas/failures.schema.json against the failures the code really builds: the helpers that
// activities and workflows throw with, serialised as a caller receives them (JSON). The workflow
// side (InvalidRequest from a workflow, OffPeakRefunded, NotReadyForReview, InvalidEdits) is
// test/workflow/one-truth.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { archiveFolder } from '../../activities/archive-names';
import { invalidRequest, toApplicationFailure } from '../../activities/failures';
import { FailureType } from '../../core/failure-types';
import { ViduApiError } from '../../vidu/errors';
import { invalidEditsFailure, notReadyForReview, refusedEdits } from '../../workflows/ad-film/edit-problems';

const schema = JSON.parse(readFileSync(path.join(__dirname, '../../schemas/failures.schema.json'), 'utf8')) as {
  $defs: Record<string, unknown>;
};
const validate = new Ajv2020({ strict: false }).compile(schema);

/** As a caller in another language sees it: type and the JSON of details. */
function wire(f: ApplicationFailure): { type: string; details: unknown[] } {
  return { type: f.type ?? '', details: JSON.parse(JSON.stringify(f.details ?? [])) as unknown[] };
}

function thrown(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    return err as ApplicationFailure;
  }
  throw new Error('nothing was thrown');
}

describe('failures.schema.json', () => {
  it('describes every type of the catalogue, and nothing else', () => {
    expect(Object.keys(schema.$defs).sort()).toEqual(Object.values(FailureType).sort());
  });

  it.each([
    [
      'InvalidRequest (the stage activity)',
      () => invalidRequest(['prompt: prompt must be at most 2000 characters (got 2100)', 'model: model is required']),
    ],
    ['InvalidRequest (a hostile workflow id at the archive)', () => thrown(() => archiveFolder('x/../victim'))],
    [
      'InvalidRequest (edits given at start)',
      () => invalidEditsFailure(['edits[0].storyboard: must be a whole number ≥ 0']),
    ],
    [
      'ViduRejected',
      () =>
        toApplicationFailure(
          new ViduApiError({
            status: 400,
            reason: 'CreditInsufficient',
            viduMessage: 'not enough credits',
            traceId: undefined,
            retryAfterMs: undefined,
            endpoint: 'POST /ent/v2/img2video',
          }),
          'submit',
        ) as ApplicationFailure,
    ],
    ['InvalidEdits', () => refusedEdits(['edits[0].storyboard: the film has 2 storyboard(s), 0–1; got 9'])],
    ['NotReadyForReview', () => notReadyForReview('approved', 'the film is already approved; no more edits')],
  ])('%s validates', (_what, make) => {
    const f = wire(make());
    expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses what breaks a type’s shape', () => {
    expect(validate({ type: 'InvalidRequest', details: [{ issues: ['x: y'] }] })).toBe(false); // problems missing
    expect(validate({ type: 'ViduTaskFailed', details: [{ taskId: 't', errCode: '' }] })).toBe(false); // credits missing
    expect(validate({ type: 'NoSuchType', details: [{}] })).toBe(false);
  });
});
