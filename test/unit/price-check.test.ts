// The worker's price-mismatch sink (worker/price-check.ts): one log line per kind, model and
// parameter set, whatever the number of tasks; another parameter set gets its own.
import { describe, expect, it } from 'vitest';
import { priceCheckSinks } from '../../worker/price-check';
import type { PriceMismatch } from '../../workflows/common/price-check-sink';

const base: PriceMismatch = {
  kind: 'img2video',
  model: 'viduq1',
  parameters: 'img2video viduq1 1080p, 5 s: 80',
  estimated: 80,
  charged: 100,
  taskId: '900',
};

describe('priceCheckSinks', () => {
  it('logs a parameter set once, another one again, and is not called on replay', () => {
    const lines: string[] = [];
    const sink = priceCheckSinks((l) => lines.push(l)).priceCheck.mismatch;
    expect(sink.callDuringReplay).toBe(false);
    const call = (m: PriceMismatch) => sink.fn({} as never, m);
    call(base);
    call({ ...base, taskId: '901' });
    call({
      ...base,
      parameters: 'img2video viduq1 1080p, 5 s: 80; off-peak half, rounded up: 40',
      estimated: 40,
      charged: 60,
    });
    call({ ...base, model: 'viduq1-classic' });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /price table off for img2video viduq1: Vidu charged 100 credits, the estimate was 80 \(25 %; img2video viduq1 1080p, 5 s: 80; e\.g\. task 900\)/,
    );
    expect(lines[1]).toMatch(/estimate was 40 \(50 %/);
    expect(lines[2]).toMatch(/viduq1-classic/);
  });

  it('says "no estimate" rather than dividing by zero', () => {
    const lines: string[] = [];
    priceCheckSinks((l) => lines.push(l)).priceCheck.mismatch.fn({} as never, { ...base, estimated: 0, charged: 5 });
    expect(lines[0]).toMatch(/estimate was 0 \(no estimate;/);
  });
});
