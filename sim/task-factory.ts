/**
 * Building new task records: ids, timestamps, due times, and the outcome the
 * fault configuration decides at creation.
 */
import { rfc3339Nano } from './clock';
import type { SimContext } from './sim-context';
import type { CreateEndpointKey } from './faults';
import type { AdLink, SimTask } from './task';

/** What an endpoint decides about a new task; the rest (ids, times, due times, outcome) is filled in here. */
export type TaskInit = Pick<
  SimTask,
  | 'kind'
  | 'type'
  | 'model'
  | 'prompt'
  | 'images'
  | 'durationSeconds'
  | 'resolution'
  | 'aspectRatio'
  | 'output'
  | 'request'
  | 'clientRequestId'
  | 'callbackUrl'
  | 'payload'
  | 'bgm'
  | 'offPeak'
> & {
  /** Fault key; undefined for sub-records the sim makes itself. */
  endpoint: CreateEndpointKey | undefined;
  processingSeconds: number;
  ad?: AdLink;
};

export function buildTask(ctx: SimContext, init: TaskInit): SimTask {
  const { config, clock, faults } = ctx;
  const createdAt = clock.now();
  const offPeakDelay = (init.endpoint && faults.offPeakDelaySeconds(init.endpoint)) ?? config.offPeakDelaySeconds;
  return {
    id: ctx.ids.next(),
    kind: init.kind,
    type: init.type,
    state: 'created',
    errCode: '',
    createdAt,
    createdAtText: rfc3339Nano(createdAt),
    queueAt: createdAt + config.queueSeconds * 1000,
    offPeak: init.offPeak,
    scheduleAt: init.offPeak ? createdAt + offPeakDelay * 1000 : undefined,
    offPeakDeadline: init.offPeak ? createdAt + config.offPeakWindowSeconds * 1000 : undefined,
    startedAt: undefined,
    finishedAt: undefined,
    processingMs: init.processingSeconds * 1000,
    finalProgress: 0,
    plannedErrCode: init.endpoint ? faults.taskFailure(init.endpoint) : undefined,
    credits: 0,
    charged: 0,
    refunded: false,
    clientRequestId: init.clientRequestId,
    callbackUrl: init.callbackUrl,
    payload: init.payload,
    bgm: init.bgm,
    model: init.model,
    prompt: init.prompt,
    images: init.images,
    durationSeconds: init.durationSeconds,
    resolution: init.resolution,
    aspectRatio: init.aspectRatio,
    output: init.output,
    request: init.request,
    createResponse: {},
    creations: [],
    history: [{ state: 'created', at: rfc3339Nano(createdAt) }],
    userCreated: init.kind !== 'ad-record',
    ad: init.ad,
    adFilm: undefined,
  };
}
