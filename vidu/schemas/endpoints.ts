import { AdOneClickRequest } from './requests/ad-one-click';
import { Image2DanceRequest } from './requests/image2dance';
import { Img2VideoRequest } from './requests/img2video';
import { Reference2ImageRequest } from './requests/reference2image';
import { Reference2VideoRequest } from './requests/reference2video';
import { AdOneClickCreateResponse } from './responses/ad';
import { TaskCreatedResponse } from './responses/task-created';

/** Create endpoints: path under the API host, request and response schemas (FACTS §1–§5). */
export const CREATE_ENDPOINTS = {
  img2video: { path: '/ent/v2/img2video', request: Img2VideoRequest, response: TaskCreatedResponse },
  reference2video: { path: '/ent/v2/reference2video', request: Reference2VideoRequest, response: TaskCreatedResponse },
  reference2image: { path: '/ent/v2/reference2image', request: Reference2ImageRequest, response: TaskCreatedResponse },
  image2dance: { path: '/ent/v2/image2dance', request: Image2DanceRequest, response: TaskCreatedResponse },
  'ad-one-click': { path: '/ent/v2/ad-one-click', request: AdOneClickRequest, response: AdOneClickCreateResponse },
} as const;

export type CreateEndpointName = keyof typeof CREATE_ENDPOINTS;

const id = (taskId: string): string => encodeURIComponent(taskId);

/** The remaining endpoints' paths (FACTS §5–§8). */
export const ENDPOINT_PATHS = {
  adEdit: '/ent/v2/ad-one-click/edit',
  adCompose: '/ent/v2/ad-one-click/compose',
  adDetail: (taskId: string) => `/ent/v2/ad-one-click/${id(taskId)}`,
  creations: (taskId: string) => `/ent/v2/tasks/${id(taskId)}/creations`,
  cancel: (taskId: string) => `/ent/v2/tasks/${id(taskId)}/cancel`,
  tasks: '/ent/v2/tasks',
  credits: '/ent/v2/credits',
} as const;
