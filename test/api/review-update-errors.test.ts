// POST /v1/ad-films/{id}/edits answers 422 naming the field: since issue 22 it reads the typed
// refusal's structured details (InvalidEdits, NotReadyForReview); a refusal from an older worker
// (a bare message) still reads line by line, and both give the same answers.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { updateErrors } from '../../api/routes/review';
import { editProblems, notReadyForReview, refusedEdits } from '../../workflows/ad-film/edit-problems';

const failed = (cause: ApplicationFailure) => new WorkflowUpdateFailedError('Workflow Update failed', cause);
const detail = {
  taskId: 't',
  state: 'success' as const,
  storyboards: [0, 1].map((index) => ({ index, records: [] })),
  narration: [],
  bgm: [],
  composed: [],
};

describe('updateErrors', () => {
  it('InvalidEdits: one field error per structured problem, as the message-reading answered', () => {
    const problems = editProblems(
      [
        { type: 'video', storyboard: 99, prompt: 'x' },
        { type: 'narration', text: '' },
      ],
      detail,
    );
    const typed = updateErrors(failed(refusedEdits(problems)));
    expect(typed).toEqual([
      { field: 'edits[0].storyboard', message: 'the film has 2 storyboard(s), 0–1; got 99' },
      { field: 'edits[1].text', message: 'must be a non-empty string' },
    ]);
    const legacy = updateErrors(
      failed(ApplicationFailure.create({ message: `invalid edits:\n  - ${problems.join('\n  - ')}` })),
    );
    expect(legacy).toEqual(typed);
  });

  it('NotReadyForReview: about `edits` as a whole, as before', () => {
    const message = 'the film is already approved; no more edits';
    expect(updateErrors(failed(notReadyForReview('approved', message)))).toEqual([{ field: 'edits', message }]);
    expect(updateErrors(failed(ApplicationFailure.create({ message })))).toEqual([{ field: 'edits', message }]);
  });
});
