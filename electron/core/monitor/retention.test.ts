// Retention on a real SQLite file, time from a ManualClock: full resolution for 7 days, the last
// snapshot of each 5-minute bucket until 90 days, then the last of each day.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RiskSnapshot } from '../../../shared/metrics';
import { ManualClock } from '../ports';
import { Store } from '../store/store';
import { tempDir } from '../testing';
import { applyRetention, DEFAULT_RETENTION, validateRetention } from './retention';
import { TEST_PORTFOLIOS } from './testbook';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

/** A snapshot whose gross_exposure is its own timestamp: the kept rows name themselves. */
function snap(portfolio_id: string, ts: number): RiskSnapshot {
  const s = { portfolio_id, as_of: new Date(ts).toISOString().slice(0, 10), observations: 10, timestamp: new Date(ts).toISOString(), null_reasons: {}, stale: false } as RiskSnapshot;
  s.concentration_risk = { max_position: 0.5, hhi: 0.3, effective_positions: 3.3, top5: 1 };
  for (const k of ['var_95', 'var_99', 'cvar_95', 'cvar_99', 'volatility', 'nav'] as const) s[k] = -0.01;
  s.gross_exposure = ts;
  return s;
}

/** A snapshot every 30 s over [from, from + minutes). */
function every30s(store: Store, portfolio_id: string, from: number, minutes: number): number[] {
  const ts = Array.from({ length: minutes * 2 }, (_, i) => from + i * 30_000);
  store.snapshots.insertMany(ts.map((t) => snap(portfolio_id, t)));
  return ts;
}

function open(name: string) {
  const clock = new ManualClock(NOW);
  const store = Store.open(path.join(tmp.dir, name), clock);
  for (const p of TEST_PORTFOLIOS) store.book.upsertPortfolio(p);
  return { clock, store };
}

describe('snapshot retention', () => {
  it('keeps 7 days raw, then the last of each 5 minutes, then the last of each day; history reads all three', async () => {
    const { store } = open('retention.db');
    const recent = every30s(store, 'p1', NOW - 2 * DAY, 60); // stays raw
    const tenDaysAgo = Date.parse('2026-05-22T09:00:00.000Z');
    every30s(store, 'p1', tenDaysAgo, 60); // 120 rows -> 12 five-minute rows
    every30s(store, 'p2', tenDaysAgo, 15); // another portfolio, its own buckets: 30 rows -> 3
    const day1 = Date.parse('2026-02-01T10:00:00.000Z');
    const day2 = Date.parse('2026-02-02T22:00:00.000Z');
    const old1 = every30s(store, 'p1', day1, 120);
    const old2 = every30s(store, 'p1', day2, 30);

    const result = await applyRetention(store.snapshots, DEFAULT_RETENTION, NOW, async () => undefined);

    expect(store.snapshots.countByResolution('p1')).toEqual({ raw: 120, '5m': 12, '1d': 2 });
    expect(store.snapshots.countByResolution('p2')).toEqual({ raw: 0, '5m': 3, '1d': 0 });
    // 120 rows in 12 buckets, 30 in 3, 240 (two hours) in 24 and 60 in 6; then 24 + 6 five-minute rows into 2 days.
    expect(result).toEqual({ downsampled5m: 108 + 27 + 216 + 54, downsampled1d: 23 + 5, dropped: 0 });

    const h = store.snapshots.history('p1', 'gross_exposure', 0, NOW + 1);
    // Each kept row is the last snapshot of its bucket: gross_exposure is that row's own ts.
    expect(h.filter((x) => x.resolution === '1d').map((x) => x.value)).toEqual([old1.at(-1), old2.at(-1)]);
    const fives = h.filter((x) => x.resolution === '5m');
    expect(fives.map((x) => x.ts)).toEqual(Array.from({ length: 12 }, (_, i) => tenDaysAgo + i * 300_000 + 270_000));
    expect(fives.every((x) => x.value === x.ts)).toBe(true);
    expect(h.filter((x) => x.resolution === 'raw').map((x) => x.ts)).toEqual(recent);
    store.close();
  });

  it('folds in stages as the clock moves: raw to 5 minutes after 7 days, 5 minutes to days after 90', async () => {
    const { clock, store } = open('stages.db');
    const t = Date.parse('2026-06-01T08:00:00.000Z');
    every30s(store, 'p3', t, 20);
    const run = () => applyRetention(store.snapshots, DEFAULT_RETENTION, clock.now(), async () => undefined);

    clock.set(t + 7 * DAY - 60_000);
    await run();
    expect(store.snapshots.countByResolution('p3')).toEqual({ raw: 40, '5m': 0, '1d': 0 });
    clock.set(t + 7 * DAY + 10 * 60_000);
    await run();
    // Only whole 5-minute buckets older than 7 days fold; the rest wait for the next run.
    expect(store.snapshots.countByResolution('p3')).toEqual({ raw: 20, '5m': 2, '1d': 0 });
    clock.set(t + 8 * DAY);
    await run();
    expect(store.snapshots.countByResolution('p3')).toEqual({ raw: 0, '5m': 4, '1d': 0 });
    clock.set(t + 91 * DAY);
    await run();
    expect(store.snapshots.countByResolution('p3')).toEqual({ raw: 0, '5m': 0, '1d': 1 });
    const [kept] = store.snapshots.history('p3', 'gross_exposure', 0, clock.now());
    expect(kept).toEqual({ ts: t + 39 * 30_000, value: t + 39 * 30_000, resolution: '1d', stale: false });
    store.close();
  });

  it('drops everything past dropAfterDays when set, and checks the policy', async () => {
    const { store } = open('drop.db');
    every30s(store, 'p1', NOW - 400 * DAY, 10);
    every30s(store, 'p1', NOW - 100 * DAY, 10);
    const r = await applyRetention(store.snapshots, { rawDays: 7, fiveMinuteDays: 90, dropAfterDays: 365 }, NOW, async () => undefined);
    expect(r.dropped).toBe(1);
    expect(store.snapshots.countByResolution('p1')).toEqual({ raw: 0, '5m': 0, '1d': 1 });
    expect(() => validateRetention({ rawDays: 10, fiveMinuteDays: 5, dropAfterDays: null })).toThrow(/fiveMinuteDays must be at least rawDays/);
    expect(() => validateRetention({ rawDays: -1, fiveMinuteDays: 5, dropAfterDays: null })).toThrow(/rawDays/);
    store.close();
  });

  it('history queries use the (portfolio_id, ts) index', () => {
    const { store } = open('plan.db');
    const plan = store.sqlite
      .prepare("explain query plan select ts, json_extract(metrics, '$.var_95') from risk_snapshots where portfolio_id = ? and ts >= ? and ts < ? order by ts desc limit 10")
      .all('p1', 0, 1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX risk_snapshots_portfolio_ts_idx/);
    store.close();
  });
});
