// The snapshot cache's memory side (its Redis side runs against a real redis-server in live.test.ts).
import { describe, expect, it } from 'vitest';
import { RiskSnapshotSchema } from '../../../shared/metrics-schema';
import { type RiskMetrics, SCALAR_METRICS } from '../../../shared/metrics';
import { silentLogger } from '../ports';
import { FIGURE, FIGURE_COUNT } from '../risk/metrics';
import { figuresOf } from '../testing';
import { SnapshotCache, snapshotOf } from './cache';

describe('snapshotOf', () => {
  it('copies every metric of the contract, each to its own field, and the meta fields', () => {
    const metrics = Object.fromEntries(SCALAR_METRICS.map((m, i) => [m, i + 0.5])) as unknown as RiskMetrics;
    metrics.concentration_risk = { max_position: 0.1, hhi: null, effective_positions: 5, top5: -0 };
    metrics.calmar_ratio = null;
    const reasons = { calmar_ratio: 'why', 'concentration_risk.hhi': 'why not' };
    const s = snapshotOf('p1', figuresOf(metrics), '2026-01-05', 252, reasons, '2026-01-05T15:00:00.000Z', true);
    expect(s.calmar_ratio).toBeNull();
    expect(s.concentration_risk.hhi).toBeNull();
    expect(Object.is(s.concentration_risk.top5, -0)).toBe(true);
    expect(s).toEqual({ ...metrics, portfolio_id: 'p1', as_of: '2026-01-05', observations: 252, null_reasons: reasons, timestamp: '2026-01-05T15:00:00.000Z', stale: true });
    expect(RiskSnapshotSchema.safeParse(s).success).toBe(true);
  });
});

describe('SnapshotCache', () => {
  const figures = () => Float64Array.from({ length: FIGURE_COUNT }, (_, i) => i / 8);

  it('keeps a copy of the figures: the vector it was written from may change afterwards', () => {
    const cache = new SnapshotCache({ logger: silentLogger });
    const f = figures();
    cache.write(cache.entry('p1'), f, '2026-01-05', 252, {}, '2026-01-05T15:00:00.000Z', false);
    f[FIGURE.var_95] = -0.5;
    f[FIGURE.calmar_ratio] = NaN;
    const s = cache.get('p1')!;
    expect(s.var_95).toBe(FIGURE.var_95 / 8);
    expect(s.calmar_ratio).toBe(FIGURE.calmar_ratio / 8);
    expect(RiskSnapshotSchema.safeParse(s).success).toBe(true);
  });

  it('hands out a new snapshot on each read, so a reader changing one cannot change the cache', () => {
    const cache = new SnapshotCache({ logger: silentLogger });
    cache.write(cache.entry('p1'), figures(), '2026-01-05', 252, {}, '2026-01-05T15:00:00.000Z', false);
    const first = cache.get('p1')!;
    first.var_95 = 123;
    first.concentration_risk.hhi = 9;
    expect(cache.get('p1')!.var_95).toBe(FIGURE.var_95 / 8);
    expect(cache.get('p1')!.concentration_risk.hhi).toBe(FIGURE['concentration_risk.hhi'] / 8);
    expect(cache.get('p1')).not.toBe(cache.get('p1'));
  });

  it('knows only written portfolios; a deleted entry is marked so its holder asks for a new one', () => {
    const cache = new SnapshotCache({ logger: silentLogger });
    const p1 = cache.entry('p1');
    cache.entry('p2'); // made, never written
    expect(cache.get('p1')).toBeUndefined();
    cache.write(p1, figures(), '2026-01-05', 252, {}, '2026-01-05T15:00:00.000Z', true);
    expect(cache.all().map((s) => [s.portfolio_id, s.stale])).toEqual([['p1', true]]);
    expect(cache.get('p2')).toBeUndefined();

    cache.delete('p1');
    expect(p1.removed).toBe(true);
    expect(cache.get('p1')).toBeUndefined();
    expect(cache.all()).toEqual([]);
    const again = cache.entry('p1');
    expect(again).not.toBe(p1);
    expect(again.written).toBe(false);
  });

  it('rewrites an entry from its own figures (a changed stale flag keeps them)', () => {
    const cache = new SnapshotCache({ logger: silentLogger });
    const e = cache.entry('p1');
    cache.write(e, figures(), '2026-01-05', 252, { calmar_ratio: 'why' }, '2026-01-05T15:00:00.000Z', false);
    cache.write(e, e.values, e.as_of, e.observations, e.null_reasons, '2026-01-05T15:02:00.000Z', true);
    const s = cache.get('p1')!;
    expect(s).toMatchObject({ stale: true, timestamp: '2026-01-05T15:02:00.000Z', as_of: '2026-01-05', observations: 252, null_reasons: { calmar_ratio: 'why' } });
    expect(s.var_95).toBe(FIGURE.var_95 / 8);
  });
});
