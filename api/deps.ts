import type { BudgetEntry } from '../core/budgets';
import type { FastifyRequest } from 'fastify';
import type { PriceTable } from '../vidu/prices';
import type { ViduFlowClient } from '../client';
import type { Presigner } from '../platform/downloads/presigner';
import type { ApiKey, Scope } from '../platform/keys/api-keys';
import type { AddressPolicy } from '../platform/net/address-policy';
import type { WebhookAddressPolicy } from '../platform/net/webhook-policy';
import type { StatusHub } from './status-hub';
import type { StreamSlots } from './stream-slots';
import type { UploadPresigner } from './uploads/presign-upload';

// What the HTTP API is built from (api/server.ts buildApi) and what each route receives, in a
// file of its own so that the routes (api/routes/*) and the server that registers them do not
// import each other.

export interface ApiDeps {
  client: ViduFlowClient;
  /** The current keys (re-read on SIGHUP by api/main.ts). */
  keys: () => readonly ApiKey[];
  /** The prices POST /v1/estimates uses (VIDU_FLOW_PRICES_FILE over the built-in table); default: the built-in table. */
  prices?: () => PriceTable;
  /** VIDU_FLOW_BUDGETS_FILE: the budgets GET /v1/budgets shows (a key: only its own); default: none. */
  budgets?: () => readonly BudgetEntry[] | undefined;
  /** VIDU_FLOW_ALLOW_PRIVATE_URLS (downloads); no longer consulted for notify URLs. */
  privateUrls: AddressPolicy;
  /** Notify URLs are refused early when their host and port are private and this list (VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS) does not allow them; default: none. */
  webhookPrivateUrls?: WebhookAddressPolicy;
  /** Largest body of the routes that take media as data: URIs (default 10 MiB; API_BODY_LIMIT_BYTES). */
  bodyLimit?: number;
  /** Largest body of POST /v1/batches (default 32 MiB; API_BATCH_BODY_LIMIT_BYTES). */
  batchBodyLimit?: number;
  /** Largest body of POST /v1/uploads (default 200 MiB, streamed; API_UPLOAD_BODY_LIMIT_BYTES). */
  uploadBodyLimit?: number;
  /** VIDU_FLOW_STAGING_TTL_DAYS (default 7): reported as an upload's expiresAt; the worker sweeps. */
  stagingTtlDays?: number;
  /** STAGING_URL=s3://…: presigned uploads (POST /v1/uploads/presign, api/uploads/presign-upload.ts). */
  uploadPresigner?: UploadPresigner;
  /** Largest body of every other route (default 256 KiB; API_JSON_BODY_LIMIT_BYTES). */
  jsonBodyLimit?: number;
  /** Deepest nesting of arrays and objects in a JSON body (default 32; API_JSON_MAX_DEPTH). */
  jsonMaxDepth?: number;
  /** Requests a minute per API key (default 600; 0 = no limit; API_RATE_LIMIT_PER_KEY). */
  rateLimitPerKey?: number;
  /** Requests a minute per address without a valid key (default 60; 0 = no limit; API_RATE_LIMIT_PER_ADDRESS). */
  rateLimitPerAddress?: number;
  /** Open event streams per API key (default 32; API_MAX_STREAMS_PER_KEY) and overall (default 1000; API_MAX_STREAMS). */
  maxStreamsPerKey?: number;
  maxStreams?: number;
  /** fastify's trustProxy (API_TRUST_PROXY): whose X-Forwarded-For gives the client address. Default: none. */
  trustProxy?: boolean | string;
  /** How often /events asks the workflow for its status (default 1000 ms). */
  eventsPollMs?: number;
  /** Shared by the event streams; built from the other deps when absent (tests pass their own). */
  streams?: StreamSlots;
  statusHub?: StatusHub;
  /** Signs download links to S3-archived files in GET answers (platform/downloads/presigner.ts); none without it. */
  presign?: Presigner;
  /** One line per request (method, path, status, caller name); default console.log. */
  log?: (line: string) => void;
}

/** Checks the request's API key for a scope (api/front-door.ts makeGuard). */
export type Guard = (scope: Scope) => (req: FastifyRequest) => Promise<void>;
