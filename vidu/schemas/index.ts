export * from './common';
export * from './options';
export { describeZodError, parseOrThrow, SchemaValidationError } from './format';
export { fieldLabel, namedError } from './fields';

export { Img2VideoRequest, type Img2VideoRequestInput } from '../endpoints/img2video';
export {
  Reference2VideoRequest,
  Reference2VideoSubject,
  type Reference2VideoRequestInput,
} from '../endpoints/reference2video';
export { Reference2ImageRequest, type Reference2ImageRequestInput } from '../endpoints/reference2image';
export { Image2DanceRequest, type Image2DanceRequestInput } from '../endpoints/image2dance';
export * from './requests/ad-one-click';
export * from './requests/ad-edit';
export * from './requests/ad-compose';
export * from './requests/one-click-mv';
export * from './requests/task-list-query';
export * from './requests/credits-query';

export * from './responses/task-created';
export * from './responses/ad';
export * from './responses/ad-detail';
export * from './responses/creations';
export * from './responses/task-list';
export * from './responses/cancel';
export * from './responses/credits';
export * from './responses/error-body';

export * from './endpoints';
export * from './subjects';
