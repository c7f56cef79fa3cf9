// The variables s3ClientFromEnv (s3-client.ts) reads itself, in a file of their own so the worker's
// configuration can list them without loading the AWS SDK. The SDK's default credential chain reads
// its own on top (AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_CONTAINER_CREDENTIALS_*…).
export const S3_ENV_VARS = [
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_S3_FORCE_PATH_STYLE',
] as const;
