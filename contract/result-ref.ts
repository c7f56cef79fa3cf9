// `vidu-flow:<workflowId>/<creationId>`: an earlier vidu-flow result given as the input video of
// extend or upscale. It is resolved at stage time (activities/result-refs.ts) to Vidu's own
// creation id, sent as video_creation_id: both endpoints document that field (upscale-new lets
// it win over video_url), Vidu still holds the creation, and no bytes travel — so a result of any
// size works, with none of the 20 MB request limit an uploaded copy would meet. The reference is
// accepted only where it can be honoured that way: video_url of an endpoint that has
// video_creation_id. Plain TypeScript, no Node APIs.
import { derivedWorkflowIdProblem } from './workflow-id';

export const RESULT_REF_PREFIX = 'vidu-flow:';

export interface ResultRef {
  workflowId: string;
  creationId: string;
}

export function isResultRef(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(RESULT_REF_PREFIX);
}

/** The parsed reference, or the problem with it (naming the field). */
export function parseResultRef(field: string, value: string): ResultRef | string {
  const body = value.slice(RESULT_REF_PREFIX.length);
  const slash = body.indexOf('/');
  const workflowId = slash < 0 ? body : body.slice(0, slash);
  const creationId = slash < 0 ? '' : body.slice(slash + 1);
  const problem = derivedWorkflowIdProblem(workflowId);
  if (problem)
    return `${field}: ${JSON.stringify(value)} must look like vidu-flow:<workflowId>/<creationId>; the workflow id must be ${problem}`;
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(creationId))
    return `${field}: ${JSON.stringify(value)} must look like vidu-flow:<workflowId>/<creationId> (a Vidu creation id after the slash)`;
  return { workflowId, creationId };
}

/** Problems with result references in `request` for an endpoint whose request takes (or not) video_creation_id. */
export function resultRefIssues(
  request: Record<string, unknown>,
  takesCreationId: boolean,
  mediaPaths: ReadonlyArray<{ path: string; field: string; value: string }>,
): string[] {
  const issues: string[] = [];
  for (const slot of mediaPaths) {
    if (!isResultRef(slot.value)) continue;
    if (!takesCreationId || slot.field !== 'video_url') {
      issues.push(`${slot.path}: vidu-flow: result references are accepted only as video_url of extend and upscale`);
      continue;
    }
    const parsed = parseResultRef(slot.path, slot.value);
    if (typeof parsed === 'string') issues.push(parsed);
    else if (request.video_creation_id !== undefined)
      issues.push(`${slot.path}: send either a vidu-flow: reference or video_creation_id, not both`);
  }
  return issues;
}
