// CPU time and memory of a process from /proc (Linux), for the workers the bench measures.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU milliseconds the process has used so far (all its threads). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

/** Resident set size and its peak (VmHWM), in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * Resets the peak RSS (VmHWM) to the current RSS, so a peak measured afterwards belongs to the run
 * and not to start-up (the baseline worker bundles its workflows with webpack when it starts).
 * Returns false where the kernel does not allow it; the sampler still sees the run's peak.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a set of processes every `everyMs`: CPU at start and stop, the highest RSS seen. */
export class ProcessMeter {
  private readonly start = new Map<number, number>();
  private readonly peak = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pids: readonly number[],
    everyMs = 250,
  ) {
    for (const pid of pids) {
      resetPeak(pid);
      this.start.set(pid, cpuMs(pid));
      this.peak.set(pid, memoryMiB(pid).rss);
    }
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const pid of this.pids) {
      try {
        this.peak.set(pid, Math.max(this.peak.get(pid) ?? 0, memoryMiB(pid).rss));
      } catch {
        // Exited: keep what was seen.
      }
    }
  }

  /** CPU ms used since the meter started (summed over the processes) and the peak RSS (the largest). */
  stop(): { cpuMs: number; peakRssMiB: number } {
    clearInterval(this.timer);
    this.sample();
    let cpu = 0;
    let peak = 0;
    for (const pid of this.pids) {
      try {
        cpu += cpuMs(pid) - (this.start.get(pid) ?? 0);
        peak = Math.max(peak, this.peak.get(pid) ?? 0, memoryMiB(pid).peak);
      } catch {
        peak = Math.max(peak, this.peak.get(pid) ?? 0);
      }
    }
    return { cpuMs: cpu, peakRssMiB: peak };
  }
}
