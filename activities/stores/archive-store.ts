/**
 * Where results end up. The local filesystem implements it today; an S3 store can implement the
 * same five calls. Keys are `<workflowId>/<file name>`; writes are atomic, so a reader never sees
 * half a file and a retried write replaces nothing that was already complete.
 */
export interface ArchiveStore {
  /** Human-readable root, e.g. an absolute directory or `s3://bucket/prefix`. */
  readonly root: string;
  /** Where one key lives, in the same notation as `root`. */
  locate(key: string): string;
  exists(key: string): Promise<boolean>;
  /** Streams `body` to `key`, returning its sha256 (hex) and size. */
  write(key: string, body: AsyncIterable<Uint8Array>, contentType: string): Promise<{ sha256: string; bytes: number }>;
  readJson<T>(key: string): Promise<T | undefined>;
  writeJson(key: string, value: unknown): Promise<void>;
  /** Removes a key, or everything under a key prefix (batch result parts once joined). Optional. */
  remove?(key: string): Promise<void>;
}
