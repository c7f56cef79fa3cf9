import { describe, it, expect } from 'vitest';
import {
  AdComposeResponse,
  AdEditResponse,
  AdOneClickCreateResponse,
  AdOneClickDetail,
  CallbackBody,
  CancelResponse,
  CreationsResponse,
  CreditsResponse,
  describeZodError,
  TaskCreatedResponse,
  TaskListResponse,
  ViduErrorBody,
} from '../../vidu/schemas';

// Response examples copied from /work/shared/vidu-api/seeds. Where the seed
// is not valid JSON the fix is noted at the spot.

// img2video.zh.txt, 成功示例.
const SEED_IMG2VIDEO_RESPONSE = {
  task_id: '911045603801182208',
  type: 'img2video',
  state: 'created',
  model: 'viduq1',
  style: 'general',
  prompt: '镜头缓慢推进,展现画面中的细节,背景逐渐虚化',
  images: ['https://storage.xuanxu.net/images/1997560136907759618/1768223244152.png'],
  duration: 5,
  seed: 12345,
  aspect_ratio: '',
  resolution: '1080p',
  movement_amplitude: 'auto',
  created_at: '2026-01-20T04:01:53.504648743Z',
  credits: 80,
  payload: 'custom-tracking-id-123',
  cus_priority: 0,
  off_peak: false,
  watermark: false,
  is_rec: false,
  wm_position: 'unspecified',
  wm_url: '',
  meta_data: '',
  client_request_id: '',
};

// reference2video.zh.txt response example.
const SEED_REFERENCE2VIDEO_RESPONSE = {
  task_id: '885482446060003328',
  type: 'img2video',
  state: 'created',
  model: 'viduq2-pro',
  style: 'general',
  prompt: 'The astronaut waved and the camera moved up.',
  images: ['https://prod-ss-images.s3.cn-northwest-1.amazonaws.com.cn/vidu-maas/template/image2video.png'],
  duration: 5,
  seed: 1283649749,
  aspect_ratio: '',
  resolution: '720p',
  movement_amplitude: 'auto',
  created_at: '2025-11-10T15:03:01.749836088Z',
  credits: 55,
  payload: '',
  cus_priority: 0,
  off_peak: false,
  watermark: false,
  is_rec: false,
  wm_position: 'unspecified',
  wm_url: '',
  meta_data: '',
};

// image2dance.txt; the seed's `"credits":credits_number` placeholder is a number here.
const SEED_IMAGE2DANCE_RESPONSE = {
  task_id: 'your_task_id_here',
  state: 'created',
  image_url: 'your_image_url',
  video_url: 'your_video_url',
  payload: '',
  credits: 100,
  created_at: '2025-01-01T15:41:31.968916Z',
};

// ad-film-one-click.txt create response; the seed misses the comma after
// "language" and has a `credits_number` placeholder.
const SEED_AD_CREATE_RESPONSE = {
  task_id: 'your_task_id_here',
  state: 'created',
  images: ['https://prod-ss-images.s3.com-northwest-1.amazonaws.com.com/vidu-maas/template/image2video.png'],
  prompt: '',
  duration: 15,
  aspect_ratio: '16:9',
  language: 'en',
  credits: 400,
};

// ad-film-one-click.txt Get Generation example; the seed misses the comma after "payload".
const SEED_AD_CREATIONS_RESPONSE = {
  id: 'your_task_id',
  state: 'success',
  err_code: '',
  credits: 400,
  payload: '',
  creations: [
    {
      id: 'your_creations_id',
      url: 'your_generated_results_url',
      cover_url: 'your_generated_results_cover_url',
      watermarked_url: 'your_generated_results_watermarked_url',
    },
  ],
  progress: 90,
};

