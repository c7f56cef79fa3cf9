import { z } from 'zod';
import { FailureType, type FailureTypeName } from '../core/failure-types';
import { ISSUE_RULES } from '../core/issues';
import type * as I from '../core/issues';
import { AdFilmEdit } from './ad-film-input';
import { CancellationOutcome, TaskAttempt, TaskStateName } from './generation-result';
import { assertSame, type Same } from './same-type';

// The details (details[0]) of every failure type of the catalogue (core/failure-types.ts), declared
// once as zod schemas: dev/gen-schemas.ts turns them into schemas/failures.schema.json, and
// test/workflow/one-truth.test.ts validates the failures real workflows throw against it. The
// `satisfies` below fails the type check when a type of the catalogue has no schema here.

export const Issue = z
  .object({
    field: z
      .string()
      .describe('The field, as a path into the input: images[0], options.timeoutSeconds, edits[1].storyboard'),
    rule: z.enum(ISSUE_RULES).describe('Which rule it broke, from a small stable vocabulary (core/issues.ts)'),
    message: z
      .string()
      .describe('For people: the rule and the value, e.g. "must be at most 2000 characters (got 2100)"'),
  })
  .describe('One structured problem');

/** InvalidRequest, InvalidEdits, NotReadyForReview: the lines (compatibility) and the same problems structured. */
const IssueDetailsShape = {
  issues: z
    .array(z.string())
    .describe('One "<field>: <message>" line per problem (kept for callers written before problems existed)'),
  problems: z.array(Issue).describe('The same problems, structured, in the same order'),
};

export const FailureDetails = {
  [FailureType.InvalidRequest]: z
    .object(IssueDetailsShape)
    .describe('The input broke a documented rule; nothing was sent to Vidu'),
  [FailureType.ViduRejected]: z
    .object({
      status: z.number().int().describe('HTTP status Vidu answered'),
      reason: z.string().describe("Vidu's error reason, e.g. CreditInsufficient"),
      message: z.string(),
      traceId: z.string().optional(),
    })
    .describe('Vidu refused the request permanently'),
  [FailureType.ViduTaskFailed]: z
    .object({
      taskId: z.string(),
      errCode: z.string().describe("Vidu's err_code ('' when none)"),
      credits: z.number().describe('Credits charged for the task, net of any refund'),
      creditsRefunded: z.number().optional().describe('Credits Vidu gave back (present when it refunded)'),
      attempts: z
        .array(TaskAttempt)
        .optional()
        .describe('options.onTaskFailure given: every task submitted, in order (credits is then their total)'),
      refusedInput: z
        .string()
        .optional()
        .describe("The input Vidu's err_code says it refused (docs/vidu-api.md §9.1), when it says which"),
    })
    .describe('The Vidu task ended failed'),
  [FailureType.ViduTimeout]: z
    .object({
      taskId: z.string(),
      state: z
        .union([TaskStateName, z.literal('not_submitted')])
        .optional()
        .describe("The task's last known state"),
      cancellation: CancellationOutcome.optional(),
    })
    .describe('Not finished within timeoutSeconds; cancelled at Vidu when allowed'),
  [FailureType.OffPeakExpired]: z
    .object({ taskId: z.string(), state: TaskStateName.optional(), cancellation: CancellationOutcome })
    .describe('An off-peak task still not finished after 48 h + grace; vidu-flow cancelled it'),
  [FailureType.OffPeakRefunded]: z
    .object({
      taskId: z.string(),
      errCode: z.string(),
      refunded: z.literal(true),
      credits: z.number().describe('Credits charged, net: 0 once refunded'),
      creditsRefunded: z.number().optional().describe('Credits Vidu gave back, when vidu-flow saw them charged first'),
    })
    .describe('Vidu cancelled an off-peak task it could not run within its window and refunded it'),
  [FailureType.SubmissionAmbiguous]: z
    .object({
      candidates: z.array(z.string()).optional().describe('Vidu task ids that matched'),
      scanned: z.number().optional().describe('Tasks looked at when the list could not be read to the end'),
    })
    .describe('After an interrupted submission, Vidu tasks matched ambiguously; not resubmitted'),
  [FailureType.WorkerMisconfigured]: z
    .object({})
    .passthrough()
    .describe('The worker lacks the configuration the input asks for; no details are promised'),
  [FailureType.AdEditFailed]: z
    .union([
      z.object({
        edit: AdFilmEdit,
        state: z.literal('failed').optional(),
        subTaskIds: z.array(z.string()),
        credits: z.number().optional(),
        errCode: z.string().optional(),
        message: z.string().optional(),
      }),
      z.object({
        missing: z.array(z.string()).describe('Storyboards, narration or BGM without a successful sub-task'),
      }),
    ])
    .describe('An AD-film edit kept failing, or something to compose has no successful sub-task'),
  [FailureType.ReviewTimedOut]: z
    .object({ mainTaskId: z.string().optional() })
    .describe('No approval within reviewTimeoutSeconds; nothing composed'),
  [FailureType.NotReadyForReview]: z
    .object({
      reason: z
        .enum(['not-review-mode', 'not-generated', 'approved'])
        .describe('not-generated: try again once phase is reviewing; the others are final'),
      ...IssueDetailsShape,
    })
    .describe('requestEdits refused because of the film’s state (rule "state")'),
  [FailureType.InvalidEdits]: z
    .object(IssueDetailsShape)
    .describe('requestEdits refused because of the edits; nothing entered history'),
  [FailureType.BudgetExceeded]: z
    .object({
      budget: z.string().describe('The name of the budget (VIDU_FLOW_BUDGETS_FILE) the estimate would overrun'),
      period: z.enum(['day', 'month']),
      periodKey: z.string().describe('The UTC period counted: 2026-12-07 (day) or 2026-12 (month)'),
      limitCredits: z.number().int(),
      reserved: z.number().describe('Credits held by generations not yet finished, in this period'),
      charged: z.number().describe('Credits charged by finished generations, in this period'),
      requested: z.number().describe("This generation's estimate"),
      periodEndsAt: z.string().describe('When the period ends (ISO 8601, UTC)'),
    })
    .describe("The generation's estimate does not fit a budget; nothing was sent to Vidu"),
} satisfies Record<FailureTypeName, z.ZodType>;

/** The schema of details[0] of a failure of this type, or undefined for a type outside the catalogue. */
export function failureDetailsSchema(type: string): z.ZodType | undefined {
  return Object.hasOwn(FailureDetails, type) ? FailureDetails[type as FailureTypeName] : undefined;
}

// Compile-time drift check between the zod Issue and core/issues.ts.
assertSame<Same<z.infer<typeof Issue>, I.Issue>>();
