import { BitWriter } from './bit-writer';

/**
 * A hand-built Constrained Baseline H.264 stream showing one flat colour.
 *
 * Frame 0 (IDR): the top-left macroblock is I_PCM carrying the colour as raw
 * samples; every other macroblock is Intra16x16 DC prediction with no
 * residual, so the colour propagates across the picture at one byte per
 * macroblock. Later frames are P slices made of a single skip run, i.e. a
 * few bytes each. No encoder library, no ffmpeg, and the output is playable.
 */

export interface YCbCr {
  y: number;
  cb: number;
  cr: number;
}

export interface H264Stream {
  /** NAL units without start codes or length prefixes. */
  sps: Uint8Array;
  pps: Uint8Array;
  /** One NAL unit per frame; frame 0 is the IDR. */
  frames: Uint8Array[];
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
}

const PROFILE_BASELINE = 66;
/** constraint_set0 + constraint_set1: Baseline that Main decoders also accept ("Constrained Baseline"). */
const CONSTRAINT_FLAGS = 0xc0;
const LOG2_MAX_FRAME_NUM = 16;

const NAL_SLICE = 1;
const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;

const SLICE_P = 5; // +5: every slice of the picture has this type
const SLICE_I = 7;

const MB_I_PCM = 25;
const MB_I16X16_DC_NO_RESIDUAL = 3; // I_16x16_2_0_0: prediction mode 2 (DC), no chroma/luma AC
const CHROMA_PRED_DC = 0;

// Table A-1: [level_idc, MaxMBPS, MaxFS]. Levels 1b/1.x below 720p are irrelevant here but keep the search uniform.
const LEVELS: readonly (readonly [number, number, number])[] = [
  [10, 1485, 99],
  [11, 3000, 396],
  [12, 6000, 396],
  [13, 11880, 396],
  [20, 11880, 396],
  [21, 19800, 792],
  [22, 20250, 1620],
  [30, 40500, 1620],
  [31, 108000, 3600],
  [32, 216000, 5120],
  [40, 245760, 8192],
  [41, 245760, 8192],
  [42, 522240, 8704],
  [50, 589824, 22080],
  [51, 983040, 36864],
  [52, 2073600, 36864],
  [60, 4177920, 139264],
  [61, 8355840, 139264],
  [62, 16711680, 139264],
];

function pickLevel(mbWidth: number, mbHeight: number, fps: number): number {
  const frameMbs = mbWidth * mbHeight;
  for (const [level, maxMbps, maxFs] of LEVELS) {
    const maxSide = Math.sqrt(maxFs * 8); // A.3.1: neither dimension may exceed sqrt(8·MaxFS) macroblocks
    if (frameMbs <= maxFs && mbWidth <= maxSide && mbHeight <= maxSide && frameMbs * fps <= maxMbps) return level;
  }
  throw new RangeError(`${mbWidth * 16}×${mbHeight * 16} at ${fps} fps exceeds every H.264 level`);
}

