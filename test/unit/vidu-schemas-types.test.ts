import { describe, it, expectTypeOf } from 'vitest';
import type {
  AdOneClickDetail,
  CallbackBody,
  CancelResponse,
  Creation,
  CreditRemain,
  CreditsResponse,
  Img2VideoRequest,
  Img2VideoRequestInput,
  Reference2VideoRequest,
  TaskListQuery,
  TaskState,
} from '../../vidu/schemas';
import { applyModelDefaults } from '../../vidu/models';

// Compile-time checks (tsc --noEmit): liberal inputs, normalised outputs.
describe('inferred types', () => {
  it('requests accept string forms on input and give normalised values on output', () => {
    expectTypeOf<{
      model: 'viduq2';
      images: string[];
      off_peak: 'true';
      seed: '0';
      wm_position: '2';
    }>().toExtend<Img2VideoRequestInput>();
    expectTypeOf<Img2VideoRequest['off_peak']>().toEqualTypeOf<boolean>();
    expectTypeOf<Img2VideoRequest['seed']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Img2VideoRequest['wm_position']>().toEqualTypeOf<1 | 2 | 3 | 4 | undefined>();
    expectTypeOf<Reference2VideoRequest['aspect_ratio']>().toEqualTypeOf<string>();
  });

  it('applyModelDefaults makes duration and resolution present', () => {
    const fill = (req: Img2VideoRequest) => applyModelDefaults('img2video', req);
    type Out = ReturnType<typeof fill>;
    expectTypeOf<Out['duration']>().toEqualTypeOf<number>();
    expectTypeOf<Out['resolution']>().toEqualTypeOf<string>();
  });

  it('responses expose the normalised names', () => {
    expectTypeOf<CallbackBody['state']>().toEqualTypeOf<TaskState>();
    expectTypeOf<CallbackBody['creations']>().toEqualTypeOf<Creation[]>();
    expectTypeOf<
      NonNullable<AdOneClickDetail['data_records']>['storyboards'][number]['storyboard_id']
    >().toEqualTypeOf<number>();
    expectTypeOf<TaskListQuery['paper.pagesz']>().toEqualTypeOf<number>();
    expectTypeOf<CreditsResponse['remains']>().toEqualTypeOf<CreditRemain[]>();
    expectTypeOf<CancelResponse>().toExtend<object>();
  });
});
