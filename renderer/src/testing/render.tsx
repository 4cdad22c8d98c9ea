// Renders the whole dashboard (or one view) over a FakeDeskClient, the way tests drive it.
import { render, waitFor } from '@testing-library/react';
import { expect } from 'vitest';
import { isBreached, lightFor, type ThresholdPreview, utilisation } from '../../../shared/alerts';
import type { Role, ThresholdSettings } from '../../../shared/domain';
import { readMetric, type RiskDetail, type RiskSnapshot } from '../../../shared/metrics';
import type { PortfolioSummary } from '../types';
import { App } from '../App';
import type { DeskContextValue } from '../context';
import { DeskModel } from '../state/store';
import { createUiStore } from '../ui';
import { FakeDeskClient, type FakeHandlers } from './fake-client';
import { alert, portfolio, snapshot, threshold } from './fixtures';

/** A small book: one breach, one warning, one healthy, with a HIGH alert open on the breach. */
export function deskHandlers(): FakeHandlers {
  const thresholds = [
    threshold({ id: 1, portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'HIGH' }),
    threshold({ id: 2, portfolio_id: '*', metric_type: 'leverage_ratio', threshold_value: 3, comparison_type: 'greater_than', severity: 'MEDIUM' }),
  ];
  const portfolios = [portfolio('calm', { name: 'Calm Book' }), portfolio('warm', { name: 'Warm Book' }), portfolio('hot', { name: 'Hot Book' })];
  const snaps: Record<string, RiskSnapshot> = { calm: snapshot('calm', { var_95: -0.02 }), warm: snapshot('warm', { var_95: -0.045 }), hot: snapshot('hot', { var_95: -0.01, leverage_ratio: 3.6 }) };
  const open = alert({ id: 77, portfolio_id: 'hot', metric_type: 'leverage_ratio', comparison_type: 'greater_than', current_value: 3.6, threshold_value: 3, severity: 'HIGH' });
  return {
    health: () => ({ status: 'ok', version: '9.9.9', uptime_seconds: 5, feed: { kind: 'simulated', source: 'simulated', state: 'live', last_message_at: null, ticks_total: 1234, dropped: {} }, last_cycle_at: '2026-11-26T14:30:00.000Z' }),
    'portfolios.list': () => portfolios,
    'portfolios.metrics': (a) => snaps[a.id],
    'risk.latest': () => Object.values(snaps),
    'portfolios.history': (a) => ({ portfolio_id: a.id, metric: a.metric, points: [] }),
    'thresholds.list': () => thresholds,
    'alerts.list': (a) => ({ items: !a.status || a.status === 'TRIGGERED' ? [open] : [], next_cursor: null }),
    'alerts.timeline': (a) => [{ at: open.triggered_at, source: 'alerts', kind: 'triggered', actor: 'system', summary: `triggered #${a.id}` }],
    'thresholds.preview': (t) => fakePreview(t, portfolios, snaps),
    'portfolios.detail': (a) => detail(a.id),
  };
}

/** A risk detail: three holdings, component VaR summing to the portfolio VaR, a correlation matrix, a backtest. */
export function detail(id: string): RiskDetail {
  const s = snapshot(id, { var_95: -0.03 });
  const { portfolio_id: _p, as_of, observations, timestamp: _t, null_reasons, stale: _s, ...metrics } = s;
  const pos = (symbol: string, weight: number, cvar: number) => ({
    symbol,
    quantity: 1000,
    multiplier: 1,
    price: 100,
    market_value: weight * 10_000_000,
    weight,
    component_var: { historical_95: cvar, historical_99: cvar * 1.4, parametric_95: cvar, parametric_99: cvar * 1.4 },
  });
  return {
    portfolio_id: id,
    as_of,
    observations,
    metrics,
    null_reasons,
    positions: [pos('AAPL', 0.5, -0.02), pos('MSFT', 0.3, -0.008), pos('TLT', 0.2, -0.002)],
    correlation: { symbols: ['AAPL', 'MSFT', 'TLT'], matrix: [[1, 0.7, -0.3], [0.7, 1, -0.2], [-0.3, -0.2, 1]] },
    backtest: { var_95: { confidence: 0.95, days: 250, exceptions: 14, expected: 12.5, lr_statistic: 0.18, p_value: 0.67, passed: true }, var_99: null },
    detail_null_reasons: { 'backtest.var_99': 'too few days' },
  };
}

/** The engine's preview, faked with the engine's own rule (shared/alerts.ts) over the fixtures' figures. */
export function fakePreview(t: ThresholdSettings, portfolios: PortfolioSummary[], snaps: Record<string, RiskSnapshot>): ThresholdPreview {
  const rows = portfolios
    .filter((p) => t.portfolio_id === '*' || p.id === t.portfolio_id)
    .map((p) => {
      const snap = snaps[p.id];
      const value = snap ? readMetric(snap, t.metric_type) : null;
      const stale = !snap || snap.stale;
      const breached = value !== null && isBreached(value, t.comparison_type, t.threshold_value);
      return { portfolio_id: p.id, value, utilisation: utilisation(value, t), light: lightFor(value, t, stale), stale, breached, would_fire: t.enabled && breached && !stale && t.pending_seconds === 0, overridden: false };
    });
  const count = (l: string) => rows.filter((r) => r.light === l).length;
  return {
    comparison_type: t.comparison_type,
    threshold_value: t.threshold_value,
    rows,
    summary: { portfolios: rows.length, red: count('red'), amber: count('amber'), green: count('green'), grey: count('grey'), would_fire: rows.filter((r) => r.would_fire).length },
  };
}

export interface RenderOptions {
  handlers?: FakeHandlers;
  role?: Role | null;
  hash?: string;
}

export async function renderDesk(opts: RenderOptions = {}) {
  const client = new FakeDeskClient(opts.handlers ?? deskHandlers());
  const model = new DeskModel(client);
  // The address bar is shared by every test in a file: start each from the hash asked for.
  history.replaceState(null, '', opts.hash ?? '#/desk');
  const ui = createUiStore(location.hash);
  const value: DeskContextValue = { model, ui, session: { user: 'ana', role: opts.role === undefined ? 'risk_manager' : opts.role } };
  model.start();
  const view = render(<App value={value} />);
  await waitFor(() => expect(model.store.getState().loaded).toBe(true));
  return { client, model, ui, view, unmount: () => (view.unmount(), model.stop()) };
}
