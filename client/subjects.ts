import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure, type Client, WorkflowFailedError } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { z } from 'zod';
import { SubjectCreateBody, SubjectEditBody, SubjectListParams, RecordedSubjectId } from '../contract/subjects';
import { FailureType } from '../core/failure-types';
import { ViduKind } from '../core/search-attributes';
import type {
  SubjectCreateInput,
  SubjectEditInput,
  SubjectEditResult,
  SubjectPage,
  SubjectReadInput,
  SubjectView,
} from '../core/subject-types';
import type { InputStaging } from '../platform/stores/staging-store';
import { InvalidGenerationInput } from './errors';
import { ownerOfStart, stageLargeDataUri } from './input-staging';
import { limitFor } from '../contract/media-fields';
import { payloadSizeIssues } from './payload-size';
import { startIdempotently } from './idempotent-start';
import { workflowIdIssues } from './workflow-ids';

// The subject library for callers (docs/vidu-api-subjects.md): each call is a short workflow on
// the worker (workflows/subjects/), run under the caller's ViduCaller (the HTTP API passes it), so
// the owner is decided where the Vidu key and the records are. Without ViduCaller the caller is the
// operator (`operator`).

export type { SubjectPage, SubjectView } from '../core/subject-types';

export interface SubjectCallOptions {
  /** The HTTP API's `ViduCaller` (the key's id); absent: the operator. */
  searchAttributes?: SearchAttributePair[];
}

export interface SubjectCreateOptions extends SubjectCallOptions {
  /** Same key ⇒ same create workflow ⇒ one paid subject. Without one, every call creates. */
  idempotencyKey?: string;
}

const issuesOf = (err: z.ZodError): string[] =>
  err.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`);

/** The create's workflow id: `subjectCreate-key-<key>` (hashed when awkward), like every keyed start. */
export function subjectCreateWorkflowId(idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return `subjectCreate-${randomUUID()}`;
  if (/^[\w.:-]{1,120}$/.test(idempotencyKey) && !/^[0-9a-f]{40}$/.test(idempotencyKey))
    return `subjectCreate-key-${idempotencyKey}`;
  return `subjectCreate-key-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;
}

/**
 * How a library call reaches the worker: a workflow per call (temporalRunner). Tests of the HTTP
 * edge pass one that calls the activities directly, to keep Temporal out of a unit test.
 */
export interface SubjectRunner {
  /** Runs `subjectCreate` under `workflowId` (keyed: the id came from an idempotency key). */
  create(workflowId: string, keyed: boolean, input: SubjectCreateInput, opts: SubjectCallOptions): Promise<SubjectView>;
  read(input: SubjectReadInput, opts: SubjectCallOptions): Promise<SubjectPage>;
  edit(input: SubjectEditInput, opts: SubjectCallOptions): Promise<SubjectEditResult>;
}

/** The worker's workflows (workflows/subjects/), under the caller's search attributes. */
export function temporalRunner(temporal: Client, taskQueue: string): SubjectRunner {
  const run = <T>(workflowType: string, input: unknown, opts: SubjectCallOptions): Promise<T> =>
    temporal.workflow.execute(workflowType, {
      taskQueue,
      workflowId: `${workflowType}-${randomUUID()}`,
      args: [input],
      typedSearchAttributes: [{ key: ViduKind, value: workflowType }, ...(opts.searchAttributes ?? [])],
    }) as Promise<T>;
  return {
    async create(workflowId, keyed, input, opts) {
      const handle = await startIdempotently(
        temporal,
        {
          workflowType: 'subjectCreate',
          workflowId,
          keyed,
          taskQueue,
          args: [input],
          summary: `subject · “${input.request.name}”`,
        },
        opts,
      );
      return handle.result() as Promise<SubjectView>;
    },
    read: (input, opts) => run<SubjectPage>('subjectRead', input, opts),
    edit: (input, opts) => run<SubjectEditResult>('subjectEdit', input, opts),
  };
}

export class SubjectLibrary {
  constructor(
    private readonly runner: SubjectRunner,
    private readonly staging: InputStaging,
  ) {}

