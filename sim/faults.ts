/**
 * Fault injection: what can go wrong per endpoint and per callback, and the
 * dice that decide when it does. The configuration is plain JSON so it can
 * come from VIDU_SIM_FAULTS or from POST /_sim/faults alike.
 */
import { z } from 'zod';
import { GENERATION_KINDS } from '../vidu/endpoints';
import type { Rng } from './random';

// A generation endpoint's key is its kind (vidu/endpoints/), as in the worker's metrics.
export const ENDPOINT_KEYS = [
  ...GENERATION_KINDS,
  'ad-one-click',
  'ad-edit',
  'ad-compose',
  'ad-detail',
  'one-click-mv',
  'mv-edit',
  'mv-compose',
  'mv-detail',
  'creations',
  'list',
  'cancel',
  'credits',
  'subjects',
] as const;
export type EndpointKey = (typeof ENDPOINT_KEYS)[number];

/** Endpoints whose answer is a new task (the only ones where taskFailure / offPeakDelaySeconds mean anything). */
export const CREATE_ENDPOINT_KEYS = [
  ...GENERATION_KINDS,
  'ad-one-click',
  'ad-edit',
  'ad-compose',
  'one-click-mv',
  'mv-edit',
  'mv-compose',
] as const satisfies readonly EndpointKey[];
export type CreateEndpointKey = (typeof CREATE_ENDPOINT_KEYS)[number];

const Rate = z.number().min(0).max(1);
const Count = z.number().int().min(0);
const Ms = z.number().min(0);
const MsRange = z.union([Ms, z.tuple([Ms, Ms]).refine(([a, b]) => a <= b, 'min must not exceed max')]);

const ERROR_REASONS = {
  429: ['TooManyRequests', 'QuotaExceeded', 'SystemThrottling'],
  500: ['InternalServiceFailure'],
  // [INF] Vidu documents no 503; a gateway in front of it would answer one.
  503: ['ServiceUnavailable'],
} as const;

export const EndpointFault = z
  .strictObject({
    status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
    reason: z
      .enum(['TooManyRequests', 'QuotaExceeded', 'SystemThrottling', 'InternalServiceFailure', 'ServiceUnavailable'])
      .optional(),
    rate: Rate.optional(),
    count: Count.optional(),
    retryAfterSeconds: z.number().min(0).optional(),
    latencyMs: MsRange.optional(),
    dropResponse: z.strictObject({ count: Count.optional(), rate: Rate.optional() }).optional(),
    taskFailure: z
      .strictObject({
        rate: Rate.optional(),
        errCode: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
        count: Count.optional(),
      })
      .optional(),
    offPeakDelaySeconds: z.number().min(0).optional(),
  })
  .superRefine((f, ctx) => {
    if (
      f.status !== undefined &&
      f.reason !== undefined &&
      !(ERROR_REASONS[f.status] as readonly string[]).includes(f.reason)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `reason ${f.reason} does not go with status ${f.status}`,
      });
    }
    if (f.status === undefined && (f.reason !== undefined || f.retryAfterSeconds !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'reason/retryAfterSeconds need a status' });
    }
  });
export type EndpointFault = z.infer<typeof EndpointFault>;

export const CallbackFaults = z.strictObject({
  dropRate: Rate.optional(),
  duplicateRate: Rate.optional(),
  delayRate: Rate.optional(),
  delayMs: z
    .tuple([Ms, Ms])
    .refine(([a, b]) => a <= b, 'min must not exceed max')
    .optional(),
  reorderRate: Rate.optional(),
});
export type CallbackFaults = z.infer<typeof CallbackFaults>;

const endpointEntries = Object.fromEntries(ENDPOINT_KEYS.map((k) => [k, EndpointFault.optional()])) as Record<
  EndpointKey,
  z.ZodOptional<typeof EndpointFault>
>;

const EndpointFaults = z.strictObject({
  ...endpointEntries,
  /** Used for any endpoint without its own entry (chaos runs). */
  '*': EndpointFault.optional(),
});

const isEndpointKeyName = (k: string): boolean => k === '*' || (ENDPOINT_KEYS as readonly string[]).includes(k);

/**
 * `{ endpoints: { img2video: {...}, "*": {...} }, callbacks: {...} }`. Endpoint
 * keys may also be given at the top level as a shorthand; they are moved
 * under `endpoints` (an entry in `endpoints` wins).
 */
