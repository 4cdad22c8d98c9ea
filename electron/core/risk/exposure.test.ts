// Exposure figures against a plain reference (sort everything), for any market values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exposure } from './exposure';

function reference(mv: number[]) {
  const abs = mv.map(Math.abs);
  const gross = abs.reduce((s, a) => s + a, 0);
  const sorted = [...abs].sort((a, b) => b - a);
  const top = sorted.slice(0, 5);
  return { gross, largest: sorted[0] ?? 0, top5: gross > 0 ? top.reduce((s, a) => s + a, 0) / gross : NaN, hhi: gross > 0 ? abs.reduce((s, a) => s + (a / gross) ** 2, 0) : NaN };
}

describe('exposure', () => {
  it('a hand-computed book: gross, net, largest, HHI and the top five', () => {
    const e = exposure(Float64Array.from([100, -300, 50, 25, -25, 500]));
    expect(e.gross).toBe(1000);
    expect(e.net).toBe(350);
    expect(e.largest).toBe(500);
    expect(e.top5).toBeCloseTo((500 + 300 + 100 + 50 + 25) / 1000, 15);
    expect(e.hhi).toBeCloseTo(0.01 + 0.09 + 0.0025 + 0.000625 * 2 + 0.25, 15);
  });

  it('matches sorting every position, ties and fewer than five positions included', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e9, max: 1e9, noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (mv) => {
        const e = exposure(Float64Array.from(mv));
        const r = reference(mv);
        expect(e.largest).toBe(r.largest);
        expect(e.gross).toBeCloseTo(r.gross, 6);
        if (r.gross > 0) {
          expect(Math.abs(e.top5 - r.top5)).toBeLessThanOrEqual(1e-12);
          expect(Math.abs(e.hhi - r.hhi)).toBeLessThanOrEqual(1e-12);
        } else {
          expect(e.top5).toBeNaN();
          expect(e.hhi).toBeNaN();
        }
      }),
    );
  });
});