// ad-film-one-click.txt GET /ent/v2/ad-one-click/{id} example, kept as text
// to preserve the doc's `stroyboard_id` spelling. Fixed from the seed: three
// trailing commas removed and the missing comma after the composed task's
// "creation_url" added.
const SEED_AD_DETAIL_JSON = `{
    "id": "891100896237203456",
    "err_code": "",
    "state": "success",
    "data_records": {
        "storyboards": [
            {
                "stroyboard_id": 0,
                "records": [
                    { "id": "891101095923822592", "type": "generate_video", "prompt": "string", "creation_url": "string", "state": "success", "err_code": "" },
                    { "id": "891101095923822593", "type": "generate_video", "prompt": "string", "creation_url": "string", "state": "success", "err_code": "" }
                ]
            },
            {
                "stroyboard_id": 1,
                "records": [
                    { "id": "891101095923822594", "type": "generate_video", "prompt": "string", "creation_url": "string", "state": "success", "err_code": "" }
                ]
            },
            {
                "stroyboard_id": 2,
                "records": [
                    { "id": "891101095923822595", "type": "generate_video", "prompt": "string", "creation_url": "string", "state": "success", "err_code": "" }
                ]
            }
        ],
        "narration_records": [
            { "id": "891101095923822596", "type": "generate_video", "prompt": "string", "creation_url": "string", "state": "success", "err_code": "" }
        ],
        "bgm_records": [
            { "id": "891101095923822597", "type": "generate_video", "prompt": "string", "creation_url": "string", "state": "success", "err_code": "" }
        ],
        "completed_creation_records": [
            {
                "id": "891100914109132807",
                "state": "success",
                "params": {
                    "video_task_ids": ["891101095923822592", "891101095923822593", "891101095923822594", "891101095923822595"],
                    "bgm_task_id": "891101095923822597",
                    "narration_task_id": "891101095923822596"
                },
                "creation_url": "string",
                "err_code": ""
            }
        ]
    }
}`;

const SEED_AD_EDIT_RESPONSE = {
  ad_one_click_task_id: 'your_ad_one_click_task_id',
  sub_task_id: 'new_sub_task_id',
  state: 'success',
  err_code: '',
  credits: 400,
};

const SEED_AD_COMPOSE_RESPONSE = {
  ad_one_click_task_id: 'your_task_id',
  compose_sub_task_id: 'new_id',
  state: 'success',
  credits: 400,
};

describe('task created response', () => {
  it.each([
    ['img2video', SEED_IMG2VIDEO_RESPONSE],
    ['reference2video', SEED_REFERENCE2VIDEO_RESPONSE],
    ['image2dance', SEED_IMAGE2DANCE_RESPONSE],
  ])('parses the %s seed example unchanged', (_name, body) => {
    expect(TaskCreatedResponse.parse(body)).toEqual(body);
  });

  it('keeps fields it does not know (Vidu adds fields over time)', () => {
    const out = TaskCreatedResponse.parse({ ...SEED_IMAGE2DANCE_RESPONSE, brand_new: { x: 1 } });
    expect(out).toMatchObject({ brand_new: { x: 1 } });
  });

  it('reads an int64-style string credit count as a number', () => {
    expect(TaskCreatedResponse.parse({ task_id: '1', state: 'created', credits: '55' }).credits).toBe(55);
  });

  it('accepts a state it does not know: the task exists and is paid for (the workflow reads it as not finished)', () => {
    expect(TaskCreatedResponse.parse({ task_id: '1', state: 'done', credits: 1 }).state).toBe('done');
    expect(TaskCreatedResponse.safeParse({ task_id: '1', state: 7, credits: 1 }).success).toBe(false);
  });

  it.each([
    [{ state: 'created', credits: 1 }, 'task_id: task_id is required'],
    [
      { task_id: '1', state: 'created', credits: 'lots' },
      'credits: credits must be an integer or a string of digits (got "lots")',
    ],
  ])('rejects %j, naming the field', (body, line) => {
    const r = TaskCreatedResponse.safeParse(body);
    expect(r.success).toBe(false);
    expect(describeZodError(r.error!)).toEqual([line]);
  });
});

