// Seeding a new database with the demo book and its default limits.
import { ThresholdInput } from '../../../shared/domain';
import type { Store } from '../store/store';
import { DEMO_INSTRUMENTS, DEMO_PORTFOLIOS, demoPositions, generateDemoPrices, previousBusinessDay } from './generator';

/**
 * Default limits, chosen against the seeded history so a first run shows every colour:
 * the levered book (leverage 3.5x, VaR 95 about -7.8%) and the concentrated book (NVDA at 45%)
 * breach (red); tech growth (VaR 95 about -3.1%, drawdown about -27%), global equity and macro
 * (largest position 27-28%) sit in the amber band; long/short and low-vol income stay green.
 */
export const DEMO_THRESHOLDS: ThresholdInput[] = [
  { portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.035, comparison_type: 'less_than', severity: 'HIGH', description: 'One-day 95% VaR beyond 3.5% of NAV' },
  { portfolio_id: '*', metric_type: 'var_99', threshold_value: -0.05, comparison_type: 'less_than', severity: 'CRITICAL', description: 'One-day 99% VaR beyond 5% of NAV' },
  { portfolio_id: '*', metric_type: 'leverage_ratio', threshold_value: 3, comparison_type: 'greater_than', severity: 'CRITICAL', description: 'Gross leverage above 3x' },
  { portfolio_id: '*', metric_type: 'concentration_risk.max_position', threshold_value: 0.3, comparison_type: 'greater_than', severity: 'HIGH', description: 'Single position above 30% of NAV' },
  { portfolio_id: '*', metric_type: 'max_drawdown', threshold_value: -0.3, comparison_type: 'less_than', severity: 'MEDIUM', description: 'Drawdown over the window beyond 30%' },
  { portfolio_id: 'tech_growth', metric_type: 'volatility', threshold_value: 0.35, comparison_type: 'greater_than', severity: 'MEDIUM', description: 'Tech book annualised volatility above 35%' },
];

export interface SeedOptions {
  seed?: number;
  actor?: string;
}

/** Writes the demo book (instruments, ~2 years of closes, portfolios, positions) and default thresholds in one transaction. */
export function seedDemoBook(store: Store, opts: SeedOptions = {}): void {
  const actor = opts.actor ?? 'system:demo';
  const table = generateDemoPrices({ seed: opts.seed, lastDate: previousBusinessDay(store.clock.now()) });
  store.transaction(() => {
    for (const ins of DEMO_INSTRUMENTS) {
      store.book.upsertInstrument({ symbol: ins.symbol, name: ins.name, assetClass: ins.assetClass, sector: ins.sector, currency: 'USD', multiplier: 1 });
    }
    const n = table.symbols.length;
    for (let d = 0; d < table.dates.length; d++) {
      for (let s = 0; s < n; s++) store.book.upsertPrice({ symbol: table.symbols[s], date: table.dates[d], close: table.closes[d * n + s] });
    }
    for (const p of DEMO_PORTFOLIOS) store.book.upsertPortfolio({ id: p.id, name: p.name, nav: p.nav, currency: p.currency });
    for (const pos of demoPositions(table)) store.book.setPosition(pos);
    for (const t of DEMO_THRESHOLDS) store.thresholds.create(ThresholdInput.parse(t), actor);
    store.audit.record({ actor, entity: 'book', entityId: 'demo', action: 'seed', after: { portfolios: DEMO_PORTFOLIOS.length, instruments: n, days: table.dates.length } });
  });
}
