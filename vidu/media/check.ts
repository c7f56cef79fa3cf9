import type { MediaProbe } from './probe';
import type { MediaLimit } from './media-limit';

/** Vidu's "MB" read as MiB: the larger of the two readings, so we never refuse what Vidu might take. */
export const BYTES_PER_MEGABYTE = 1024 * 1024;

/**
 * Checks one probed input against one documented limit. Returns one message
 * per violation (empty = acceptable), each naming the field and the rule, so
 * a workflow can fail before Vidu charges for a task it would reject.
 * A video whose container records no duration is not failed on duration:
 * only Vidu can judge it, and refusing it here would be a guess.
 */
export function checkMedia(probe: MediaProbe, bytesLength: number, limit: MediaLimit, fieldPath: string): string[] {
  const problems: string[] = [];
  const say = (text: string): void => {
    problems.push(`${fieldPath}: ${text}`);
  };

  const maxBytes = limit.maxMegabytes * BYTES_PER_MEGABYTE;
  const sizeProblem = bytesLength > maxBytes ? sizeMessage(bytesLength, limit.maxMegabytes) : undefined;

  if (probe.kind !== limit.kind) {
    say(`expected ${article(limit.kind)} (${limit.formats.join(', ')}), got a ${probe.format} ${probe.kind}`);
    if (sizeProblem) say(sizeProblem);
    return problems;
  }

  if (!limit.formats.includes(probe.format))
    say(`format ${probe.format} is not accepted (${limit.formats.join(', ')})`);
  if (sizeProblem) say(sizeProblem);

  const { width, height } = probe;
  const pictured = probe.kind !== 'audio';
  const tooSmall = limit.minSidePx !== undefined && (width < limit.minSidePx || height < limit.minSidePx);
  const tooLarge = limit.maxSidePx !== undefined && (width > limit.maxSidePx || height > limit.maxSidePx);
  if (pictured && (tooSmall || tooLarge))
    say(`${probe.kind} is ${width}×${height} px; ${limit.endpoint} needs ${sideRule(limit)}`);

  const long = Math.max(width, height);
  const short = Math.min(width, height);
  // Integer cross-multiplication: 100×400 is exactly 1:4 and must not fail on float noise.
  if (pictured && long > limit.maxAspectRatio * short) {
    const ratio = beyond(long / short, limit.maxAspectRatio, 2);
    const shown = width >= height ? `${ratio}:1` : `1:${ratio}`;
    say(`aspect ratio ${shown} is outside 1:${limit.maxAspectRatio}–${limit.maxAspectRatio}:1`);
  }

  const duration = probe.durationSeconds;
  const { minDurationSeconds: min, maxDurationSeconds: max } = limit;
  if (duration !== undefined && ((min !== undefined && duration < min) || (max !== undefined && duration > max))) {
    const bound = max !== undefined && duration > max ? max : (min ?? 0);
    say(`${probe.kind} lasts ${beyond(duration, bound, 1)} s; ${limit.endpoint} accepts ${range(min, max, 's')}`);
  }
  return problems;
}

function sideRule(limit: MediaLimit): string {
  const { minSidePx: min, maxSidePx: max } = limit;
  if (min !== undefined && max !== undefined) return `width and height between ${min} and ${max} px`;
  if (min !== undefined) return `at least ${min}×${min} px`;
  return `width and height of at most ${max} px`;
}

function range(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined) return `${min}–${max} ${unit}`;
  if (min !== undefined) return `at least ${min} ${unit}`;
  return `at most ${max} ${unit}`;
}

function sizeMessage(bytes: number, maxMegabytes: number): string {
  const shown = (bytes / BYTES_PER_MEGABYTE).toFixed(1);
  // Just over the line, megabytes would need many decimals; exact bytes read better.
  if (Number(shown) === maxMegabytes) {
    return `${bytes} bytes exceeds the ${maxMegabytes} MB (${maxMegabytes * BYTES_PER_MEGABYTE} bytes) limit`;
  }
  return `${shown} MB exceeds the ${maxMegabytes} MB limit`;
}

const article = (kind: string): string =>
  kind === 'image' ? 'an image' : kind === 'audio' ? 'an audio file' : 'a video';

/**
 * Formats a value that broke `bound` with enough decimals that it does not
 * print as the bound itself (50 MB + 1 byte must not read "50.0 MB exceeds 50 MB").
 */
function beyond(value: number, bound: number, digits: number): string {
  let shown = value.toFixed(digits);
  while (Number(shown) === bound && digits < 9) shown = value.toFixed(++digits);
  return shown;
}
