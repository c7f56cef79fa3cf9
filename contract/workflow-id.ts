// The one rule for workflow ids. A workflow id becomes a folder of the archive
// (`<archive root>/<workflowId>/…`) and a prefix of object keys, so a caller-chosen id must be a
// plain, path-safe name: `x/../victim` must never reach another workflow's folder. The client and
// the CLI check it before starting anything; the activities that turn ids into paths check it
// again (a workflow can also be started by someone else's Temporal client).
//
// Imported by client/, activities/ and (types only) workflows/: plain TypeScript, no Node APIs.

/** Longest id a caller may choose. */
export const WORKFLOW_ID_MAX = 200;

/**
 * Longest id the activities accept. Ids vidu-flow derives from a caller's id add a suffix of at
 * most 55 characters: batch children `<batchId>--<line>`, schedule runs `<scheduleId>-<ISO time>`,
 * AD-film edits `<filmId>--edit-<n>-<type>-<storyboard>`, a follow-up upscale `<workflowId>.upscale`. 255 is the usual limit of one file name.
 */
export const DERIVED_WORKFLOW_ID_MAX = 255;

/** Letters, digits and `. _ : = -`, starting with a letter or a digit (so never `.`, `..` or a dot file). */
const SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:=-]*$/;

const rule = (max: number): string => `1–${max} characters of letters, digits and . _ : = -, starting with a letter or a digit (no /, \\, spaces or other characters)`;

/** The rule in words, for error messages and docs. */
export const WORKFLOW_ID_RULE = rule(WORKFLOW_ID_MAX);

/**
 * Why `id` is not an acceptable workflow id, or undefined when it is. `max` is the caller's limit
 * by default; activities pass DERIVED_WORKFLOW_ID_MAX.
 */
export function workflowIdProblem(id: unknown, max: number = WORKFLOW_ID_MAX): string | undefined {
  if (typeof id !== 'string') return `must be a string of ${rule(max)}`;
  if (id.length === 0) return `must not be empty; use ${rule(max)}`;
  if (id.length > max) return `is ${id.length} characters long; it must be ${rule(max)}`;
  if (!SHAPE.test(id)) return `${JSON.stringify(shorten(id))} must be ${rule(max)}`;
  return undefined;
}

/** One issue line (`<field>: …`) when `id` breaks the rule, none when it is fine. */
export function workflowIdIssues(id: unknown, field = 'workflowId', max: number = WORKFLOW_ID_MAX): string[] {
  const problem = workflowIdProblem(id, max);
  return problem ? [`${field}: ${problem}`] : [];
}

function shorten(id: string): string {
  return id.length > 80 ? `${id.slice(0, 77)}…` : id;
}
