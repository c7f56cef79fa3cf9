import type { z } from 'zod';
import type { MediaLimit } from '../media/limits';
import type { ModelTable } from '../model-matrix';

// What one Vidu generation endpoint is, declared once in vidu/endpoints/<kind>.ts. Everything
// else derives from these declarations: the Vidu client's create call, the workflow type, the
// input contract and its JSON Schema, the media staging, the CLI command, the simulator's route,
// validation, fault keys and pricing.

/** A CLI flag that sets one top-level request field (`vidu-flow <kind> --<flag> …`). */
export interface CliFlag {
  /** Long flag name without dashes, e.g. `start-image`. */
  readonly flag: string;
  /** Vidu request field it sets. */
  readonly field: string;
  readonly value: 'string' | 'int' | 'number' | 'bool' | 'media' | 'media-list';
  readonly placeholder?: string;
  readonly help: string;
  /** Each value becomes `{ [wrap]: value }` (multiframe's --key-image → image_settings[].key_image). */
  readonly wrap?: string;
}

/** The request schema: a strict zod object (refinements allowed), so its `shape` lists the fields. */
export type RequestSchema = z.ZodObject<z.ZodRawShape>;

export interface EndpointSpec<S extends RequestSchema = RequestSchema> {
  /** The workflow type, the endpoint's name in camelCase (`startEnd2video`); also the fault and metrics key. */
  readonly kind: string;
  /** POST path under the API host. */
  readonly path: string;
  /** One line: the CLI command's help, the README table. */
  readonly summary: string;
  /** Vidu's request body, validated as Vidu documents it (see each file for the contradictions resolved). */
  readonly request: S;
  /** The per-model matrix (absent: the endpoint takes no model). */
  readonly models?: ModelTable;
  /**
   * Media fields and their documented limits, by dotted field path (`images`, `subjects.images`,
   * `image_settings.key_image`); arrays on the way are walked item by item.
   */
  readonly media: Readonly<Record<string, MediaLimit>>;
  /**
   * A rule across several media of one request, judged on their probed sizes (e.g.
   * start-end2video's two frames must have close aspect ratios; template-story's 9:16 images,
   * unless its story is one_shot). One message per violation.
   */
  readonly mediaRule?: (
    sizes: ReadonlyMap<string, { width: number; height: number }>,
    request?: Readonly<Record<string, unknown>>,
  ) => string[];
  /** How its result creations look: one file of this media type per creation. */
  readonly result: {
    readonly media: 'video' | 'image' | 'audio';
    /** The task `type` the create response shows (undocumented for some endpoints; see the file). */
    readonly taskType: string;
    /** The length of the result in seconds, when it is not the request's `duration` (multiframe: the sum of its segments). */
    readonly durationOf?: (request: Record<string, unknown>) => number | undefined;
    /** Whether a generation of this kind may ask for an upscale of its result (options.upscale). */
    readonly upscalable?: boolean;
  };
  /** Vidu documents no callback_url for this endpoint: vidu-flow sends none and polls. */
  readonly noCallbacks?: boolean;
  /** Older paths Vidu served the same endpoint under; the simulator answers them too. */
  readonly legacyPaths?: readonly string[];
  readonly cli?: {
    /** Flags for fields the common flags (cli/args.ts) do not cover. */
    readonly flags?: readonly CliFlag[];
    /** Common flags that set a differently named field here, e.g. image2dance's --image → image_url. */
    readonly aliases?: Readonly<Record<string, string>>;
  };
}

/** Keeps the literal types of a declaration (its kind and request schema) for the derived types. */
export function defineEndpoint<const T extends EndpointSpec<any>>(spec: T): T {
  return spec;
}
