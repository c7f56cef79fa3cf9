// The structured issues of typed rejections (core/issues.ts): each rule of the vocabulary from the
// messages the checks really write, and the details shape InvalidRequest / InvalidEdits carry.
import { describe, expect, it } from 'vitest';
import { checkGenerationInput } from '../../contract/generation-input';
import { FailureDetails } from '../../contract/failure-details';
import { FailureType } from '../../core/failure-types';
import { ISSUE_RULES, issueDetails, issueFromLine, ruleOf } from '../../core/issues';
import { editProblems } from '../../workflows/ad-film/edit-problems';

describe('ruleOf', () => {
  it.each([
    ['Too small: expected number to be >=1', 'range'],
    ['Too big: expected string to have <=2000 characters', 'limit'],
    ['Invalid option: expected one of "auto"|"callback"|"poll"', 'enum'],
    ['is set by vidu-flow (it routes callbacks to the workflow); remove it from the request', 'unknown-field'],
    ['unknown field "foo" is not accepted by img2video', 'unknown-field'],
    ['images must contain exactly 1 image (got 0)', 'limit'],
    ['prompt must be at most 2000 characters (got 2100)', 'limit'],
    ['viduq2 at 7 s offers 540p, 720p, 1080p (got 9000p)', 'enum'],
    ['model is required', 'required'],
    ['seed must be an integer or a string of digits (got 1.5)', 'type'],
    ['movement_amplitude must be one of auto, small, medium, large (got "big")', 'enum'],
    ['aspect ratio 1:5.00 is outside 1:4–4:1', 'limit'],
    ['the film has 3 storyboard(s), 0–2; got 7', 'not-found'],
    ['must be a non-empty string', 'required'],
    ['must be a whole number ≥ 0', 'range'],
    ['unknown edit type "gif"; expected video, narration or bgm', 'enum'],
    ['the film is already approved; no more edits', 'state'],
    ['something nobody wrote a rule for', 'invalid'],
  ] as const)('%s → %s', (message, rule) => {
    expect(ruleOf(message)).toBe(rule);
  });

  it('every rule it answers is in the published vocabulary', () => {
    for (const m of ['a', 'is required', 'one of x']) expect(ISSUE_RULES).toContain(ruleOf(m));
  });
});

describe('issueDetails', () => {
  it('keeps the lines and adds the same problems structured, in order; (request) is the request', () => {
    const lines = checkGenerationInput('img2video', {
      request: { model: 'viduq2', images: [], prompt: 'x', duration: 5, callback_url: 'https://x' },
    });
    const d = issueDetails([...lines, '(request): the whole request is wrong']);
    expect(d.issues).toEqual([...lines, '(request): the whole request is wrong']);
    expect(d.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      ...lines,
      'request: the whole request is wrong',
    ]);
    expect(d.problems.find((p) => p.field === 'callback_url')?.rule).toBe('unknown-field');
    expect(FailureDetails[FailureType.InvalidRequest].safeParse(d).success).toBe(true);
  });

  it('a line without a field is about the fallback field; structured issues pass through', () => {
    expect(issueFromLine('give at least one edit', 'edits')).toEqual({
      field: 'edits',
      rule: 'required',
      message: 'give at least one edit',
    });
    expect(issueDetails([{ field: 'source.path', rule: 'not-found', message: 'cannot read /x (ENOENT)' }])).toEqual({
      issues: ['source.path: cannot read /x (ENOENT)'],
      problems: [{ field: 'source.path', rule: 'not-found', message: 'cannot read /x (ENOENT)' }],
    });
  });

  it('edit problems become InvalidEdits details naming the field and the rule', () => {
    const detail = {
      taskId: 't',
      state: 'success' as const,
      storyboards: [0, 1, 2].map((index) => ({ index, records: [] })),
      narration: [],
      bgm: [],
      composed: [],
    };
    const d = issueDetails(
      editProblems(
        [
          { type: 'video', storyboard: 7, prompt: 'x' },
          { type: 'bgm', prompt: 'y'.repeat(2001) },
        ],
        detail,
      ),
      'edits',
    );
    expect(d.problems).toEqual([
      { field: 'edits[0].storyboard', rule: 'not-found', message: 'the film has 3 storyboard(s), 0–2; got 7' },
      { field: 'edits[1].prompt', rule: 'limit', message: 'must be at most 2000 characters (got 2001)' },
    ]);
    expect(FailureDetails[FailureType.InvalidEdits].safeParse(d).success).toBe(true);
  });
});
