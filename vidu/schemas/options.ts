import { z } from 'zod';
import { fieldLabel, named, show } from './fields';
import { intLikeIn } from './common';

// docs/vidu-api.md §12 item 16 notes a mirror spelling `high`; only the official values are
// accepted, and the seed example's "standard" is rejected (docs/vidu-api.md §12 item 7).
export const MovementAmplitude = z.enum(['auto', 'small', 'medium', 'large'], named);
export type MovementAmplitude = z.infer<typeof MovementAmplitude>;

// docs/vidu-api.md §12 item 6: the CN schema types wm_position as a string "1".."4" while
// describing integer positions. Both spellings are accepted and normalised to
// the integer; responses echo a protobuf-style enum name ("unspecified"),
// which suggests the server maps the number, not the string [INF].
export const WmPosition = z
  .custom<1 | 2 | 3 | 4 | '1' | '2' | '3' | '4'>((v) => [1, 2, 3, 4, '1', '2', '3', '4'].includes(v as never), {
    error: (iss) =>
      `${fieldLabel(iss.path)} must be 1, 2, 3 or 4 (top-left, top-right, bottom-right, bottom-left; got ${show(iss.input)})`,
  })
  .transform((v) => Number(v) as 1 | 2 | 3 | 4);
export type WmPosition = z.infer<typeof WmPosition>;

// Range from ComfyUI's Vidu node (docs/vidu-api.md §1, [3P]); 0 or omitted means random.
export const SEED_MAX = 2_147_483_647;
export const Seed = intLikeIn(0, SEED_MAX);

export const AdAspectRatio = z.enum(['16:9', '9:16', '1:1'], named);
export const AdLanguage = z.enum(['zh', 'en'], named);
export const AdEditType = z.enum(['generate_video', 'generate_narration', 'generate_bgm'], named);
export type AdEditType = z.infer<typeof AdEditType>;
