import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import type { ViduClient } from '../vidu/client';
import type { ViduSubject } from '../vidu/schemas';
import { MAX_SUBJECT_PAGE } from '../vidu/schemas';
import { RecordedSubjectId, subjectMarker, withoutMarker } from '../contract/subjects';
import { ownsStagedRef } from '../contract/staged-ref';
import type {
  SubjectCreateInput,
  SubjectEditInput,
  SubjectEditResult,
  SubjectPage,
  SubjectReadInput,
  SubjectView,
} from '../core/subject-types';
import type { ArchiveStore } from '../platform/stores/archive-store';
import type { StagingStore } from '../platform/stores/staging-store';
import { invalidRequest, toApplicationFailure } from './failures';
import { resolveStagedRefs } from './staged-refs';
import { currentOwnership, type WorkflowOwnership } from './workflow-owner';

// The subject library on the worker (docs/vidu-api-subjects.md §2): the owner of every subject
// vidu-flow creates is recorded in the archive store, one small JSON per subject under its owner,
// and every read, edit and use is checked against that record. A subject of another owner, and an
// id no record names, give the same answer.

export interface SubjectDeps {
  vidu: ViduClient;
  archive: ArchiveStore;
  staging: StagingStore;
  /** Who owns the running workflow; default: described through the activity's client. */
  ownership?: () => Promise<WorkflowOwnership>;
  /** The create's attempt number; default: the activity's. Tests pass their own. */
  attempt?: () => number;
  /** The running workflow's id; default: the activity's. Tests pass their own. */
  workflowId?: () => string | undefined;
}

