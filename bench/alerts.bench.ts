// Alert engine figures: the cost of a threshold check on the hot path, a full cycle of 10,000
// thresholds over 1,000 portfolios, a cycle that opens alerts (SQLite writes), and the write
// volume of continuing breaches.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ThresholdInput } from '../shared/domain';
import type { MetricPath, RiskSnapshot } from '../shared/metrics';
import { AlertEngine } from '../electron/core/alerts/engine';
import { snapshot, T0 } from '../electron/core/alerts/test-support';
import { EventBus } from '../electron/core/events';
import { ManualClock } from '../electron/core/ports';
import { Store } from '../electron/core/store/store';
import { ms, percentile, report, rssMb } from './util';

const PORTFOLIOS = 1000;
const PER_PORTFOLIO = 10;
const METRICS: { metric: MetricPath; limit: number; cmp: 'less_than' | 'greater_than'; base: number }[] = [
  { metric: 'var_95', limit: -0.05, cmp: 'less_than', base: -0.02 },
  { metric: 'var_99', limit: -0.08, cmp: 'less_than', base: -0.03 },
  { metric: 'cvar_95', limit: -0.07, cmp: 'less_than', base: -0.03 },
  { metric: 'volatility', limit: 0.4, cmp: 'greater_than', base: 0.2 },
  { metric: 'max_drawdown', limit: -0.25, cmp: 'less_than', base: -0.1 },
  { metric: 'leverage_ratio', limit: 3, cmp: 'greater_than', base: 1.5 },
  { metric: 'concentration_risk.max_position', limit: 0.3, cmp: 'greater_than', base: 0.12 },
  { metric: 'concentration_risk.top5', limit: 0.8, cmp: 'greater_than', base: 0.5 },
  { metric: 'gross_exposure', limit: 5e7, cmp: 'greater_than', base: 2e7 },
  { metric: 'var_95_amount', limit: -5e5, cmp: 'less_than', base: -2e5 },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-desk-bench-alerts-'));
try {
  const clock = new ManualClock(T0);
  const store = Store.open(path.join(dir, 'alerts.db'), clock);
  const ids = Array.from({ length: PORTFOLIOS }, (_, i) => `pf${String(i).padStart(4, '0')}`);
  store.transaction(() => {
    for (const id of ids) store.book.upsertPortfolio({ id, name: id, nav: 1e7, currency: 'USD' });
    for (const id of ids) {
      for (const m of METRICS.slice(0, PER_PORTFOLIO)) {
        store.thresholds.create(ThresholdInput.parse({ portfolio_id: id, metric_type: m.metric, threshold_value: m.limit, comparison_type: m.cmp, severity: 'HIGH' }), 'bench');
      }
    }
  });
  const events = new EventBus();
  const engine = new AlertEngine({ store, events, clock, flap: null });
  console.log(`  ${PORTFOLIOS.toLocaleString('en-US')} portfolios x ${PER_PORTFOLIO} thresholds = ${(PORTFOLIOS * PER_PORTFOLIO).toLocaleString('en-US')} threshold checks per cycle`);

  // Every portfolio's metrics, inside their limits (green/amber), jittered each cycle.
  const snaps: RiskSnapshot[] = ids.map((id) => snapshot(id, Object.fromEntries(METRICS.map((m) => [m.metric, m.base]))));
  const jitter = (cycle: number) => {
    for (let i = 0; i < snaps.length; i++) {
      const s = snaps[i] as unknown as Record<string, number>;
      s.var_95 = -0.02 - ((i + cycle) % 7) * 0.001;
      s.leverage_ratio = 1.5 + ((i * 3 + cycle) % 11) * 0.05;
    }
  };
  const cycle = () => {
    const t = process.hrtime.bigint();
    for (const s of snaps) events.emit('metrics', { snapshot: s });
    return Number(process.hrtime.bigint() - t);
  };

  // Warm up the JIT, then measure quiet cycles (every threshold fine: the hot path).
  for (let c = 0; c < 20; c++) {
    jitter(c);
    cycle();
  }
  const quiet: number[] = [];
  for (let c = 0; c < 100; c++) {
    jitter(c);
    clock.advance(250);
    quiet.push(cycle());
  }
  quiet.sort((a, b) => a - b);
  const checks = PORTFOLIOS * PER_PORTFOLIO;
  report('per threshold check (median cycle / checks)', `${((percentile(quiet, 0.5) / checks) * 1e-3).toFixed(3)} us`, '<= 2 us');
  report('10,000 thresholds, 1,000 portfolios: median', ms(percentile(quiet, 0.5)), '<= 20 ms');
  report('10,000 thresholds, 1,000 portfolios: p95', ms(percentile(quiet, 0.95)), '<= 20 ms');

  // 5% of portfolios breach VaR: 50 alerts open in one cycle (50 inserts + audit rows + conditions).
  const breaching = snaps.filter((_, i) => i % 20 === 0) as unknown as Record<string, number>[];
  for (const s of breaching) s.var_95 = -0.06;
  const opening = cycle();
  report(`cycle opening ${engine.openAlerts().length} alerts (SQLite writes)`, ms(opening));

  // Continuing breaches at 4 cycles a second for 60 s: figures are written at most every 5 s per alert.
  const changesBefore = (store.sqlite.prepare('select total_changes() as n').get() as { n: number }).n;
  const busy: number[] = [];
  for (let c = 0; c < 240; c++) {
    for (const s of breaching) s.var_95 = -0.06 - (c % 5) * 0.001;
    clock.advance(250);
    busy.push(cycle());
  }
  busy.sort((a, b) => a - b);
  const rows = (store.sqlite.prepare('select total_changes() as n').get() as { n: number }).n - changesBefore;
  report('cycle with 50 continuing breaches: median', ms(percentile(busy, 0.5)), '<= 20 ms');
  report('rows written in 60 s (50 alerts, 240 cycles)', `${rows}`, '<= 50 x 12');
  report('  (one write per update would be)', `${50 * 240}`);
  report('RSS', rssMb());
  engine.close();
  store.close();
  const ok = percentile(quiet, 0.5) / checks <= 2000 && percentile(quiet, 0.5) <= 20e6 && rows <= 50 * 12;
  if (!ok) {
    console.log('  FAILED a target');
    process.exitCode = 1;
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
