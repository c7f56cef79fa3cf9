// The two rules for workflow ids. A workflow id becomes a folder of the archive
// (`<archive root>/<workflowId>/…`) and a prefix of object keys, so every id must be a plain,
// path-safe name: `x/../victim` must never reach another workflow's folder.
//
// - Caller ids: what a caller may choose (client, CLI, HTTP API, and any Temporal SDK starting a
//   workflow without a parent). Today's shape, at most 200 characters, and never a `~`.
// - Derived ids: what vidu-flow derives for its own children from a caller's id, always with `~`
//   as the separator (`<parent>~upscale`, `<parent>~webhook-<type>[-<seq>]`,
//   `<film>~edit-<n>-<type>[-<storyboard>]`, batch lines `<batch>~<line>`), at most 255. Since no
//   caller id contains `~`, no id a caller can start through vidu-flow ever equals a derived one
//   (issue 16 item 2). Schedule runs (`<scheduleId>-<ISO time>`) are Temporal's own form and meet
//   the derived rule too.
//
// The client and the CLI check the caller rule before starting anything; the workflows check their
// own id in their first step (issue 22 item 1); the activities, receiver and API that turn ids into
// paths, refs or lookups check the derived rule (the widest one any workflow of ours can carry).
//
// Imported by client/, activities/, api/, receiver/ and workflows/: plain TypeScript, no Node APIs.

/** Longest id a caller may choose. */
export const WORKFLOW_ID_MAX = 200;

/**
 * Longest derived id. Ids vidu-flow derives from a caller's id add a suffix of at most 55
 * characters: batch children `<batchId>~<line>`, schedule runs `<scheduleId>-<ISO time>`, AD-film
 * edits `<filmId>~edit-<n>-<type>-<storyboard>`, a follow-up upscale `<workflowId>~upscale`, plus
 * `-<n>` when a child's id was found taken. 255 is the usual limit of one file name.
 */
export const DERIVED_WORKFLOW_ID_MAX = 255;

/** The separator of derived ids; a caller id never contains it. */
export const DERIVED_ID_SEPARATOR = '~';

export type WorkflowIdRule = 'caller' | 'derived';

/** Letters, digits and `. _ : = -`, starting with a letter or a digit (so never `.`, `..` or a dot file). */
const CALLER_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:=-]*$/;
/** The same, plus `~` (the separator of derived ids). */
const DERIVED_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:=~-]*$/;

const ruleText = (rule: WorkflowIdRule): string =>
  rule === 'caller'
    ? `a caller-chosen workflow id: 1–${WORKFLOW_ID_MAX} characters of letters, digits and . _ : = -, starting with a letter or a digit (no ~, which is reserved for ids vidu-flow derives for its children; no /, \\, spaces or other characters)`
    : `a workflow id: 1–${DERIVED_WORKFLOW_ID_MAX} characters of letters, digits and . _ : = - ~, starting with a letter or a digit (no /, \\, spaces or other characters)`;

/** The caller rule in words, for error messages and docs. */
export const WORKFLOW_ID_RULE = ruleText('caller');
/** The derived rule in words. */
export const DERIVED_WORKFLOW_ID_RULE = ruleText('derived');

/**
 * Why `id` is not an acceptable workflow id under `rule`, or undefined when it is. The caller rule
 * is the default. (A number is accepted for compatibility with the earlier `max` parameter: above
 * WORKFLOW_ID_MAX it means the derived rule.)
 */
export function workflowIdProblem(id: unknown, rule: WorkflowIdRule | number = 'caller'): string | undefined {
  const r: WorkflowIdRule = typeof rule === 'number' ? (rule > WORKFLOW_ID_MAX ? 'derived' : 'caller') : rule;
  const max = r === 'caller' ? WORKFLOW_ID_MAX : DERIVED_WORKFLOW_ID_MAX;
  const shape = r === 'caller' ? CALLER_SHAPE : DERIVED_SHAPE;
  if (typeof id !== 'string') return `must be a string: ${ruleText(r)}`;
  if (id.length === 0) return `must not be empty; it must be ${ruleText(r)}`;
  if (id.length > max) return `is ${id.length} characters long; it must be ${ruleText(r)}`;
  if (!shape.test(id)) return `${JSON.stringify(shorten(id))} must be ${ruleText(r)}`;
  return undefined;
}

/** Why `id` is not a caller-chosen id (no `~`, at most 200), or undefined. */
export function callerWorkflowIdProblem(id: unknown): string | undefined {
  return workflowIdProblem(id, 'caller');
}

/** Why `id` is not an id any workflow of vidu-flow can carry (derived ids included), or undefined. */
export function derivedWorkflowIdProblem(id: unknown): string | undefined {
  return workflowIdProblem(id, 'derived');
}

/** One issue line (`<field>: …`) when `id` breaks the rule, none when it is fine. */
export function workflowIdIssues(
  id: unknown,
  field = 'workflowId',
  rule: WorkflowIdRule | number = 'caller',
): string[] {
  const problem = workflowIdProblem(id, rule);
  return problem ? [`${field}: ${problem}`] : [];
}

/**
 * The id of a child vidu-flow derives from its parent's: `<parent>~<suffix>`, and on the n-th
 * attempt (n ≥ 2, when an earlier id was found taken by a workflow that is not ours)
 * `<parent>~<suffix>-<n>`. Deterministic, so workflow code can call it.
 */
export function derivedWorkflowId(parent: string, suffix: string, attempt = 1): string {
  return withAttempt(`${parent}${DERIVED_ID_SEPARATOR}${suffix}`, attempt);
}

/** `id` on its n-th attempt: itself first, then `<id>-2`, `<id>-3`… (a fresh id after a taken one). */
export function withAttempt(id: string, attempt: number): string {
  return attempt > 1 ? `${id}-${attempt}` : id;
}

function shorten(id: string): string {
  return id.length > 80 ? `${id.slice(0, 77)}…` : id;
}