describe('AD film responses', () => {
  it('parses the create, edit and compose seed examples', () => {
    expect(AdOneClickCreateResponse.parse(SEED_AD_CREATE_RESPONSE)).toEqual(SEED_AD_CREATE_RESPONSE);
    expect(AdEditResponse.parse(SEED_AD_EDIT_RESPONSE)).toEqual(SEED_AD_EDIT_RESPONSE);
    expect(AdComposeResponse.parse(SEED_AD_COMPOSE_RESPONSE)).toEqual(SEED_AD_COMPOSE_RESPONSE);
  });

  it('parses the detail seed example, renaming stroyboard_id to storyboard_id', () => {
    const out = AdOneClickDetail.parse(JSON.parse(SEED_AD_DETAIL_JSON));
    const boards = out.data_records!.storyboards;
    expect(boards.map((b) => b.storyboard_id)).toEqual([0, 1, 2]);
    expect(boards[0]).not.toHaveProperty('stroyboard_id');
    expect(boards[0]!.records.map((r) => r.id)).toEqual(['891101095923822592', '891101095923822593']);
    expect(out.data_records!.narration_records[0]!.id).toBe('891101095923822596');
    expect(out.data_records!.completed_creation_records[0]!.params).toEqual({
      video_task_ids: ['891101095923822592', '891101095923822593', '891101095923822594', '891101095923822595'],
      bgm_task_id: '891101095923822597',
      narration_task_id: '891101095923822596',
    });
  });

  it('also reads the correct storyboard_id spelling, and missing record lists as []', () => {
    const out = AdOneClickDetail.parse({
      id: '1',
      state: 'success',
      data_records: { storyboards: [{ storyboard_id: 4, records: null }] },
    });
    expect(out.err_code).toBe('');
    expect(out.data_records).toEqual({
      storyboards: [{ storyboard_id: 4, records: [] }],
      narration_records: [],
      bgm_records: [],
      completed_creation_records: [],
    });
  });

  it('rejects a storyboard with neither spelling', () => {
    const r = AdOneClickDetail.safeParse({
      id: '1',
      state: 'success',
      data_records: { storyboards: [{ records: [] }] },
    });
    expect(describeZodError(r.error!)).toEqual([
      'data_records.storyboards[0].storyboard_id: storyboard_id is required (also read as stroyboard_id, the documented spelling)',
    ]);
  });
});

describe('Get Generation and callbacks', () => {
  it('parses the AD-film Get Generation seed example', () => {
    expect(CreationsResponse.parse(SEED_AD_CREATIONS_RESPONSE)).toEqual(SEED_AD_CREATIONS_RESPONSE);
  });

  it('defaults err_code to "" and creations to []', () => {
    expect(CreationsResponse.parse({ state: 'processing', credits: 0 })).toEqual({
      state: 'processing',
      credits: 0,
      err_code: '',
      creations: [],
    });
  });

  it('types creation video facts from the tasks-list doc', () => {
    const out = CreationsResponse.parse({
      state: 'success',
      credits: 10,
      bgm: false,
      off_peak: true,
      creations: [
        {
          id: 'c',
          url: 'u',
          cover_url: 'cu',
          video: { duration: 5.04, fps: 24, resolution: { width: 1280, height: 720 } },
        },
      ],
    });
    expect(out.creations[0]!.video!.resolution!.width).toBe(1280);
  });

  it('reads a callback body with state', () => {
    expect(CallbackBody.parse(SEED_AD_CREATIONS_RESPONSE).state).toBe('success');
  });

  it('reads "status" as state when state is missing (docs/vidu-api.md §12 item 11)', () => {
    const { state: _state, ...rest } = SEED_AD_CREATIONS_RESPONSE;
    const out = CallbackBody.parse({ ...rest, status: 'failed', err_code: 'CreationPolicyViolation' });
    expect(out.state).toBe('failed');
    expect(out).not.toHaveProperty('status');
    expect(out.err_code).toBe('CreationPolicyViolation');
  });

  it('prefers state when both are present', () => {
    expect(CallbackBody.parse({ state: 'success', status: 'processing', credits: 1 }).state).toBe('success');
  });

  it('rejects a callback body with neither state nor status', () => {
    const r = CallbackBody.safeParse({ credits: 1 });
    expect(describeZodError(r.error!)).toEqual(['state: state is required (status is accepted in its place)']);
  });
});

