import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../ports';
import { Store } from '../store/store';
import { tempDir } from '../testing';
import { DEMO_DAYS, DEMO_INSTRUMENTS, DEMO_PORTFOLIOS, businessDays, generateDemoPrices, previousBusinessDay } from './generator';
import { seedDemoBook } from './seed';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('demo book', () => {
  it('is reproducible: same seed and dates, same prices', () => {
    const a = generateDemoPrices({ lastDate: '2026-11-25', seed: 7 });
    const b = generateDemoPrices({ lastDate: '2026-11-25', seed: 7 });
    const c = generateDemoPrices({ lastDate: '2026-11-25', seed: 8 });
    expect(Array.from(a.closes)).toEqual(Array.from(b.closes));
    expect(Array.from(a.closes)).not.toEqual(Array.from(c.closes));
  });

  it('covers at least two years of weekdays ending the business day before today', () => {
    expect(previousBusinessDay(Date.parse('2026-11-30T10:00:00Z'))).toBe('2026-11-27'); // Monday -> Friday
    expect(previousBusinessDay(Date.parse('2026-11-26T10:00:00Z'))).toBe('2026-11-25');
    const days = businessDays('2026-11-25', DEMO_DAYS);
    expect(days.at(-1)).toBe('2026-11-25');
    expect(days.every((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))).toBe(true);
    expect(Date.parse(days.at(-1)!) - Date.parse(days[0])).toBeGreaterThan(2 * 365 * 86_400_000);
  });

  it('has fat tails and correlated holdings', () => {
    const t = generateDemoPrices({ lastDate: '2026-11-25' });
    const n = t.symbols.length;
    const ret = (sym: string) => {
      const j = t.symbols.indexOf(sym);
      const r: number[] = [];
      for (let d = 1; d < t.dates.length; d++) r.push(t.closes[d * n + j] / t.closes[(d - 1) * n + j] - 1);
      return r;
    };
    const stats = (x: number[]) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length;
      const k = x.reduce((a, b) => a + (b - m) ** 4, 0) / x.length / (v * v);
      return { m, v, k };
    };
    const corr = (x: number[], y: number[]) => {
      const sx = stats(x), sy = stats(y);
      return x.reduce((a, xi, i) => a + (xi - sx.m) * (y[i] - sy.m), 0) / x.length / Math.sqrt(sx.v * sy.v);
    };
    expect(stats(ret('SPY')).k).toBeGreaterThan(3.3); // a normal has kurtosis 3
    expect(corr(ret('AAPL'), ret('MSFT'))).toBeGreaterThan(0.4);
    expect(corr(ret('SPY'), ret('TLT'))).toBeLessThan(0);
  });

  it('seeds a new database with every portfolio, instrument, price and a default threshold', () => {
    const store = Store.open(`${tmp.dir}/demo.db`, new ManualClock(Date.parse('2026-11-26T12:00:00Z')));
    seedDemoBook(store);
    expect(store.book.countPortfolios()).toBe(DEMO_PORTFOLIOS.length);
    expect(store.book.listInstruments().length).toBe(DEMO_INSTRUMENTS.length);
    expect(store.book.countPrices()).toBe(DEMO_INSTRUMENTS.length * DEMO_DAYS);
    expect(store.book.listPrices().at(-1)!.date).toBe('2026-11-25');
    expect(store.thresholds.list().length).toBeGreaterThan(3);
    // Escalation: on-call at once, head of risk at 15 min, CRO at 30 min for CRITICAL; every severity has a rule.
    expect(store.contacts.list().map((c) => c.role)).toEqual(['on_call_risk', 'head_of_risk', 'cro']);
    expect(store.escalation.listRules().map((r) => r.severity).sort()).toEqual(['CRITICAL', 'HIGH', 'LOW', 'MEDIUM']);
    expect(store.escalation.matchRule('CRITICAL', 'levered_book')!.steps.map((s) => [s.delay_minutes, s.recipients, s.channels])).toEqual([
      [0, [{ role: 'on_call_risk' }], ['email', 'desktop']],
      [15, [{ role: 'head_of_risk' }], ['both']],
      [30, [{ role: 'cro' }], ['both']],
    ]);
    // Weights become share counts at the last close: the levered book's gross is about 3.5x NAV.
    const lastClose = new Map(store.book.listPrices().filter((p) => p.date === '2026-11-25').map((p) => [p.symbol, p.close]));
    const gross = store.book.listPositions('levered_book').reduce((a, p) => a + Math.abs(p.quantity * lastClose.get(p.symbol)!), 0);
    expect(gross / 10_000_000).toBeCloseTo(3.5, 1);
    store.close();
  });
});
