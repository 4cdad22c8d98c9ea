// Alerts: the live list, the history with filters, and statistics.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AlertStats as AlertStatsBody } from '../../../shared/alerts';
import { ALERT_STATUSES, type Alert, type AlertStatus, SEVERITIES, type Severity } from '../../../shared/domain';
import { AlertDetail } from '../components/AlertDetail';
import { useOpenAlerts } from '../components/AlertPanel';
import { PortfolioOptions } from '../components/forms';
import { SeverityTag } from '../components/Light';
import { useDesk, useDeskContext, useUi } from '../context';
import { formatDateTime, formatDuration } from '../format';
import { alertStats, breachText, metricLabel, type DurationStats } from '../state/alerts';
import { useShortcuts } from '../shortcuts';
import { navigate } from '../ui';

const SINCE = [
  { key: '1h', label: 'Last hour', ms: 3600_000 },
  { key: '24h', label: 'Last 24 h', ms: 86400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86400_000 },
  { key: 'all', label: 'All time', ms: null },
] as const;
type SinceKey = (typeof SINCE)[number]['key'];
const sinceIso = (key: SinceKey) => {
  const ms = SINCE.find((s) => s.key === key)!.ms;
  return ms === null ? undefined : new Date(Date.now() - ms).toISOString();
};

