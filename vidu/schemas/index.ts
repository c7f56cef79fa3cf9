export * from './common';
export * from './options';
export { describeZodError, parseOrThrow, SchemaValidationError } from './format';
export { fieldLabel, namedError } from './fields';

export * from './requests/img2video';
export * from './requests/reference2video';
export * from './requests/reference2image';
export * from './requests/image2dance';
export * from './requests/ad-one-click';
export * from './requests/ad-edit';
export * from './requests/ad-compose';
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
