import { z } from 'zod';
import type * as T from '../core/ad-film-types';
import type { FilmCreation as FilmCreationType } from '../core/generation-types';
import { AdFilmEdit } from './ad-film-input';
import { ArchiveResult, CreationRef, TaskStateName } from './generation-result';
import { assertSame, type Same } from './same-type';

// The public outputs of the `adFilm` workflow, as zod schemas: the workflow result, the answers of
// its `status` and `storyboards` queries, and the result of its `requestEdits` update.
// core/ad-film-types.ts stays the source the workflow code compiles against (workflows
// import types only); the `Same<…>` checks at the bottom fail the type check whenever the two
// drift apart. These schemas feed the JSON Schemas in schemas/.

export const EditOutcome = z
  .object({
    edit: AdFilmEdit,
    state: z.enum(['success', 'failed']),
    subTaskIds: z.array(z.string()).describe('The Vidu sub-tasks this edit created, one per submission (oldest first)'),
    credits: z
      .number()
      .describe('Credits Vidu charged for those sub-tasks (failed submissions included), as Vidu reported them'),
    errCode: z.string().optional().describe("Vidu's err_code of the last failed submission"),
    message: z.string().optional().describe('Why the edit failed'),
  })
  .describe('What became of one edit');

export const FilmCreation = CreationRef.extend({
  sourceTaskId: z.string().optional().describe('The Vidu task that produced it (the composition)'),
}).describe('The composed film as Vidu reported it');

export const AdFilmResult = z
  .object({
    workflowId: z.string(),
    taskId: z.string().describe('The ad-one-click Vidu task (the film before edits)'),
    composeTaskId: z.string().describe('The compose Vidu task that produced the film'),
    credits: z.number().describe('Credits Vidu charged for the film, the edits and the composition'),
    videoTaskIds: z.array(z.string()).describe('The storyboard sub-tasks composed, in storyboard order'),
    bgmTaskId: z.string().describe('The BGM sub-task composed'),
    narrationTaskId: z.string().describe('The narration sub-task composed'),
    edits: z
      .array(EditOutcome)
      .describe('Every edit applied, given at start or through requestEdits, in the order they finished'),
    film: z.array(FilmCreation),
    archive: ArchiveResult.optional().describe(
      'The film and one cover per storyboard (a cover that could not be archived is listed in `missing`; the film still succeeds); absent when the input asked for archive: false',
    ),
  })
  .describe('The result of a successful adFilm workflow (a failed one fails with a typed ApplicationFailure instead)');

export const AdFilmPhase = z.enum([
  'staging',
  'waiting_for_slot',
  'submitting',
  'generating',
  'editing',
  'reviewing',
  'composing',
  'archiving',
  'done',
  'failed',
  'cancelled',
]);

export const AdFilmStatus = z
  .object({
    phase: AdFilmPhase.describe(
      "vidu-flow's own progress: stage → submit → generate → edit → (review) → compose → archive",
    ),
    taskId: z.string().optional().describe('The ad-one-click Vidu task, once submitted'),
    state: z
      .union([TaskStateName, z.literal('not_submitted')])
      .describe('The state of the film task, or of the composition once it is submitted'),
    progress: z.number().min(0).max(100).describe("Vidu's progress in percent, of the film task or the composition"),
    credits: z.number().describe('Credits charged so far, over every task of the film'),
    composeTaskId: z.string().optional(),
    editsRunning: z.number().int().nonnegative().describe('Edits submitted and not yet finished'),
    edits: z.array(EditOutcome).describe('Edits finished so far'),
    approved: z.boolean().describe('Review mode: the approve signal arrived'),
    archive: ArchiveResult.optional().describe(
      'Once archived: the files, and in `missing` any storyboard cover that could not be archived',
    ),
    error: z.string().optional().describe('Why the film failed, once phase is failed'),
  })
  .describe('The answer of the `status` query of an adFilm workflow');

export const StoryboardView = z
  .object({
    index: z.number().int().nonnegative().describe('0-based storyboard index, as in a video edit'),
    prompt: z.string().describe('The prompt of the sub-task compose would use now'),
    state: TaskStateName,
    mediaUrl: z.string().describe("That sub-task's footage URL (may expire after about an hour)"),
    subTaskId: z.string(),
    edits: z.number().int().nonnegative().describe('Edits requested for this storyboard so far'),
    lastEdit: z.enum(['running', 'success', 'failed']).optional().describe('The outcome of the last one'),
  })
  .describe('One storyboard of the film');

export const Storyboards = z
  .array(StoryboardView)
  .describe('The answer of the `storyboards` query of an adFilm workflow; empty until the film is generated');

export const RequestEditsResult = z
  .object({ accepted: z.number().int().nonnegative() })
  .describe('The result of the `requestEdits` update');

// Compile-time drift check between these schemas and core/ad-film-types.ts. Mutual
// assignability alone lets an optional field be missing on one side, so the keys are compared too.
assertSame<Same<z.infer<typeof AdFilmEdit>, T.AdFilmEdit>>();
assertSame<Same<z.infer<typeof EditOutcome>, T.EditOutcome>>();
assertSame<Same<z.infer<typeof FilmCreation>, FilmCreationType>>();
assertSame<Same<z.infer<typeof AdFilmResult>, T.AdFilmResult>>();
assertSame<Same<z.infer<typeof AdFilmStatus>, T.AdFilmStatus>>();
assertSame<Same<z.infer<typeof StoryboardView>, T.StoryboardView>>();
assertSame<Same<z.infer<typeof RequestEditsResult>, T.RequestEditsResult>>();
