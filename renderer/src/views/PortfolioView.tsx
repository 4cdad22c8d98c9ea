// One portfolio in depth: every figure against its limits, live charts over stored history with
// the limits drawn in, and concentration.
import { useMemo, useState } from 'react';
import { METRIC_INFO, type MetricPath, readMetric, SCALAR_METRICS, CONCENTRATION_METRICS } from '../../../shared/metrics';
import { EChart } from '../charts/EChart';
import { lineOption } from '../charts/options';
import { Glyph, LightLabel } from '../components/Light';
import { useDesk, useDeskContext, useUi } from '../context';
import { formatAmount, formatMetric, formatTime, formatUtilisation } from '../format';
import { type RangeKey, RANGES, type SeriesData, useHistory } from '../state/history';
import { applicable, metricLight } from '../state/limits';
import { navigate } from '../ui';

interface ChartSpec {
  title: string;
  metrics: MetricPath[];
}

export const PORTFOLIO_CHARTS: ChartSpec[] = [
  { title: 'VaR and CVaR', metrics: ['var_95', 'var_99', 'cvar_95', 'cvar_99'] },
  { title: 'Drawdown', metrics: ['max_drawdown'] },
  { title: 'Volatility (annualised)', metrics: ['volatility', 'ewma_volatility'] },
  { title: 'Leverage', metrics: ['leverage_ratio'] },
  { title: 'Risk-adjusted return', metrics: ['sharpe_ratio', 'sortino_ratio', 'calmar_ratio'] },
  { title: 'Concentration', metrics: ['concentration_risk.max_position', 'concentration_risk.top5'] },
];
const CHART_METRICS = PORTFOLIO_CHARTS.flatMap((c) => c.metrics);

/** Every figure as a tile, in the order of metrics.md (amounts follow their returns). */
const KPI_METRICS: MetricPath[] = [
  ...SCALAR_METRICS.filter((m) => !m.startsWith('parametric') && !m.startsWith('cornish')),
  ...SCALAR_METRICS.filter((m) => m.startsWith('parametric') || m.startsWith('cornish')),
  ...CONCENTRATION_METRICS.map((m) => `concentration_risk.${m}` as const),
];

function Chart({ spec, data, version, thresholds, currency }: { spec: ChartSpec; data: SeriesData; version: number; thresholds: Parameters<typeof lineOption>[1]; currency: string }) {
  // Rebuilt when points arrive (version) or limits change; ECharts merges it into the live chart.
  const option = useMemo(() => lineOption(spec.metrics.map((m) => ({ metric: m, points: data[m] ?? [] })), thresholds, currency), [spec, data, version, thresholds, currency]); // version: data is appended in place
  const empty = spec.metrics.every((m) => !(data[m]?.length));
  return (
    <section className="card" aria-label={spec.title}>
      <h3>
        {spec.title}
        {empty && <span className="dim">no history in range</span>}
      </h3>
      <EChart option={option} label={`${spec.title} chart`} />
    </section>
  );
}

export function PortfolioView() {
  const { ui, model } = useDeskContext();
  const route = useUi((s) => s.route);
  const selected = useUi((s) => s.selectedPortfolio);
  const board = useDesk((s) => s.board);
  const allThresholds = useDesk((s) => s.thresholds);
  const id = route.arg ?? selected ?? board.order[0] ?? null;
  const row = id ? board.rows[id] : undefined;
  const snapshot = useDesk((s) => (id ? s.snapshots[id] : undefined));
  const [range, setRange] = useState<RangeKey>('1d');
  const history = useHistory(model.client, id, CHART_METRICS, range, snapshot);
  const thresholds = useMemo(() => (id ? applicable(id, allThresholds) : []), [allThresholds, id]);
  const names = useMemo(() => Object.values(board.rows).sort((a, b) => a.name.localeCompare(b.name)), [board.rows]);

  if (!id || !row) {
    return <div className="empty">{board.order.length ? `No portfolio "${id}".` : 'No portfolios in the book.'}</div>;
  }
  const currency = row.currency;
  const stale = row.stale;
  return (
    <div className="view">
      <div className="toolbar">
        <h2>{row.name}</h2>
        <select aria-label="Portfolio" value={id} onChange={(e) => navigate(ui, { view: 'portfolio', arg: e.target.value })}>
          {names.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <LightLabel light={row.light} />
        <span className="num" title="risk score: highest limit utilisation">
          score <strong>{formatUtilisation(row.score)}</strong>
        </span>
        <span className="muted num">
          NAV {formatAmount(row.nav, currency)} · as of {snapshot?.as_of ?? '—'} · {snapshot?.observations ?? 0} returns · updated {formatTime(snapshot?.timestamp)}
        </span>
        <span style={{ marginLeft: 'auto' }} className="muted">
          Range
        </span>
        <div className="segmented" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <button key={r.key} type="button" aria-pressed={range === r.key} onClick={() => setRange(r.key)}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      {history.error && <div className="banner error">Could not load history: {history.error}</div>}
      <div className="pf">
        <div className="kpis" aria-label="Figures">
          {KPI_METRICS.map((m) => {
            const value = snapshot ? readMetric(snapshot, m) : null;
            const ml = metricLight(value, thresholds.filter((t) => t.metric_type === m), stale);
            const reason = snapshot?.null_reasons[m];
            return (
              <div key={m} className="kpi" data-metric={m} data-light={ml.light} title={reason ? `no figure: ${reason}` : ml.threshold ? `limit ${ml.threshold.comparison_type.replace(/_/g, ' ')} ${formatMetric(m, ml.threshold.threshold_value, currency)} (${ml.threshold.severity})` : 'no limit set'}>
                <div className="k">
                  <span>{METRIC_INFO[m].label}</span>
                  <span>
                    {ml.light !== 'none' && <Glyph light={ml.light} />} {ml.threshold ? formatUtilisation(ml.utilisation) : ''}
                  </span>
                </div>
                <div className="val">{formatMetric(m, value, currency)}</div>
              </div>
            );
          })}
        </div>
        {PORTFOLIO_CHARTS.map((spec) => (
          <Chart key={spec.title} spec={spec} data={history.data} version={history.version} thresholds={thresholds} currency={currency} />
        ))}
      </div>
    </div>
  );
}