  /** Creates a subject (5 credits, docs/vidu-api-subjects.md §1.1) owned by the caller. */
  async create(body: unknown, opts: SubjectCreateOptions = {}): Promise<SubjectView> {
    const parsed = SubjectCreateBody.safeParse(body);
    if (!parsed.success) throw new InvalidGenerationInput(issuesOf(parsed.error));
    const workflowId = subjectCreateWorkflowId(opts.idempotencyKey);
    const idIssues = workflowIdIssues(workflowId);
    if (idIssues.length > 0) throw new InvalidGenerationInput(idIssues);
    const owner = ownerOfStart(opts.searchAttributes);
    const request = {
      ...parsed.data,
      ...(await this.stageAll({ images: parsed.data.images, videos: parsed.data.videos }, owner)),
    };
    const sizeIssues = payloadSizeIssues({ request });
    if (sizeIssues.length > 0) throw new InvalidGenerationInput(sizeIssues);
    return answer(this.runner.create(workflowId, Boolean(opts.idempotencyKey), { request }, opts));
  }

  /** The caller's subjects, a page at a time (`nextPageToken` until absent). */
  async list(params: unknown = {}, opts: SubjectCallOptions = {}): Promise<SubjectPage> {
    const parsed = SubjectListParams.safeParse(params);
    if (!parsed.success) throw new InvalidGenerationInput(issuesOf(parsed.error));
    return answer(this.runner.read(parsed.data, opts));
  }

  /** One of the caller's subjects; undefined for an unknown id and for another owner's alike. */
  async get(id: string, opts: SubjectCallOptions = {}): Promise<SubjectView | undefined> {
    if (!RecordedSubjectId.safeParse(id).success) return undefined;
    const page = await answer(this.runner.read({ ids: [id] }, opts));
    return page.subjects[0];
  }

  /** Edits one of the caller's subjects (free); undefined when it is not one (unknown or another owner's). */
  async update(id: string, body: unknown, opts: SubjectCallOptions = {}): Promise<SubjectView | undefined> {
    const parsed = SubjectEditBody.safeParse(body);
    if (!parsed.success) throw new InvalidGenerationInput(issuesOf(parsed.error));
    if (!RecordedSubjectId.safeParse(id).success) return undefined;
    const owner = ownerOfStart(opts.searchAttributes);
    const changes = {
      ...parsed.data,
      ...(await this.stageAll({ images: parsed.data.images, videos: parsed.data.videos }, owner)),
    };
    const sizeIssues = payloadSizeIssues({ request: changes });
    if (sizeIssues.length > 0) throw new InvalidGenerationInput(sizeIssues);
    const result = await answer(this.runner.edit({ id, changes }, opts));
    return result.found ? result.subject : undefined;
  }

  /**
   * Large data: URIs go to the staging store under the caller, checked as a generation's inputs
   * are (client/input-staging.ts): the limits are reference2video's for a subject's images and
   * videos, the fields a stored subject is used in. A value that is not that kind of media is
   * refused, naming it, and nothing is stored.
   */
  private async stageAll(
    media: { images?: string[] | undefined; videos?: string[] | undefined },
    owner: string,
  ): Promise<{ images?: string[]; videos?: string[] }> {
    const issues: string[] = [];
    const staged: { images?: string[]; videos?: string[] } = {};
    for (const field of ['images', 'videos'] as const) {
      const values = media[field];
      if (values === undefined) continue;
      const limit = limitFor('reference2video', `subjects.${field}`);
      const results = await Promise.all(values.map((v) => stageLargeDataUri(v, limit, this.staging, owner)));
      staged[field] = results.map((r, i) => {
        if ('problem' in r) issues.push(`${field}[${i}]: ${r.problem}`);
        return 'value' in r ? r.value : values[i]!;
      });
    }
    if (issues.length > 0) throw new InvalidGenerationInput(issues);
    return staged;
  }
}

/** A refused input comes back as InvalidGenerationInput with its issues; anything else as it is. */
async function answer<T>(result: Promise<T>): Promise<T> {
  try {
    return await result;
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    const app = cause instanceof ApplicationFailure ? cause : cause?.cause;
    if (app instanceof ApplicationFailure && app.type === FailureType.InvalidRequest) {
      const details = app.details?.[0] as { issues?: string[] } | undefined;
      throw new InvalidGenerationInput(details?.issues ?? [app.message]);
    }
    throw err;
  }
}
