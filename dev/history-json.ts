import type * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import path from 'node:path';

// Workflow histories as Temporal's JSON history format (what `temporal workflow show --output json`
// writes and the SDK's historyToJSON / historyFromJSON produce and read), for the replay fixtures.
//
// Why not the SDK's own functions: in this install @temporalio/common and @temporalio/proto each
// carry a nested copy of protobufjs 8 (the root protobufjs is 7, for OpenTelemetry), and
// historyFromJSON checks `type instanceof Type` with common's copy against a type built by proto's,
// so it throws "type must be a Type" (so does Worker.runReplayHistory when given JSON). The same
// protojson, loaded from the protobufjs copy @temporalio/proto itself uses, reads and writes the
// same format.

type History = proto.temporal.api.history.v1.IHistory;

/**
 * Where dev/record-histories.ts writes the recorded histories and test/workflow/replay.test.ts
 * reads them: one folder per released version (`<version>/index.json` and its histories), listed
 * oldest first in `versions.json` (issue 18 §3: the histories each released version recorded are kept).
 */
export const HISTORY_FIXTURES_DIR = path.resolve(__dirname, '../test/fixtures/histories');

/** One released version whose histories are kept, as listed in versions.json. */
export interface RecordedVersion {
  /** Its folder in HISTORY_FIXTURES_DIR. */
  version: string;
  /**
   * The commit whose workflows/ recorded them: a pinned type's histories of an older version
   * replay only against the bundle built from this ref (dev/replay-at-ref.ts), never the current code.
   */
  gitRef: string;
  /** The worker's build id of that bundle (null: recorded before Worker Versioning). */
  buildId: string | null;
  note?: string;
}

export const VERSIONS_FILE = path.join(HISTORY_FIXTURES_DIR, 'versions.json');

/** One recorded history, as listed in a version folder's index.json. */
export interface HistoryFixture {
  /** File name in its version's folder. */
  file: string;
  workflowId: string;
  workflowType: string;
  /** What the run did, for a reader of a failing replay. */
  scenario: string;
  events: number;
}

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const protoPackageDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoPackageDir] })) as ProtoJson;
// The module object itself, as the SDK passes it: an ESM namespace of it (vitest's `import *`)
// hides the nested namespaces patchProtobufRoot walks.
const protoModule = require('@temporalio/proto') as typeof proto;
const historyType = (patchProtobufRoot(protoModule) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

/**
 * A fetched history (WorkflowHandle.fetchHistory()) as JSON text: the SDK's historyToJSON format,
 * laid out one event per line (a third smaller than indented JSON, and a diff names the events).
 */
export function historyToJson(history: History): string {
  const { events = [], ...rest } = protojson.toJson(
    historyType,
    protoModule.temporal.api.history.v1.History.fromObject(history),
  ) as { events?: unknown[] };
  if (Object.keys(rest).length > 0)
    throw new Error(`history has fields besides events: ${Object.keys(rest).join(', ')}`);
  return `{"events":[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]}`;
}

/** A history from its JSON form, ready for Worker.runReplayHistory / runReplayHistories. Unknown fields (a newer server's) are ignored. */
export function historyFromJson(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('a JSON history must be an object with an events array');
  }
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
