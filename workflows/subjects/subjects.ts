import type {
  SubjectCreateInput,
  SubjectEditInput,
  SubjectEditResult,
  SubjectPage,
  SubjectReadInput,
  SubjectView,
} from '../../core/subject-types';
import { subjectCalls } from '../common/activity-proxies';

// The subject library (docs/vidu-api-subjects.md §2): one short workflow per call, so that every
// call runs on the worker (the only process holding the Vidu key and the archive store) under the
// caller's ViduCaller, which decides the owner. The create's workflow id is derived from the
// caller's idempotency key: the same create twice is one workflow and one paid subject.

/** Creates a subject (5 credits) and records its owner. */
export async function subjectCreate(input: SubjectCreateInput): Promise<SubjectView> {
  return subjectCalls.createSubject(input);
}

/** Edits one of the caller's subjects (free); `found: false` for unknown and another owner's alike. */
export async function subjectEdit(input: SubjectEditInput): Promise<SubjectEditResult> {
  return subjectCalls.editSubject(input);
}

/** Reads the caller's subjects: by id, or a page of the library. */
export async function subjectRead(input: SubjectReadInput): Promise<SubjectPage> {
  return subjectCalls.readSubjects(input);
}
