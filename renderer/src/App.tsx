// The shell: views, the desk score, dialogs, global shortcuts and the status bar.
import { lazy, Suspense, useEffect } from 'react';
import { AlertActionDialog } from './components/AlertActionDialog';
import { Glyph } from './components/Light';
import { ShortcutsHelp } from './components/ShortcutsHelp';
import { StatusBar } from './components/StatusBar';
import { DeskContext, type DeskContextValue, useDesk, useDeskContext, useUi } from './context';
import { formatUtilisation } from './format';
import { compareAlerts } from './state/alerts';
import { isOpen } from './state/board';
import { useShortcuts } from './shortcuts';
import { navigate, parseHash, routeHash, VIEWS } from './ui';
import { AlertsView } from './views/AlertsView';
import { DeskView } from './views/DeskView';
import { LimitsView } from './views/LimitsView';
import { SettingsView } from './views/SettingsView';
import type { Alert } from '../../shared/domain';

// The charts (ECharts) load with the first portfolio view, not with the desk.
const PortfolioView = lazy(() => import('./views/PortfolioView').then((m) => ({ default: m.PortfolioView })));

export function DeskProvider({ value, children }: { value: DeskContextValue; children: React.ReactNode }) {
  return <DeskContext.Provider value={value}>{children}</DeskContext.Provider>;
}

function DeskScore() {
  const summary = useDesk((s) => s.board.summary);
  const light = summary.counts.red ? 'red' : summary.counts.amber ? 'amber' : summary.counts.grey ? 'grey' : 'green';
  return (
    <div className="desk-score" data-testid="desk-score" title="Desk risk score: the highest limit utilisation across every portfolio (100% = at a limit)">
      <span className="label">Desk score</span>
      <span>
        <Glyph light={light} /> <strong className="num">{formatUtilisation(summary.score)}</strong>
      </span>
      <span className="num">
        <Glyph light="red" /> {summary.counts.red}
      </span>
      <span className="num">
        <Glyph light="amber" /> {summary.counts.amber}
      </span>
      <span className="num">
        <Glyph light="green" /> {summary.counts.green}
      </span>
      {summary.counts.grey > 0 && (
        <span className="num">
          <Glyph light="grey" /> {summary.counts.grey}
        </span>
      )}
    </div>
  );
}

function TopBar() {
  const route = useUi((s) => s.route);
  const selectedPortfolio = useUi((s) => s.selectedPortfolio);
  const unacked = useDesk((s) => s.board.summary.unacknowledged);
  return (
    <header className="topbar">
      <span className="brand">RISK DESK</span>
      <nav className="tabs" aria-label="Views">
        {VIEWS.map((v) => (
          <a key={v.name} href={routeHash(v.name === 'portfolio' && selectedPortfolio ? { view: v.name, arg: selectedPortfolio } : { view: v.name })} aria-current={route.view === v.name ? 'page' : undefined}>
            {v.label}
            {v.name === 'alerts' && unacked > 0 && <span className="badge hot">{unacked}</span>}
            <kbd>{v.key}</kbd>
          </a>
        ))}
      </nav>
      <span className="spacer" />
      <DeskScore />
    </header>
  );
}

function Banner() {
  const connection = useDesk((s) => s.connection);
  const loadError = useDesk((s) => s.loadError);
  if (loadError) return <div className="banner error">Could not load the book: {loadError}</div>;
  if (connection === 'reconnecting' || connection === 'closed') return <div className="banner">Disconnected: figures are frozen and shown grey until the connection is back.</div>;
  return null;
}

/** The alert `a`/`r` act on: the selected one, else on the desk the selected portfolio's most urgent. */
function alertTarget(alerts: Record<number, Alert>, selectedAlert: number | null, selectedPortfolio: string | null, view: string): Alert | null {
  if (selectedAlert !== null && alerts[selectedAlert]) return alerts[selectedAlert];
  if (view === 'desk' && selectedPortfolio) return Object.values(alerts).filter((a) => isOpen(a) && a.portfolio_id === selectedPortfolio).sort(compareAlerts)[0] ?? null;
  return null;
}

function Shell() {
  const { ui, model } = useDeskContext();
  const route = useUi((s) => s.route);
  const blocked = useUi((s) => s.dialog !== null || s.helpOpen);

  useEffect(() => {
    const onHash = () => {
      const r = parseHash(location.hash);
      ui.setState({ route: r, ...(r.view === 'portfolio' && r.arg ? { selectedPortfolio: r.arg } : {}) });
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('popstate', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('popstate', onHash);
    };
  }, [ui]);

  const act = (kind: 'acknowledge' | 'resolve') => {
    const s = ui.getState();
    const a = alertTarget(model.store.getState().alerts, s.selectedAlert, s.selectedPortfolio, s.route.view);
    if (!a || a.status === 'RESOLVED' || (kind === 'acknowledge' && a.status !== 'TRIGGERED')) return;
    ui.setState({ selectedAlert: a.id, dialog: { kind, alertId: a.id } });
  };

  const views: Record<string, () => void> = {};
  for (const v of VIEWS) views[v.key] = () => navigate(ui, v.name === 'portfolio' && ui.getState().selectedPortfolio ? { view: v.name, arg: ui.getState().selectedPortfolio! } : { view: v.name });
  useShortcuts({ ...views, a: () => act('acknowledge'), r: () => act('resolve') }, () => blocked);
  useShortcuts({ '?': () => ui.setState({ helpOpen: !ui.getState().helpOpen }), Escape: () => ui.setState({ helpOpen: false }) }, () => ui.getState().dialog !== null);

  return (
    <div className="app">
      <TopBar />
      <main className="main">
        <div className="view">
          <Banner />
          <div style={{ flex: 1, minHeight: 0 }}>
            {route.view === 'desk' && <DeskView />}
            {route.view === 'portfolio' && (
              <Suspense fallback={<div className="empty">Loading charts…</div>}>
                <PortfolioView />
              </Suspense>
            )}
            {route.view === 'alerts' && <AlertsView />}
            {route.view === 'limits' && <LimitsView />}
            {route.view === 'settings' && <SettingsView />}
          </div>
        </div>
      </main>
      <StatusBar />
      <AlertActionDialog />
      <ShortcutsHelp />
    </div>
  );
}

export function App({ value }: { value: DeskContextValue }) {
  return (
    <DeskProvider value={value}>
      <Shell />
    </DeskProvider>
  );
}
