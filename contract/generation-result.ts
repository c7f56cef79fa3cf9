import { z } from 'zod';
import type * as T from '../core/generation-types';
import { GENERATION_KINDS } from './generation-input';
import { assertSame, type Same } from './same-type';

// The public outputs of the generation workflows, as zod schemas: the workflow result and the
// `status` query's answer. core/generation-types.ts stays the source the workflow code compiles against
// (workflows import types only); the `Same<…>` checks at the bottom fail the type check whenever
// the two drift apart. These schemas feed the JSON Schemas in schemas/.

export const GenerationKind = z.enum(GENERATION_KINDS).describe('The workflow type');

export const TaskStateName = z
  .enum(['created', 'queueing', 'scheduled', 'processing', 'success', 'failed'])
  .describe("The Vidu task's state");

export const CreationRef = z
  .object({
    id: z.string().describe('Vidu creation id'),
    url: z.string().describe("Vidu's result URL (may expire after about an hour; the archive keeps the bytes)"),
    coverUrl: z.string().describe("Vidu's cover image URL, or empty"),
    watermarkedUrl: z
      .string()
      .optional()
      .describe("Vidu's watermarked copy, when the request asked for a watermark (archived beside the creation)"),
  })
  .describe('One creation of the task as Vidu reported it');

export const ArchivedFile = z
  .object({
    name: z.string().describe('File name inside the archive folder of this workflow'),
    role: z
      .enum(['video', 'image', 'audio', 'cover', 'watermarked'])
      .describe('watermarked: the copy Vidu marked, when the request asked for a watermark'),
    creationId: z.string().describe('The Vidu creation the file came from'),
    sha256: z.string().describe('Hex SHA-256 of the bytes'),
    bytes: z.number().int().nonnegative(),
    contentType: z.string(),
    location: z.string().describe('Where the file is stored, e.g. file:///… or s3://bucket/key'),
  })
  .describe('One archived file');

export const MissingExtra = z
  .object({
    creationId: z.string().describe('The Vidu creation whose extra is missing'),
    role: z
      .enum(['cover', 'watermarked'])
      .describe('Which extra: the cover image (for an AD film, a storyboard cover), or the watermarked copy'),
    reason: z.string().describe('Why it could not be archived (HTTP status, idle timeout, size cap…)'),
  })
  .describe('An optional extra that could not be archived; the paid result itself was');

export const ArchiveResult = z
  .object({
    root: z.string().describe('The archive folder of this workflow: <archive root>/<workflowId>'),
    manifest: z.string().describe('Location of manifest.json, which lists every file'),
    files: z.array(ArchivedFile),
    missing: z
      .array(MissingExtra)
      .optional()
      .describe(
        'Optional extras (covers) that could not be archived, with their reason; absent when none is missing. The workflow still succeeds.',
      ),
  })
  .describe('What the archive activity stored');

export const CancellationOutcome = z
  .object({
    outcome: z.enum(['cancelled', 'refused', 'not-submitted', 'already-finished']),
    message: z.string(),
  })
  .describe('What happened when the generation was cancelled (by a caller or by the timeout)');

export const TaskAttempt = z
  .object({
    taskId: z.string().describe('Vidu task id'),
    model: z.string().describe('The model the task was submitted with'),
    seed: z.number().int().optional().describe('The seed sent; absent when the request sent none'),
    errCode: z.string().describe("Vidu's err_code; empty for the attempt that succeeded"),
    credits: z.number().describe('Credits charged for this task, net of refunds'),
  })
  .describe('One Vidu task of a generation with options.onTaskFailure (README, "Retry policy")');

const Attempts = z
  .array(TaskAttempt)
  .optional()
  .describe('Present when options.onTaskFailure was given: every task submitted, in order');

const GenerationResultBase = z.object({
  kind: GenerationKind,
  workflowId: z.string(),
  taskId: z.string().describe('Vidu task id'),
  state: z.literal('success'),
  credits: z
    .number()
    .describe(
      'Credits Vidu charged for the task, net of refunds (the ViduCredits search attribute holds the same number)',
    ),
  estimatedCredits: z
    .number()
    .optional()
    .describe(
      'Credits estimated before submission from the price table (docs/vidu-pricing.md, VIDU_FLOW_PRICES_FILE); absent when the request could not be priced',
    ),
  estimateUnpriced: z.string().optional().describe('Why no estimate could be given, when none was'),
  creations: z.array(CreationRef),
  archive: ArchiveResult.optional().describe('Absent when the input asked for archive: false'),
  cancellation: CancellationOutcome.optional().describe(
    'Present when a cancel was asked but Vidu refused it; the task finished anyway',
  ),
  attempts: Attempts,
  voice: z
    .object({
      voiceId: z.string().describe('How its owner names the voice in later requests: clone:<voice_id>'),
      viduVoiceId: z
        .string()
        .describe("The id Vidu knows it by: vf-<12 hex of the owner>-<voice_id> (each owner's voices are its own)"),
    })
    .optional()
    .describe('audioClone only: the voice made; its preview (the text spoken in it) is the archived audio'),
});

