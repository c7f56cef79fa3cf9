/**
 * Where results end up. The local filesystem implements it today; an S3 store can implement the
 * same calls. Keys are `<workflowId>/<file name>`, built by activities/archive-names.ts from a
 * checked workflow id and an escaped creation id; a store still refuses any key that would leave
 * its root. Writes are atomic and durable: a reader never sees half a file, a retried write
 * replaces nothing that was already complete, and a write that resolved survives a crash.
 */
export interface ArchiveStore {
  /** Human-readable root, e.g. an absolute directory or `s3://bucket/prefix`. */
  readonly root: string;
  /** Where one key lives, in the same notation as `root`. */
  locate(key: string): string;
  exists(key: string): Promise<boolean>;
  /** Streams `body` to `key`, returning its sha256 (hex) and size. A failing `body` leaves no file. */
  write(key: string, body: AsyncIterable<Uint8Array>, contentType: string): Promise<StoredDigest>;
  /**
   * The sha256 and size of what is stored at `key` now (read back, not remembered), or undefined
   * when nothing is. `onProgress` is called with the bytes hashed so far, to heartbeat.
   */
  digest(key: string, onProgress?: (bytes: number) => void): Promise<StoredDigest | undefined>;
  readJson<T>(key: string): Promise<T | undefined>;
  writeJson(key: string, value: unknown): Promise<void>;
  /** Removes a key, or everything under a key prefix (batch result parts once joined). Optional. */
  remove?(key: string): Promise<void>;
}

export interface StoredDigest {
  sha256: string;
  bytes: number;
}
