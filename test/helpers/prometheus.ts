// Reads a Prometheus /metrics page into numbers, for tests that check counters against what the
// simulator counted.

/** Prometheus text → value of each series, keyed `name{label="v",…}` with labels sorted. */
export async function scrape(base: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`${base}/metrics: HTTP ${res.status}`);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => `${l[1]}="${l[2]}"`).sort();
    series.set(`${m[1]}{${labels.join(',')}}`, Number(m[3]));
  }
  return series;
}

/** Sum of every series of `name` whose labels include all of `want`, over one or more scrapes. */
export function total(
  scrapes: Map<string, number> | Array<Map<string, number>>,
  name: string,
  want: Record<string, string> = {},
): number {
  let sum = 0;
  for (const series of Array.isArray(scrapes) ? scrapes : [scrapes]) {
    for (const [key, value] of series) {
      if (key.slice(0, key.indexOf('{')) !== name) continue;
      if (Object.entries(want).every(([k, v]) => key.includes(`${k}="${v}"`))) sum += value;
    }
  }
  return sum;
}
