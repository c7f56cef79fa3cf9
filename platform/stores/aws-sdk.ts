import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as S3Presigner from '@aws-sdk/s3-request-presigner';

// The AWS SDK, loaded the first time an S3 store, client or link needs it (issue 17 item 1): a
// process whose stores are local folders (the typed client, the CLI, a worker without S3) never
// loads it. It is most of what the S3 stores cost to load (tens of modules, MBs of code).
// `require` of a package (not a file of this repo) works the same under tsx and under vitest.

/** `@aws-sdk/client-s3`, required at the first property read: `new s3Sdk.PutObjectCommand(…)`. */
export const s3Sdk: typeof ClientS3 = lazyModule(() => require('@aws-sdk/client-s3') as typeof ClientS3);

/** `@aws-sdk/s3-request-presigner`, required at the first property read. */
export const s3Presigner: typeof S3Presigner = lazyModule(
  () => require('@aws-sdk/s3-request-presigner') as typeof S3Presigner,
);

function lazyModule<T extends object>(load: () => T): T {
  let loaded: T | undefined;
  return new Proxy({} as T, { get: (_, name) => (loaded ??= load())[name as keyof T] });
}
