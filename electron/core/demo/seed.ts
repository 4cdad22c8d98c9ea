// Seeding a new database with the demo book and its default limits.
import { ThresholdInput } from '../../../shared/domain';
import { ContactInput, EscalationRuleInput } from '../../../shared/notify';
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

/** The demo desk's people, addressed by role from the escalation rules (example.com addresses, 555 numbers). */
export const DEMO_CONTACTS: ContactInput[] = [
  { name: 'On-call risk manager', role: 'on_call_risk', email: 'oncall.risk@example.com', phone: '+15555550101' },
  { name: 'Head of risk', role: 'head_of_risk', email: 'head.of.risk@example.com', phone: '+15555550102' },
  { name: 'Chief risk officer', role: 'cro', email: 'cro@example.com', phone: '+15555550103' },
];

/**
 * Default escalation: the on-call risk manager hears at once (email and desktop); CRITICAL goes to
 * the head of risk after 15 minutes and the CRO after 30 if nobody acknowledged, the CRO step
 * repeating every 15 minutes twice more.
 */
export const DEMO_ESCALATION_RULES: EscalationRuleInput[] = [
  {
    name: 'Critical breaches',
    severity: 'CRITICAL',
    repeat_count: 2,
    repeat_interval_minutes: 15,
    steps: [
      { level: 'on-call risk manager', delay_minutes: 0, recipients: [{ role: 'on_call_risk' }], channels: ['email', 'desktop'] },
      { level: 'head of risk', delay_minutes: 15, recipients: [{ role: 'head_of_risk' }], channels: ['both'] },
      { level: 'chief risk officer', delay_minutes: 30, recipients: [{ role: 'cro' }], channels: ['both'] },
    ],
  },
  {
    name: 'High breaches',
    severity: 'HIGH',
    steps: [
      { level: 'on-call risk manager', delay_minutes: 0, recipients: [{ role: 'on_call_risk' }], channels: ['email', 'desktop'] },
      { level: 'head of risk', delay_minutes: 30, recipients: [{ role: 'head_of_risk' }], channels: ['email'] },
    ],
  },
  {
    name: 'Medium breaches',
    severity: 'MEDIUM',
    steps: [{ level: 'on-call risk manager', delay_minutes: 0, recipients: [{ role: 'on_call_risk' }], channels: ['email', 'desktop'] }],
  },
  {
    name: 'Low breaches',
    severity: 'LOW',
    steps: [{ level: 'desk', delay_minutes: 0, recipients: [{ role: 'on_call_risk' }], channels: ['desktop'] }],
  },
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
    for (const c of DEMO_CONTACTS) store.contacts.create(ContactInput.parse(c), actor);
    for (const r of DEMO_ESCALATION_RULES) store.escalation.createRule(EscalationRuleInput.parse(r), actor);
    store.audit.record({ actor, entity: 'book', entityId: 'demo', action: 'seed', after: { portfolios: DEMO_PORTFOLIOS.length, instruments: n, days: table.dates.length } });
  });
}
