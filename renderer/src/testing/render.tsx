// Renders the whole dashboard (or one view) over a FakeDeskClient, the way tests drive it.
import { render } from '@testing-library/react';
import type { Role } from '../../../shared/domain';
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
  const snaps = { calm: snapshot('calm', { var_95: -0.02 }), warm: snapshot('warm', { var_95: -0.045 }), hot: snapshot('hot', { var_95: -0.01, leverage_ratio: 3.6 }) };
  const open = alert({ id: 77, portfolio_id: 'hot', metric_type: 'leverage_ratio', comparison_type: 'greater_than', current_value: 3.6, threshold_value: 3, severity: 'HIGH' });
  return {
    health: () => ({ status: 'ok', version: '9.9.9', uptime_seconds: 5, feed: { kind: 'simulated', source: 'simulated', state: 'live', last_message_at: null, ticks_total: 1234, dropped: {} }, last_cycle_at: '2026-11-26T14:30:00.000Z' }),
    'portfolios.list': () => portfolios,
    'portfolios.metrics': (a) => snaps[a.id as keyof typeof snaps],
    'portfolios.history': (a) => ({ portfolio_id: a.id, metric: a.metric, points: [] }),
    'thresholds.list': () => thresholds,
    'alerts.list': (a) => ({ items: !a.status || a.status === 'TRIGGERED' ? [open] : [], next_cursor: null }),
  };
}

export interface RenderOptions {
  handlers?: FakeHandlers;
  role?: Role | null;
  hash?: string;
}

export async function renderDesk(opts: RenderOptions = {}) {
  const client = new FakeDeskClient(opts.handlers ?? deskHandlers());
  const model = new DeskModel(client, { thresholdRefreshMs: 0 });
  // The address bar is shared by every test in a file: start each from the hash asked for.
  history.replaceState(null, '', opts.hash ?? '#/desk');
  const ui = createUiStore(location.hash);
  const value: DeskContextValue = { model, ui, session: { user: 'ana', role: opts.role === undefined ? 'risk_manager' : opts.role } };
  model.start();
  const loaded = model.load();
  const view = render(<App value={value} />);
  await loaded;
  return { client, model, ui, view, unmount: () => (view.unmount(), model.stop()) };
}
