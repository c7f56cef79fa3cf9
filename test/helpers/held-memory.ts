import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Peak growth of what the process holds while `fn` runs: the JS heap plus buffers outside it
 * (external counts every ArrayBuffer), sampled after a full GC so garbage not yet collected does
 * not count. RSS growth is returned too, for printing, not for asserting: the allocator keeps
 * freed pages mapped, so it drifts from run to run (a CI run of the S3 streaming test measured
 * 64.25 MB of RSS growth while heap + buffers stayed near 24 MB).
 */
export async function measureHeld<T>(
  fn: () => Promise<T>,
  everyMs = 50,
): Promise<{ result: T; heldPeakGrowth: number; rssPeakGrowth: number }> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const held = () => {
    const m = process.memoryUsage();
    return { js: m.heapUsed + m.external, rss: m.rss };
  };
  gc();
  const before = held();
  const peak = { ...before };
  const sample = () => {
    gc();
    const now = held();
    peak.js = Math.max(peak.js, now.js);
    peak.rss = Math.max(peak.rss, now.rss);
  };
  const timer = setInterval(sample, everyMs);
  try {
    const result = await fn();
    sample();
    return { result, heldPeakGrowth: peak.js - before.js, rssPeakGrowth: peak.rss - before.rss };
  } finally {
    clearInterval(timer);
  }
}