/** Escapes 00 00 0x (x ≤ 3) so payload bytes can never look like a start code. */
function nal(refIdc: number, type: number, rbsp: Uint8Array): Uint8Array {
  const out: number[] = [(refIdc << 5) | type];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros === 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

function spsRbsp(
  mbWidth: number,
  mbHeight: number,
  cropRight: number,
  cropBottom: number,
  fps: number,
  level: number,
): Uint8Array {
  const w = new BitWriter();
  w.bits(PROFILE_BASELINE, 8).bits(CONSTRAINT_FLAGS, 8).bits(level, 8);
  w.ue(0); // seq_parameter_set_id
  w.ue(LOG2_MAX_FRAME_NUM - 4);
  w.ue(2); // pic_order_cnt_type 2: output order = decode order, no POC fields in slices
  w.ue(1); // max_num_ref_frames
  w.bit(0); // gaps_in_frame_num_value_allowed_flag
  w.ue(mbWidth - 1).ue(mbHeight - 1);
  w.bit(1); // frame_mbs_only_flag
  w.bit(1); // direct_8x8_inference_flag
  const cropped = cropRight > 0 || cropBottom > 0;
  w.bit(cropped ? 1 : 0);
  // 4:2:0 frame crop offsets count pairs of pixels.
  if (cropped)
    w.ue(0)
      .ue(cropRight / 2)
      .ue(0)
      .ue(cropBottom / 2);
  w.bit(1); // vui_parameters_present_flag
  w.bit(1).bits(1, 8); // aspect_ratio_idc 1: square pixels
  w.bit(0); // overscan_info_present_flag
  w.bit(0); // video_signal_type_present_flag
  w.bit(0); // chroma_loc_info_present_flag
  w.bit(1)
    .bits(1, 32)
    .bits(2 * fps, 32)
    .bit(1); // timing: tick = 1 / (2·fps) (one field), fixed frame rate
  w.bit(0).bit(0); // no NAL/VCL HRD
  w.bit(0); // pic_struct_present_flag
  // bitstream_restriction: zero reorder depth lets decoders output each frame immediately.
  w.bit(1).bit(1).ue(0).ue(0).ue(1).ue(1).ue(0).ue(1);
  return w.finishRbsp();
}

function ppsRbsp(): Uint8Array {
  const w = new BitWriter();
  w.ue(0).ue(0); // pic_parameter_set_id, seq_parameter_set_id
  w.bit(0); // entropy_coding_mode_flag: CAVLC
  w.bit(0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0).ue(0); // num_ref_idx_l0/l1_default_active_minus1
  w.bit(0).bits(0, 2); // weighted_pred_flag, weighted_bipred_idc
  w.se(0).se(0).se(0); // pic_init_qp/qs_minus26, chroma_qp_index_offset
  w.bit(1); // deblocking_filter_control_present_flag, so slices can switch it off
  w.bit(0); // constrained_intra_pred_flag
  w.bit(0); // redundant_pic_cnt_present_flag
  return w.finishRbsp();
}

function sliceHeader(w: BitWriter, idr: boolean, frameNum: number): void {
  w.ue(0); // first_mb_in_slice
  w.ue(idr ? SLICE_I : SLICE_P);
  w.ue(0); // pic_parameter_set_id
  w.bits(frameNum, LOG2_MAX_FRAME_NUM);
  if (idr) {
    w.ue(0); // idr_pic_id
  } else {
    w.bit(0); // num_ref_idx_active_override_flag
    w.bit(0); // ref_pic_list_modification_flag_l0
  }
  // dec_ref_pic_marking: IDR → no_output_of_prior_pics, long_term_reference; P → sliding window.
  if (idr) w.bit(0).bit(0);
  else w.bit(0);
  w.se(0); // slice_qp_delta
  // Deblocking off: the picture is flat, and it keeps the PCM block bit-exact.
  w.ue(1);
}

function idrRbsp(mbWidth: number, mbHeight: number, colour: YCbCr): Uint8Array {
  const w = new BitWriter();
  sliceHeader(w, true, 0);

  w.ue(MB_I_PCM).alignWithZeros();
  w.bytes(new Uint8Array(256).fill(colour.y));
  w.bytes(new Uint8Array(64).fill(colour.cb));
  w.bytes(new Uint8Array(64).fill(colour.cr));

  for (let mb = 1; mb < mbWidth * mbHeight; mb++) {
    const x = mb % mbWidth;
    const y = Math.floor(mb / mbWidth);
    w.ue(MB_I16X16_DC_NO_RESIDUAL).ue(CHROMA_PRED_DC).se(0); // mb_type, intra_chroma_pred_mode, mb_qp_delta
    // The DC luma block is always coded for Intra16x16; its CAVLC table depends on nC, the
    // neighbours' coefficient counts. An I_PCM neighbour counts as 16, everything else here as 0.
    const left = x > 0 ? (x === 1 && y === 0 ? 16 : 0) : undefined;
    const above = y > 0 ? (x === 0 && y === 1 ? 16 : 0) : undefined;
    const nC = left !== undefined && above !== undefined ? (left + above + 1) >> 1 : (left ?? above ?? 0);
    w.code(nC >= 8 ? '000011' : '1'); // coeff_token for TotalCoeff=0, TrailingOnes=0 (Table 9-5)
  }
  return w.finishRbsp();
}

function skipRbsp(frameNum: number, mbCount: number): Uint8Array {
  const w = new BitWriter();
  sliceHeader(w, false, frameNum);
  w.ue(mbCount); // mb_skip_run covering the whole picture: copy the previous frame
  return w.finishRbsp();
}

export function encodeSolidH264(
  width: number,
  height: number,
  frameCount: number,
  fps: number,
  colour: YCbCr,
): H264Stream {
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new RangeError(`H.264 4:2:0 needs even dimensions, got ${width}×${height}`);
  }
  const mbWidth = Math.ceil(width / 16);
  const mbHeight = Math.ceil(height / 16);
  const level = pickLevel(mbWidth, mbHeight, fps);
  const sps = nal(3, NAL_SPS, spsRbsp(mbWidth, mbHeight, mbWidth * 16 - width, mbHeight * 16 - height, fps, level));
  const pps = nal(3, NAL_PPS, ppsRbsp());
  const frames = [nal(3, NAL_IDR, idrRbsp(mbWidth, mbHeight, colour))];
  for (let i = 1; i < frameCount; i++) {
    frames.push(nal(2, NAL_SLICE, skipRbsp(i % 2 ** LOG2_MAX_FRAME_NUM, mbWidth * mbHeight)));
  }
  return { sps, pps, frames, profileIdc: PROFILE_BASELINE, constraintFlags: CONSTRAINT_FLAGS, levelIdc: level };
}
