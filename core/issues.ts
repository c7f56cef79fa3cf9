// Structured issues: what a typed rejection (InvalidRequest, InvalidEdits, NotReadyForReview)
// carries in its details, so a caller in any language branches on `field` and `rule` instead of
// parsing a message. The checks themselves write one line per problem, `<field>: <message>`
// (vidu/schemas/format.ts, activities/stage.ts, workflows/ad-film/edit-problems.ts); those lines
// stay in `issues` for callers written before this, and `problems` holds the same issues
// structured, in the same order. Pure code: the workflows import it.

/**
 * The small, stable vocabulary of `rule`. Most checks are zod schemas; the names follow zod's issue
 * codes (invalid_type → `type`, invalid_value/enum → `enum`, too_small/too_big → `range` for
 * numbers and `limit` for sizes and counts, invalid_format → `format`, unrecognized_keys →
 * `unknown-field`), plus the rules zod does not have.
 *
 * The rule is read from the check's message (ruleOf), not from the zod issue's code: most of
 * Vidu's rules are refinements (code `custom`: "viduq2 at 7 s offers 540p, 720p, 1080p"), whose code
 * says nothing, while zod's own messages name their code's family ("Too small: expected number…",
 * "Invalid option…"); and the lines reach the failure as strings through the stage activity.
 * test/unit/core-issues.test.ts pins one real message per rule.
 */
export const ISSUE_RULES = [
  /** A field that must be present is missing or empty. */
  'required',
  /** The value has the wrong type (a string where a number belongs…). */
  'type',
  /** The value is not one of the accepted values (a model, a resolution, an edit type…). */
  'enum',
  /** The value has the wrong form (a URL, a data URI, an id, a media format…). */
  'format',
  /** A number outside its documented range (duration, seed, timeouts…). */
  'range',
  /** A size, length or count over or under a documented limit (prompt length, image count, bytes, pixels, aspect ratio). */
  'limit',
  /** A field the request does not take, or that vidu-flow sets itself. */
  'unknown-field',
  /** The thing named does not exist (a storyboard index, an archived result, a file). */
  'not-found',
  /** Refused by policy: a private address, a path outside the input roots, a reference that is not the caller's. */
  'refused',
  /** Not possible in the workflow's current state (not in review yet, already approved). */
  'state',
  /** Any other rule. */
  'invalid',
] as const;

export type IssueRule = (typeof ISSUE_RULES)[number];

export interface Issue {
  /** The field's path in the input, e.g. `request.images[0]` is written `images[0]`; `edits[1].storyboard`. */
  field: string;
  rule: IssueRule;
  message: string;
}

/** The details (details[0]) of InvalidRequest, InvalidEdits and NotReadyForReview. */
export interface IssueDetails {
  /** One `<field>: <message>` line per problem (kept for compatibility). */
  issues: string[];
  /** The same problems, structured, in the same order. */
  problems: Issue[];
}

// First match wins. Written against the messages the checks produce (vidu/schemas, the media
// checks, the edit checks); test/unit/core-issues.test.ts holds one example of each.
const RULE_PATTERNS: ReadonlyArray<[IssueRule, RegExp]> = [
  // zod's own wording: "Too small: expected number to be >=1", "Too big: expected string to have <=2000 characters".
  ['range', /^Too (small|big): expected (number|int|bigint|date)\b/i],
  ['limit', /^Too (small|big): expected (string|array|set|map|file)\b/i],
  ['unknown-field', /unknown (input )?field|is set by vidu-flow|unrecognized key/i],
  ['required', /\bis required\b|\bmust be a non-empty\b|\bgive at least one\b|\bmissing\b|received undefined/i],
  [
    'refused',
    /\bnot allowed\b|\brefused\b|\bprivate\b|\bloopback\b|outside (the )?(worker'?s )?input roots|VIDU_FLOW_INPUT_ROOTS|only (the )?(caller|owner)/i,
  ],
  [
    'not-found',
    /does not exist|not found|no such|unknown (result|workflow|storyboard|reference)|the film has \d+ storyboard/i,
  ],
  ['state', /not (in review|ready)|already approved|review mode/i],
  [
    'limit',
    /at most|at least|characters|\bexactly\b|\bMB\b|\bbytes\b|\bpixels?\b|aspect ratio|too (long|short|large|small|many|few)|over Vidu|(image|frame|item)s? \(got/i,
  ],
  ['range', /Too (small|big)|between|>=|<=|\bmust be (a whole number )?[≥≤<>]/i],
  ['enum', /one of|Invalid option|offers|expected .*\||\bexpected [\w ,]+ or \w+/i],
  [
    'type',
    /must be an? (object|string|number|integer|array|boolean|list)|expected (number|string|object|array|boolean)|must be an integer|Invalid input: expected/i,
  ],
  ['format', /format|not a readable|URL|URI|invalid (id|date|time)|must match|must start with/i],
];

/** The rule a check's message states (see RULE_PATTERNS); `invalid` when none matches. */
export function ruleOf(message: string): IssueRule {
  for (const [rule, pattern] of RULE_PATTERNS) if (pattern.test(message)) return rule;
  return 'invalid';
}

/** One `<field>: <message>` line as an issue; a line without a field is about `fallbackField`. */
export function issueFromLine(line: string, fallbackField = 'request', rule?: IssueRule): Issue {
  const at = line.indexOf(': ');
  const field = at > 0 ? line.slice(0, at) : fallbackField;
  const message = at > 0 ? line.slice(at + 2) : line;
  return { field: field === '(request)' ? 'request' : field, rule: rule ?? ruleOf(message), message };
}

/** The details of a typed rejection from the checks' lines (or already structured issues). */
export function issueDetails(lines: ReadonlyArray<string | Issue>, fallbackField = 'request'): IssueDetails {
  const problems = lines.map((l) => (typeof l === 'string' ? issueFromLine(l, fallbackField) : l));
  return {
    issues: lines.map((l, i) => (typeof l === 'string' ? l : `${problems[i]!.field}: ${problems[i]!.message}`)),
    problems,
  };
}
