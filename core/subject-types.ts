// The subject library's data as it travels through workflow history (docs/vidu-api-subjects.md):
// plain shapes, validated at the edges by contract/subjects.ts.

/** A subject as vidu-flow shows it: Vidu's fields, the name without vidu-flow's marker, its owner. */
export interface SubjectView {
  /** Vidu's id: the `server_id` reference2video takes. */
  id: string;
  name: string;
  images: string[];
  videos: string[];
  voiceId: string;
  style: string;
  description: string;
  /** `key-<id>` or `operator` (README "The tenant model"). */
  owner: string;
  /** Credits the create cost (5, docs/vidu-api-subjects.md §1.1); absent on reads. */
  credits?: number;
}

export interface SubjectCreateInput {
  /** POST /ent/v2/subjects's body: name, images (URLs, data URIs or the owner's `staged:` refs), videos, voice_id. */
  request: { name: string; images?: string[]; videos?: string[]; voice_id?: string };
}

export interface SubjectEditInput {
  id: string;
  /** PUT /ent/v2/subjects/{id}'s body without the id: what is sent replaces. */
  changes: {
    name?: string;
    images?: string[];
    videos?: string[];
    style?: string;
    description?: string;
    voice_id?: string;
  };
}

export interface SubjectReadInput {
  /** These subjects only (a get is one id); absent: the owner's whole library, a page at a time. */
  ids?: string[];
  /** Subjects a page (default 20, at most 100). */
  count?: number;
  /** The `nextPageToken` of the previous page. */
  pageToken?: string;
}

export interface SubjectPage {
  subjects: SubjectView[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

/** The edit's answer: the subject after the edit, or not found (unknown, or another owner's: the same answer). */
export type SubjectEditResult = { found: true; subject: SubjectView } | { found: false };