export const FaultConfig = z.preprocess(
  (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const top = Object.entries(v).filter(([k]) => isEndpointKeyName(k));
    if (top.length === 0) return v;
    const rest = Object.fromEntries(Object.entries(v).filter(([k]) => !isEndpointKeyName(k)));
    const nested = (rest.endpoints ?? {}) as Record<string, unknown>;
    return { ...rest, endpoints: typeof nested === 'object' ? { ...Object.fromEntries(top), ...nested } : nested };
  },
  z.strictObject({
    endpoints: EndpointFaults.optional(),
    callbacks: CallbackFaults.optional(),
  }),
);
export type FaultConfig = z.infer<typeof FaultConfig>;

export type ParseFaultsResult = { ok: true; faults: FaultConfig } | { ok: false; problems: string[] };

export function parseFaultConfig(value: unknown): ParseFaultsResult {
  const r = FaultConfig.safeParse(value);
  if (r.success) return { ok: true, faults: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => {
      const where = i.path.length ? `${i.path.join('.')}: ` : '';
      const keys = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
      return `${where}${i.message}${keys}`;
    }),
  };
}

export function parseFaultConfigJson(text: string): ParseFaultsResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not valid JSON: ${(err as Error).message}`] };
  }
  return parseFaultConfig(value);
}

export interface ErrorFaultHit {
  status: 429 | 500 | 503;
  reason: string;
  retryAfterSeconds: number | undefined;
}

/**
 * The live fault state: the configuration plus how many times each counted
 * fault has fired, so `count` limits hold across requests and GET /_sim/faults
 * can show what is left.
 */
export class Faults {
  private config: FaultConfig = {};
  private fired = new Map<string, number>();

  constructor(
    private readonly rng: Rng,
    initial: FaultConfig,
  ) {
    this.set(initial);
  }

  set(config: FaultConfig): void {
    this.config = structuredClone(config);
    this.fired.clear();
  }

  snapshot(): { config: FaultConfig; fired: Record<string, number> } {
    return { config: structuredClone(this.config), fired: Object.fromEntries(this.fired) };
  }

  private entry(endpoint: EndpointKey): EndpointFault | undefined {
    return this.config.endpoints?.[endpoint] ?? this.config.endpoints?.['*'];
  }

  private entryKey(endpoint: EndpointKey): string {
    return this.config.endpoints?.[endpoint] ? endpoint : '*';
  }

  /** Roll the dice for one counted fault; consumes one of its `count` when it fires. */
  private roll(counterKey: string, rate: number | undefined, count: number | undefined): boolean {
    const used = this.fired.get(counterKey) ?? 0;
    if (count !== undefined && used >= count) return false;
    if (!this.rng.chance(rate ?? 1)) return false;
    this.fired.set(counterKey, used + 1);
    return true;
  }

  latencyMs(endpoint: EndpointKey): number {
    const l = this.entry(endpoint)?.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return l[0] + this.rng.next() * (l[1] - l[0]);
  }

  errorAnswer(endpoint: EndpointKey): ErrorFaultHit | undefined {
    const f = this.entry(endpoint);
    if (!f?.status) return undefined;
    if (!this.roll(`${this.entryKey(endpoint)}.error`, f.rate, f.count)) return undefined;
    return { status: f.status, reason: f.reason ?? ERROR_REASONS[f.status][0], retryAfterSeconds: f.retryAfterSeconds };
  }

  dropResponse(endpoint: EndpointKey): boolean {
    const d = this.entry(endpoint)?.dropResponse;
    return d !== undefined && this.roll(`${this.entryKey(endpoint)}.dropResponse`, d.rate, d.count);
  }

  /** Decided when the task is created, so the outcome is fixed however time is advanced. */
  taskFailure(endpoint: CreateEndpointKey): string | undefined {
    const t = this.entry(endpoint)?.taskFailure;
    if (!t || !this.roll(`${this.entryKey(endpoint)}.taskFailure`, t.rate, t.count)) return undefined;
    return typeof t.errCode === 'string' ? t.errCode : this.rng.pick(t.errCode);
  }

  offPeakDelaySeconds(endpoint: CreateEndpointKey): number | undefined {
    return this.entry(endpoint)?.offPeakDelaySeconds;
  }

  callbacks(): CallbackFaults {
    return this.config.callbacks ?? {};
  }
}
