// The Grafana dashboard (deploy/grafana/vidu-flow.json) is built on the metric names declared in
// contract/metric-names.ts: every vidu_flow_* name it queries exists, and every metric is shown.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CallbackMetric, WorkerMetric } from '../../contract/metric-names';

const dashboard = JSON.parse(readFileSync(path.join(__dirname, '../../deploy/grafana/vidu-flow.json'), 'utf8')) as {
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
};
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const declared = new Set<string>([...Object.values(WorkerMetric), ...Object.values(CallbackMetric)]);
const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

describe('Grafana dashboard', () => {
  it('queries only declared vidu-flow metrics', () => {
    const used = exprs.flatMap((e) => [...e.matchAll(/\bvidu_flow_\w+/g)].map((m) => m[0]));
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(declared.has(name) || declared.has(base(name)), name).toBe(true);
  });

  it('shows every declared metric', () => {
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\bvidu_flow_\w+/g)].map((m) => base(m[0]))));
    for (const name of declared) expect(used.has(name) || used.has(base(name)), name).toBe(true);
  });

  it('has balanced braces and parentheses in every query', () => {
    for (const e of exprs) {
      for (const [open, close] of [
        ['{', '}'],
        ['(', ')'],
        ['[', ']'],
      ] as const) {
        expect(e.split(open).length, `${open} in ${e}`).toBe(e.split(close).length);
      }
    }
  });
});