function AlertTable({ alerts, selected, onSelect }: { alerts: Alert[]; selected: number | null; onSelect: (a: Alert) => void }) {
  const portfolios = useDesk((s) => s.portfolios);
  return (
    <table className="data" aria-label="Alerts">
      <colgroup>
        <col style={{ width: '4.5rem' }} />
        <col style={{ width: '5.5rem' }} />
        <col style={{ width: '9rem' }} />
        <col style={{ width: '12rem' }} />
        <col style={{ width: '11rem' }} />
        <col style={{ width: '14rem' }} />
        <col style={{ width: '13rem' }} />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Severity</th>
          <th>Status</th>
          <th>Portfolio</th>
          <th>Metric</th>
          <th className="num">Value vs limit</th>
          <th className="num">Triggered</th>
          <th>By</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => {
          const p = portfolios[a.portfolio_id];
          return (
            <tr key={a.id} aria-selected={a.id === selected} data-alert-id={a.id} data-status={a.status} onClick={() => onSelect(a)}>
              <td className="num muted">{a.id}</td>
              <td>
                <SeverityTag severity={a.severity} />
              </td>
              <td>
                <span className={`status ${a.status}`}>{a.status}</span>
                {a.flapping && <span className="muted"> ↺</span>}
              </td>
              <td title={a.portfolio_id}>{p?.name ?? a.portfolio_id}</td>
              <td>{metricLabel(a.metric_type)}</td>
              <td className="num">{breachText(a, p?.currency)}</td>
              <td className="num">{formatDateTime(a.triggered_at)}</td>
              <td className="muted">{a.resolved_by ?? a.acknowledged_by ?? ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** j/k over a list of alerts, scrolling the selection into view. */
function useAlertNavigation(list: Alert[]) {
  const { ui } = useDeskContext();
  const selected = useUi((s) => s.selectedAlert);
  const blocked = useUi((s) => s.dialog !== null || s.helpOpen);
  const move = (delta: number) => {
    if (!list.length) return;
    const i = list.findIndex((a) => a.id === selected);
    const next = i < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, i + delta));
    ui.setState({ selectedAlert: list[next].id, selectedPortfolio: list[next].portfolio_id });
    document.querySelector(`tr[data-alert-id="${list[next].id}"]`)?.scrollIntoView({ block: 'nearest' });
  };
  useShortcuts({ j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1) }, () => blocked);
  return selected;
}

function LiveTab() {
  const { ui } = useDeskContext();
  const open = useOpenAlerts();
  const selected = useAlertNavigation(open);
  const alert = useDesk((s) => (selected !== null ? s.alerts[selected] : undefined));
  return (
    <div className="split">
      <div className="panel">
        <div className="panel-body">
          {open.length ? <AlertTable alerts={open} selected={selected} onSelect={(a) => ui.setState({ selectedAlert: a.id, selectedPortfolio: a.portfolio_id })} /> : <div className="empty">No open alerts.</div>}
        </div>
      </div>
      <div className="panel">{alert ? <AlertDetail alert={alert} /> : <div className="empty">Select an alert (j/k) to see its timeline.</div>}</div>
    </div>
  );
}

interface Filters {
  status: AlertStatus | '';
  severity: Severity | '';
  portfolio: string;
  since: SinceKey;
}

function HistoryTab() {
  const { ui, model } = useDeskContext();
  const live = useDesk((s) => s.alerts);
  const [filters, setFilters] = useState<Filters>({ status: '', severity: '', portfolio: '', since: '24h' });
  const [items, setItems] = useState<Alert[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const fetchPage = useCallback(
    async (f: Filters, after: string | undefined) => {
      const mine = ++seq.current;
      setLoading(true);
      try {
        const page = await model.client.call('alerts.list', {
          status: f.status || undefined,
          severity: f.severity || undefined,
          portfolio_id: f.portfolio || undefined,
          since: sinceIso(f.since),
          limit: 200,
          cursor: after,
        });
        if (mine !== seq.current) return;
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.next_cursor);
        setError(null);
      } catch (err) {
        if (mine === seq.current) setError(err instanceof Error ? err.message : String(err));
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [model],
  );

  useEffect(() => {
    void fetchPage(filters, undefined);
  }, [filters, fetchPage]);

  // Rows already listed follow live changes (an acknowledgement made elsewhere shows at once).
  const merged = useMemo(() => items.map((a) => (live[a.id] && live[a.id].updated_at > a.updated_at ? live[a.id] : a)), [items, live]);
  const selected = useAlertNavigation(merged);
  const alert = merged.find((a) => a.id === selected) ?? (selected !== null ? live[selected] : undefined);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <>
      <div className="toolbar" role="group" aria-label="Alert filters">
        <select aria-label="Severity" value={filters.severity} onChange={(e) => set({ severity: e.target.value as Severity | '' })}>
          <option value="">All severities</option>
          {SEVERITIES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Status" value={filters.status} onChange={(e) => set({ status: e.target.value as AlertStatus | '' })}>
          <option value="">All statuses</option>
          {ALERT_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Portfolio" value={filters.portfolio} onChange={(e) => set({ portfolio: e.target.value })}>
          <option value="">All portfolios</option>
          <PortfolioOptions />
        </select>
        <select aria-label="Time" value={filters.since} onChange={(e) => set({ since: e.target.value as SinceKey })}>
          {SINCE.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
        </select>
        <span className="muted">
          {merged.length} shown{cursor ? ', more available' : ''}
          {loading ? ' · loading…' : ''}
        </span>
        {error && <span className="error-text">{error}</span>}
      </div>
      <div className="split">
        <div className="panel">
          <div className="panel-body">
            {merged.length ? <AlertTable alerts={merged} selected={selected} onSelect={(a) => ui.setState({ selectedAlert: a.id, selectedPortfolio: a.portfolio_id })} /> : !loading && <div className="empty">No alerts match.</div>}
            {cursor && (
              <div className="empty">
                <button type="button" onClick={() => void fetchPage(filters, cursor)} disabled={loading}>
                  Load more
                </button>
              </div>
            )}
          </div>
        </div>
        <div className="panel">{alert ? <AlertDetail alert={alert} /> : <div className="empty">Select an alert to see its timeline.</div>}</div>
      </div>
    </>
  );
}

const STATS_LIMIT = 5000;

function DurationRow({ label, mean, s }: { label: string; mean: number | null; s: DurationStats }) {
  return (
    <tr>
      <th>{label}</th>
      <td className="num">{formatDuration(mean === null ? null : mean * 1000)}</td>
      <td className="num">{formatDuration(s.median)}</td>
      <td className="num">{formatDuration(s.p90)}</td>
      <td className="num">{formatDuration(s.max)}</td>
    </tr>
  );
}

function Distribution({ title, rows, total }: { title: string; rows: { label: React.ReactNode; key: string; count: number }[]; total: number }) {
  return (
    <section className="card">
      <h3>{title}</h3>
      <table>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td style={{ width: '40%' }}>{r.label}</td>
              <td className="num" style={{ width: '4rem' }}>
                {r.count}
              </td>
              <td>
                <div style={{ height: '0.6rem', width: `${total ? (100 * r.count) / total : 0}%`, background: 'var(--accent)', opacity: 0.6 }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * Counts and mean response times come from the engine (alerts.stats, every alert in the period);
 * the spread (median, 90th percentile, worst) and the distribution by portfolio and metric are
 * computed here from the alerts of the period, up to the most recent STATS_LIMIT.
 */
function StatsTab() {
  const { model } = useDeskContext();
  const portfolios = useDesk((s) => s.portfolios);
  const [since, setSince] = useState<SinceKey>('7d');
  const [server, setServer] = useState<AlertStatsBody | null>(null);
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setAlerts(null);
    setServer(null);
    const from = sinceIso(since);
    (async () => {
      const stats = await model.client.call('alerts.stats', { since: from });
      const all: Alert[] = [];
      let cursor: string | undefined;
      do {
        const page = await model.client.call('alerts.list', { since: from, limit: 1000, cursor });
        all.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor && all.length < STATS_LIMIT && !cancelled);
      if (cancelled) return;
      setServer(stats);
      setTruncated(!!cursor);
      setAlerts(all);
      setError(null);
    })().catch((err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      cancelled = true;
    };
  }, [model, since]);

  const spread = useMemo(() => (alerts ? alertStats(alerts) : null), [alerts]);
  return (
    <>
      <div className="toolbar">
        <select aria-label="Time" value={since} onChange={(e) => setSince(e.target.value as SinceKey)}>
          {SINCE.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
        </select>
        {server && (
          <span className="muted">
            {server.total} alerts · {server.flapping} flapping
            {truncated ? ` · spread and distribution over the most recent ${STATS_LIMIT}` : ''}
          </span>
        )}
        {error && <span className="error-text">{error}</span>}
      </div>
      {server && spread ? (
        <div className="stats" data-testid="alert-stats">
          <section className="card">
            <h3>Response times</h3>
            <table>
              <thead>
                <tr>
                  <th />
                  <th className="num">mean</th>
                  <th className="num">median</th>
                  <th className="num">p90</th>
                  <th className="num">max</th>
                </tr>
              </thead>
              <tbody>
                <DurationRow label="Time to acknowledge" mean={server.mean_time_to_acknowledge_seconds} s={spread.timeToAcknowledge} />
                <DurationRow label="Time to resolve" mean={server.mean_time_to_resolve_seconds} s={spread.timeToResolve} />
              </tbody>
            </table>
          </section>
          <Distribution title="By severity" total={server.total} rows={SEVERITIES.map((s) => ({ key: s, label: <SeverityTag severity={s} />, count: server.by_severity[s] })).reverse()} />
          <Distribution title="By status" total={server.total} rows={ALERT_STATUSES.map((s) => ({ key: s, label: <span className={`status ${s}`}>{s}</span>, count: server.by_status[s] }))} />
          <Distribution title="By portfolio" total={spread.total} rows={spread.byPortfolio.slice(0, 15).map((p) => ({ key: p.portfolio_id, label: portfolios[p.portfolio_id]?.name ?? p.portfolio_id, count: p.count }))} />
          <Distribution title="By metric" total={spread.total} rows={spread.byMetric.slice(0, 15).map((m) => ({ key: m.metric, label: metricLabel(m.metric), count: m.count }))} />
        </div>
      ) : (
        !error && <div className="empty">Loading…</div>
      )}
    </>
  );
}

const TABS = [
  { key: 'live', label: 'Live' },
  { key: 'history', label: 'History' },
  { key: 'stats', label: 'Statistics' },
] as const;

export function AlertsView() {
  const { ui } = useDeskContext();
  const route = useUi((s) => s.route);
  const tab = TABS.some((t) => t.key === route.arg) ? route.arg! : 'live';
  return (
    <div className="view">
      <div className="toolbar">
        <h2>Alerts</h2>
        <div className="segmented" role="tablist" aria-label="Alert views">
          {TABS.map((t) => (
            <button key={t.key} type="button" role="tab" aria-selected={tab === t.key} aria-pressed={tab === t.key} onClick={() => navigate(ui, { view: 'alerts', arg: t.key })}>
              {t.label}
            </button>
          ))}
        </div>
      </div>
      {tab === 'live' && <LiveTab />}
      {tab === 'history' && <HistoryTab />}
      {tab === 'stats' && <StatsTab />}
    </div>
  );
}