describe('TaskListResponse', () => {
  it('parses the tasks-list shape and carries state/credits/client_request_id', () => {
    const out = TaskListResponse.parse({
      next_page_token: 'abc',
      tasks: [
        {
          id: '911045603801182208',
          key_id: 'k1',
          model: 'viduq2',
          prompt: 'p',
          images: ['u'],
          duration: 5,
          resolution: '720p',
          aspect_ratio: '16:9',
          state: 'success',
          credits: 20,
          created_at: '2025-11-10T15:03:01.749836088Z',
          client_request_id: 'vf-1',
          creations: [{ id: 'c1', url: 'u1', cover_url: 'c1' }],
        },
      ],
    });
    expect(out.tasks[0]).toMatchObject({ state: 'success', credits: 20, client_request_id: 'vf-1' });
    expect(out.tasks[0]!.creations).toHaveLength(1);
  });

  it('reads a single creations object as a one-element array (docs/vidu-api.md §12 item 13)', () => {
    const out = TaskListResponse.parse({ tasks: [{ id: '1', creations: { id: 'c', url: 'u', cover_url: 'c' } }] });
    expect(out.next_page_token).toBe('');
    expect(out.tasks[0]!.creations).toEqual([{ id: 'c', url: 'u', cover_url: 'c' }]);
  });

  it('reads an empty page', () => {
    expect(TaskListResponse.parse({})).toEqual({ next_page_token: '', tasks: [] });
  });
});

describe('CancelResponse', () => {
  it.each([{}, null])('reads %j as {}', (body) => {
    expect(CancelResponse.parse(body)).toEqual({});
  });
});

describe('CreditsResponse (docs/vidu-api.md §12 item 12)', () => {
  const remain = { type: 'metered', credit_remain: 1000, concurrency_limit: 5, current_concurrency: 1, queue_count: 0 };

  it('reads the example spelling `remains` with packages', () => {
    const pkg = {
      id: 'p1',
      name: 'Starter',
      type: 'metered',
      concurrency: 5,
      credit_amount: 2000,
      credit_remain: 1000,
      created_at: '2025-01-01T00:00:00Z',
      purchase_at: '2025-01-01T00:00:00Z',
      valid_from: '2025-01-01T00:00:00Z',
      valid_to: '2026-01-01T00:00:00Z',
    };
    expect(CreditsResponse.parse({ remains: [remain], packages: [pkg] })).toEqual({
      remains: [remain],
      packages: [pkg],
    });
  });

  it('reads the table spelling `remaining_credits` as remains', () => {
    expect(CreditsResponse.parse({ remaining_credits: [remain] })).toEqual({ remains: [remain], packages: [] });
  });
});

describe('ViduErrorBody', () => {
  it('parses the cancel-page error example', () => {
    const body = {
      code: 400,
      reason: 'BadRequest',
      message: 'task state is scheduled, can not cancel',
      metadata: { trace_id: '0123456789abcdef0123456789abcdef' },
    };
    expect(ViduErrorBody.parse(body)).toEqual(body);
  });

  it('tolerates a missing or odd metadata', () => {
    expect(ViduErrorBody.safeParse({ code: 429, reason: 'TooManyRequests', message: 'slow down' }).success).toBe(true);
    expect(
      ViduErrorBody.safeParse({ code: 500, reason: 'InternalServiceFailure', message: 'x', metadata: { region: 'cn' } })
        .success,
    ).toBe(true);
  });

  it('rejects a body without reason', () => {
    const r = ViduErrorBody.safeParse({ code: 400, message: 'x' });
    expect(describeZodError(r.error!)).toEqual(['reason: reason is required']);
  });
});