/** What is recorded per subject: enough to prove ownership and to show the name without the marker. */
export interface SubjectRecord {
  id: string;
  owner: string;
  name: string;
  /** The create's workflow (its id is the caller's idempotency key). */
  workflowId: string;
  createdAt: string;
  credits: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `subjects/<owner>/<id>.json`; undefined for an id that is not one vidu-flow could have recorded. */
export function subjectRecordKey(owner: string, id: string): string | undefined {
  return RecordedSubjectId.safeParse(id).success ? `subjects/${owner}/${id}.json` : undefined;
}

const requestRecordKey = (workflowId: string): string => `subjects/requests/${sha256(workflowId)}.json`;

/** The owner's record of a subject, or undefined: unknown and another owner's are the same answer. */
export async function subjectRecordOf(
  archive: ArchiveStore,
  owner: string,
  id: string,
): Promise<SubjectRecord | undefined> {
  const key = subjectRecordKey(owner, id);
  return key === undefined ? undefined : archive.readJson<SubjectRecord>(key);
}

/**
 * The issues of a reference2video request's stored subjects for `owner`: each `server_id` must be
 * one of the owner's recorded subjects (the stage activity calls this before anything is paid).
 */
export async function serverIdIssues(
  archive: ArchiveStore | undefined,
  owner: string,
  request: Record<string, unknown>,
): Promise<string[]> {
  const subjects = Array.isArray(request.subjects) ? (request.subjects as Array<Record<string, unknown>>) : [];
  const issues: string[] = [];
  for (const [i, s] of subjects.entries()) {
    const id = s?.server_id;
    if (id === undefined) continue;
    const found = typeof id === 'string' && archive ? await subjectRecordOf(archive, owner, id) : undefined;
    if (!found) {
      issues.push(
        `subjects[${i}].server_id: no subject ${JSON.stringify(id)} of yours; create one first (vidu-flow subjects create, POST /v1/subjects)`,
      );
    }
  }
  return issues;
}

function viewOf(s: ViduSubject, owner: string, credits?: number): SubjectView {
  return {
    id: s.id,
    name: withoutMarker(s.name),
    images: s.images,
    videos: s.videos,
    voiceId: s.voice_id,
    style: s.style,
    description: s.description,
    owner,
    ...(credits !== undefined ? { credits } : {}),
  };
}

export function makeSubjectActivities(deps: SubjectDeps) {
  const ownership = deps.ownership ?? currentOwnership;
  const attempt = deps.attempt ?? (() => Context.current().info.attempt);
  const currentWorkflowId = deps.workflowId ?? (() => Context.current().info.workflowExecution?.workflowId);

  /** The owner's staged files become data URIs; another owner's `staged:` reference is refused. */
  async function resolveMedia(
    owner: string,
    field: string,
    values: string[] | undefined,
  ): Promise<string[] | undefined> {
    if (values === undefined) return undefined;
    const refused = values.flatMap((v, i) =>
      v.startsWith('staged:') && !ownsStagedRef(owner, v) ? [`${field}[${i}]: no such staged file`] : [],
    );
    if (refused.length > 0) throw invalidRequest(refused);
    return (await resolveStagedRefs(values, deps.staging)) as string[];
  }

  /** Pages through the account's own subjects for the one whose name carries `marker`. */
  async function findByMarker(marker: string): Promise<ViduSubject | undefined> {
    let token: string | undefined;
    do {
      const page = await deps.vidu.listSubjects({
        count: MAX_SUBJECT_PAGE,
        ...(token ? { next_page_token: token } : {}),
      });
      const hit = page.subjects.find((s) => s.name.endsWith(marker));
      if (hit) return hit;
      token = page.next_page_token || undefined;
    } while (token);
    return undefined;
  }

  /**
   * Paid (5 credits) and not deduplicated by Vidu: answered from the request's record when it
   * exists; on a retry, adopted from Vidu's list by the name's marker; created only otherwise.
   */
  async function createSubject(input: SubjectCreateInput): Promise<SubjectView> {
    const { owner } = await ownership();
    const workflowId = currentWorkflowId();
    if (!workflowId) throw new Error('createSubject runs for a workflow');
    const requestKey = requestRecordKey(workflowId);
    const made = await deps.archive.readJson<SubjectRecord>(requestKey);
    if (made) {
      const [again] = (await deps.vidu.listSubjects({ subject_ids: [made.id] })).subjects;
      return again ? viewOf(again, owner, made.credits) : recordView(made);
    }
    const marker = subjectMarker(sha256(workflowId));
    try {
      let subject: ViduSubject | undefined = attempt() > 1 ? await findByMarker(marker) : undefined;
      let credits = 0;
      if (!subject) {
        const images = await resolveMedia(owner, 'images', input.request.images);
        const videos = await resolveMedia(owner, 'videos', input.request.videos);
        const created = await deps.vidu.createSubject({
          name: `${input.request.name}${marker}`,
          ...(images ? { images } : {}),
          ...(videos ? { videos } : {}),
          ...(input.request.voice_id !== undefined ? { voice_id: input.request.voice_id } : {}),
        });
        subject = created;
        credits = created.credits ?? 0;
      }
      const record: SubjectRecord = {
        id: subject.id,
        owner,
        name: input.request.name,
        workflowId,
        createdAt: new Date().toISOString(),
        credits,
      };
      const key = subjectRecordKey(owner, subject.id);
      if (key === undefined) throw new Error(`Vidu answered a subject id vidu-flow cannot record: ${subject.id}`);
      // The owner's record first: once it exists the subject is usable; the request's record then
      // makes a repeated create answer without asking Vidu to look.
      await deps.archive.writeJson(key, record);
      await deps.archive.writeJson(requestKey, record);
      return viewOf(subject, owner, credits);
    } catch (err) {
      throw toApplicationFailure(err, 'creating a subject');
    }
  }

  function recordView(r: SubjectRecord): SubjectView {
    return {
      id: r.id,
      name: r.name,
      images: [],
      videos: [],
      voiceId: '',
      style: '',
      description: '',
      owner: r.owner,
      credits: r.credits,
    };
  }

  /** Free; checked against the owner's record before Vidu is asked. */
  async function editSubject(input: SubjectEditInput): Promise<SubjectEditResult> {
    const { owner } = await ownership();
    const record = await subjectRecordOf(deps.archive, owner, input.id);
    if (!record) return { found: false };
    try {
      const { name, images, videos, ...rest } = input.changes;
      // The marker stays on Vidu's side: a later retry of the create must still find it.
      const marker = subjectMarker(sha256(record.workflowId));
      const resolvedImages = await resolveMedia(owner, 'images', images);
      const resolvedVideos = await resolveMedia(owner, 'videos', videos);
      await deps.vidu.updateSubject({
        id: input.id,
        ...(name !== undefined ? { name: `${name}${marker}` } : {}),
        ...(resolvedImages ? { images: resolvedImages } : {}),
        ...(resolvedVideos ? { videos: resolvedVideos } : {}),
        ...rest,
      });
      if (name !== undefined) await deps.archive.writeJson(subjectRecordKey(owner, input.id)!, { ...record, name });
      const [now] = (await deps.vidu.listSubjects({ subject_ids: [input.id] })).subjects;
      return now ? { found: true, subject: viewOf(now, owner) } : { found: false };
    } catch (err) {
      throw toApplicationFailure(err, 'editing a subject');
    }
  }

  /**
   * The owner's subjects: by id (each checked against the owner's records first, so another
   * owner's id is simply absent), or the whole library, read from Vidu's list a page at a time and
   * kept to the ids the owner has records of.
   */
  async function readSubjects(input: SubjectReadInput): Promise<SubjectPage> {
    const { owner } = await ownership();
    try {
      if (input.ids !== undefined) {
        const mine: string[] = [];
        for (const id of input.ids) if (await subjectRecordOf(deps.archive, owner, id)) mine.push(id);
        if (mine.length === 0) return { subjects: [] };
        const page = await deps.vidu.listSubjects({ subject_ids: mine });
        return { subjects: page.subjects.filter((s) => mine.includes(s.id)).map((s) => viewOf(s, owner)) };
      }
      const page = await deps.vidu.listSubjects({
        count: input.count ?? 20,
        ...(input.pageToken ? { next_page_token: input.pageToken } : {}),
      });
      const subjects: SubjectView[] = [];
      for (const s of page.subjects)
        if (await subjectRecordOf(deps.archive, owner, s.id)) subjects.push(viewOf(s, owner));
      return { subjects, ...(page.next_page_token ? { nextPageToken: page.next_page_token } : {}) };
    } catch (err) {
      throw toApplicationFailure(err, 'reading subjects');
    }
  }

  return { createSubject, editSubject, readSubjects };
}
