import { ApplicationFailure } from '@temporalio/workflow';
import type { AdFilmDetail, AdFilmEdit } from '../../core/ad-film-types';
import { FailureType } from '../../core/failure-types';
import { issueDetails, type Issue } from '../../core/issues';
import { AD_FILM, type FilmKind } from '../../core/film-kinds';

const PROMPT_MAX = 2000;

/** Checks edits against the film's sub-tasks (unknown before the film exists); one message per problem. */
export function editProblems(
  edits: AdFilmEdit[],
  detail: AdFilmDetail | undefined,
  kind: FilmKind = AD_FILM,
): string[] {
  if (!Array.isArray(edits) || edits.length === 0) return ['edits: give at least one edit'];
  return edits.flatMap((edit, i): string[] => {
    const at = `edits[${i}]`;
    if (typeof edit !== 'object' || edit === null) return [`${at}: must be an object`];
    const text =
      edit.type === 'narration' ? edit.text : edit.type === 'video' || edit.type === 'bgm' ? edit.prompt : undefined;
    if (!kind.editTypes.includes(edit.type)) {
      const expected =
        kind.editTypes.length === 1
          ? kind.editTypes[0]
          : `${kind.editTypes.slice(0, -1).join(', ')} or ${kind.editTypes.at(-1)}`;
      return [
        `${at}.type: unknown edit type ${JSON.stringify((edit as { type?: unknown }).type)}; expected ${expected}${kind.name === 'adFilm' ? '' : ` (the ${kind.label} has no narration or BGM of its own)`}`,
      ];
    }
    const problems: string[] = [];
    const field = edit.type === 'narration' ? 'text' : 'prompt';
    if (typeof text !== 'string' || text.trim() === '') problems.push(`${at}.${field}: must be a non-empty string`);
    else if ([...text].length > PROMPT_MAX)
      problems.push(`${at}.${field}: must be at most ${PROMPT_MAX} characters (got ${[...text].length})`);
    if (edit.type === 'video') {
      const count = detail?.storyboards.length;
      if (!Number.isInteger(edit.storyboard) || edit.storyboard < 0)
        problems.push(`${at}.storyboard: must be a whole number ≥ 0`);
      else if (count !== undefined && edit.storyboard >= count) {
        problems.push(`${at}.storyboard: the film has ${count} storyboard(s), 0–${count - 1}; got ${edit.storyboard}`);
      }
    }
    return problems;
  });
}

/** The failure for edits given at start that break a rule (non-retryable: the input must change). */
export function invalidEditsFailure(problems: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidRequest,
    message: `invalid edits:\n  - ${problems.join('\n  - ')}`,
    nonRetryable: true,
    details: [issueDetails(problems, 'edits')],
  });
}

/**
 * The `requestEdits` validator's refusal of the edits themselves: InvalidEdits, non-retryable (the
 * same edits are refused again), with structured issues (an unknown storyboard is rule `not-found`).
 */
export function refusedEdits(problems: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidEdits,
    message: `invalid edits:\n  - ${problems.join('\n  - ')}`,
    nonRetryable: true,
    details: [issueDetails(problems, 'edits')],
  });
}

export type NotReadyReason = 'not-review-mode' | 'not-generated' | 'approved';

/**
 * The `requestEdits` validator's refusal because of the film's state: NotReadyForReview. Only
 * `not-generated` can pass later (once phase is reviewing), so only it is retryable.
 */
export function notReadyForReview(reason: NotReadyReason, message: string): ApplicationFailure {
  const problem: Issue = { field: 'edits', rule: 'state', message };
  return ApplicationFailure.create({
    type: FailureType.NotReadyForReview,
    message,
    nonRetryable: reason !== 'not-generated',
    details: [{ reason, ...issueDetails([problem]) }],
  });
}
