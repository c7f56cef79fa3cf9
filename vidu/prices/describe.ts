// The price table in words, one line per entry: docs/vidu-pricing.md's table is generated from it
// (dev/gen-pricing-doc.ts; test/unit/vidu-pricing-doc.test.ts keeps the two the same), so the
// figures live once, in vidu/prices/table.ts.
import type { DurationCurve, PriceEntry, PriceRule } from './rules';

function curveText(c: DurationCurve): string {
  const parts = Object.entries(c.fixed ?? {}).map(([d, v]) => `${d} s: ${v}`);
  if (c.base !== undefined) {
    const from = c.from ?? 1;
    const step = c.step ?? 0;
    if (from === 1 && step === c.base) parts.push(`${step}/s`);
    else if (step === 0) parts.push(`${c.base}`);
    else parts.push(`${c.base} + ${step}·(d${from === 0 ? '' : ` − ${from}`})`);
  }
  return parts.join(', ');
}

export function ruleText(rule: PriceRule): string {
  switch (rule.per) {
    case 'video':
      return (
        (rule.perSegment ? 'per segment, summed: ' : '') +
        Object.entries(rule.resolutions)
          .map(([r, c]) => `${r} ${curveText(c)}`)
          .join('; ')
      );
    case 'image':
      return rule.tiers
        .map(
          (t) =>
            `≤${t.maxReferences} refs: ${Object.entries(t.credits)
              .map(([r, v]) => `${r} ${v}`)
              .join(', ')}`,
        )
        .join('; ');
    case 'length':
      return rule.tiers
        .map((t) => (t.underSeconds === undefined ? `else ${t.credits}` : `< ${t.underSeconds} s: ${t.credits}`))
        .join('; ');
    case 'characters':
      return `${rule.credits} per started ${rule.characters} characters`;
    case 'source-seconds':
      return `per started ${rule.seconds} s of source video: ${Object.entries(rule.credits)
        .map(([r, v]) => (r === '*' ? `${v}` : `${r} ${v}`))
        .join(', ')}`;
    case 'call':
      return `${rule.credits} per call`;
    case 'unknown':
      return `unpriced: ${rule.reason}`;
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** One Markdown table of the entries: kind, model, price, off-peak, surcharges, source, date, note. */
export function priceTableMarkdown(entries: readonly PriceEntry[]): string {
  const rows = entries.map((e) => {
    const extra = [
      e.audio ? `audio +${e.audio}` : '',
      e.isRec ? `is_rec +${e.isRec}` : '',
      e.lipSyncPerSecond ? `lip_sync +${e.lipSyncPerSecond}/s of audio` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const offPeak = e.rule.per === 'unknown' ? '' : e.offPeak === 'none' ? 'full price' : 'half, rounded up';
    return `| ${e.kind} | ${e.model} | ${cell(ruleText(e.rule))} | ${offPeak} | ${extra} | ${cell(e.source)} | ${e.readOn} | ${cell(e.note ?? '')} |`;
  });
  return [
    '| kind | model | credits (d = duration in s) | off_peak | surcharges | source | read | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
