// docs/vidu-pricing.md's table is generated from vidu/prices/table.ts: the figures live once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRICING_DOC, renderPricingDoc } from '../../dev/gen-pricing-doc';
import { PRICE_TABLE } from '../../vidu/prices';

describe('docs/vidu-pricing.md', () => {
  const doc = readFileSync(PRICING_DOC, 'utf8');

  it('carries the price table as vidu/prices/table.ts has it (regenerate: npx tsx dev/gen-pricing-doc.ts)', () => {
    expect(renderPricingDoc(doc) === doc, 'docs/vidu-pricing.md is out of date').toBe(true);
  });

  it('lists every entry with its source and date', () => {
    for (const e of PRICE_TABLE) expect(doc).toContain(`| ${e.kind} | ${e.model} |`);
    expect(doc).toContain('VIDU_FLOW_PRICES_FILE');
  });
});
