import { ENDPOINTS, type GenerationKind } from '../endpoints';
import type { RequestSchema } from '../endpoints/spec';
import { AdOneClickRequest } from './requests/ad-one-click';
import { AdOneClickCreateResponse, MusicVideoCreateResponse } from './responses/ad';
import { MusicVideoRequest } from './requests/one-click-mv';
import { TaskCreatedResponse } from './responses/task-created';

/** Create endpoints: path under the API host, request and response schemas (the registry, plus the AD film's create). */
export const CREATE_ENDPOINTS = {
  ...(Object.fromEntries(
    Object.values(ENDPOINTS).map((e) => [e.kind, { path: e.path, request: e.request, response: TaskCreatedResponse }]),
  ) as {
    [K in GenerationKind]: {
      path: string;
      request: (typeof ENDPOINTS)[K]['request'];
      response: typeof TaskCreatedResponse;
    };
  }),
  'ad-one-click': { path: '/ent/v2/ad-one-click', request: AdOneClickRequest, response: AdOneClickCreateResponse },
  'one-click-mv': { path: '/ent/v2/one-click/mv', request: MusicVideoRequest, response: MusicVideoCreateResponse },
} satisfies Record<
  string,
  { path: string; request: RequestSchema | typeof AdOneClickRequest | typeof MusicVideoRequest; response: unknown }
>;

export type CreateEndpointName = keyof typeof CREATE_ENDPOINTS;

const id = (taskId: string): string => encodeURIComponent(taskId);

/** The remaining endpoints' paths (docs/vidu-api.md §5–§8). */
export const ENDPOINT_PATHS = {
  adEdit: '/ent/v2/ad-one-click/edit',
  adCompose: '/ent/v2/ad-one-click/compose',
  adDetail: (taskId: string) => `/ent/v2/ad-one-click/${id(taskId)}`,
  // The one-click MV's sub-operations, from a reseller only (docs/vidu-api-more-endpoints.md §10.1 [3P]).
  mvEdit: '/ent/v2/one-click/mv/edit',
  mvCompose: '/ent/v2/one-click/mv/compose',
  mvDetail: (taskId: string) => `/ent/v2/one-click/mv/${id(taskId)}`,
  creations: (taskId: string) => `/ent/v2/tasks/${id(taskId)}/creations`,
  cancel: (taskId: string) => `/ent/v2/tasks/${id(taskId)}/cancel`,
  tasks: '/ent/v2/tasks',
  credits: '/ent/v2/credits',
  // docs/vidu-api-subjects.md §1: create and list share the path; edit takes the id.
  subjects: '/ent/v2/subjects',
  subject: (subjectId: string) => `/ent/v2/subjects/${id(subjectId)}`,
} as const;