export const GenerationResult = GenerationResultBase.extend({
  upscale: GenerationResultBase.optional().describe(
    'Present when options.upscale asked for it: the result of the child upscale workflow (id <workflowId>~upscale, archived beside this one)',
  ),
  upscaleMissing: z
    .string()
    .optional()
    .describe(
      'Present when options.upscale asked for it and the child could not be started (its ids were taken by workflows this generation did not start): why the upscale is missing; the generation itself succeeded',
    ),
}).describe(
  'The result of a successful generation workflow (a failed one fails with a typed ApplicationFailure instead)',
);

export const GenerationPhase = z.enum([
  'deferred',
  'staging',
  'waiting_for_slot',
  'waiting_for_credits',
  'submitting',
  'waiting',
  'archiving',
  'upscaling',
  'cancelling',
  'done',
  'failed',
  'cancelled',
  'waiting_for_budget',
]);

export const GenerationStatus = z
  .object({
    kind: GenerationKind,
    phase: GenerationPhase.describe(
      "vidu-flow's own progress through stage → submit → await → archive; deferred before a delayed start (startDelay) begins",
    ),
    state: z
      .union([TaskStateName, z.literal('not_submitted')])
      .describe("The Vidu task's state, or not_submitted before the submit"),
    progress: z.number().min(0).max(100).describe("Vidu's progress in percent"),
    taskId: z.string().optional(),
    credits: z
      .number()
      .optional()
      .describe(
        'Credits charged for the task, net of refunds: the same number as the ViduCredits search attribute and the credits metric',
      ),
    creditsRefunded: z
      .number()
      .optional()
      .describe(
        'Credits Vidu gave back (a cancelled task, an off-peak task Vidu could not run); absent when nothing was refunded',
      ),
    estimatedCredits: z
      .number()
      .optional()
      .describe(
        'Credits estimated before submission (set once the inputs are staged); absent when the request could not be priced',
      ),
    estimateUnpriced: z.string().optional().describe('Why no estimate could be given, when none was'),
    budgetHold: z
      .object({
        budget: z.string(),
        period: z.enum(['day', 'month']),
        periodKey: z.string(),
        limitCredits: z.number(),
        reserved: z.number(),
        charged: z.number(),
        requested: z.number(),
        periodEndsAt: z.string(),
      })
      .optional()
      .describe(
        'Phase waiting_for_budget: the budget (VIDU_FLOW_BUDGETS_FILE) the estimate does not fit, with its figures; tried again when credits settle back or at periodEndsAt',
      ),
    attempts: Attempts,
    notBefore: z
      .string()
      .optional()
      .describe(
        'Phase deferred only: when the start delay ends (ISO 8601). Read from describe (execution time) by the client, since the query cannot answer before the first workflow task',
      ),
    failureType: z
      .string()
      .optional()
      .describe('Once phase is failed: the failure type (InvalidRequest, ViduTaskFailed…; see failures.schema.json)'),
    errCode: z.string().optional().describe("Vidu's err_code when the task failed"),
    waitMode: z.enum(['callback', 'poll']).optional().describe('How the workflow learns about the task'),
    updates: z.number().int().nonnegative().describe('taskUpdate signals received so far'),
    ignoredUpdates: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe(
        'taskUpdate signals ignored: for a task this workflow does not know, or breaking the rules of the update',
      ),
    replayedNonces: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('taskUpdate signals whose callback nonce was already seen (replays)'),
    unknownStates: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Task states Vidu sent that this contract does not know; read as not finished'),
    lastUnknownState: z.string().optional().describe('The last such state'),
    confirmations: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Get Generation calls made to confirm a terminal state a callback announced'),
    archive: ArchiveResult.optional(),
    cancellation: CancellationOutcome.optional(),
    error: z.string().optional().describe('Why the generation failed, once phase is failed'),
  })
  .describe('The answer of the `status` query');

export type GenerationResultSchema = z.infer<typeof GenerationResult>;
export type GenerationStatusSchema = z.infer<typeof GenerationStatus>;

// Compile-time drift check between these schemas and core/generation-types.ts.
assertSame<Same<z.infer<typeof GenerationKind>, T.GenerationKind>>();
assertSame<Same<z.infer<typeof TaskStateName>, T.TaskStateName>>();
assertSame<Same<z.infer<typeof CreationRef>, T.CreationRef>>();
assertSame<Same<z.infer<typeof ArchivedFile>, T.ArchivedFile>>();
assertSame<Same<z.infer<typeof MissingExtra>, T.MissingExtra>>();
assertSame<Same<z.infer<typeof ArchiveResult>, T.ArchiveResult>>();
assertSame<Same<z.infer<typeof CancellationOutcome>, T.CancellationOutcome>>();
assertSame<Same<z.infer<typeof TaskAttempt>, T.TaskAttempt>>();
assertSame<Same<z.infer<typeof GenerationResult>, T.GenerationResult>>();
assertSame<Same<z.infer<typeof GenerationStatus>, T.GenerationStatus>>();
