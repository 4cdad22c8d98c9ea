// One portfolio in depth: every figure against its limits, live charts over stored history with
// the limits drawn in, and concentration.
import { memo, useMemo, useState } from 'react';
import { METRIC_INFO, type MetricPath, readMetric, SCALAR_METRICS, CONCENTRATION_METRICS } from '../../../shared/metrics';
import { EChart } from '../charts/EChart';
import { barOption, heatmapOption, lineData, lineFrame } from '../charts/options';
import { Glyph, LightLabel } from '../components/Light';
import { useDesk, useDeskContext, useUi } from '../context';
import { formatAmount, formatMetric, formatNumber, formatPercent, formatTime, formatUtilisation } from '../format';
import { subMatrix, topComponentVar, topPositions, useRiskDetail } from '../state/detail';
import type { RiskDetail, RiskSnapshot } from '../../../shared/metrics';
import type { Threshold } from '../../../shared/domain';
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

/**
 * One chart of the view. Memoised: it redraws only when its own figures, the limits or the
 * currency change, never because another portfolio's snapshot moved the store. The frame (axes,
 * legend, limit lines) is built once; a live point sends ECharts only the series data.
 */
const Chart = memo(function Chart({ spec, data, version, thresholds, currency }: { spec: ChartSpec; data: SeriesData; version: number; thresholds: readonly Threshold[]; currency: string }) {
  const frame = useMemo(() => lineFrame(spec.metrics, thresholds, currency), [spec, thresholds, currency]);
  const figures = useMemo(() => lineData(spec.metrics.map((m) => ({ metric: m, points: data[m] ?? [] })), thresholds), [spec, data, version, thresholds]); // version: data is appended in place
  const empty = spec.metrics.every((m) => !data[m]?.length);
  return (
    <section className="card" aria-label={spec.title}>
      <h3>
        {spec.title}
        {empty && <span className="dim">no history in range</span>}
      </h3>
      <EChart option={frame} data={figures} label={`${spec.title} chart`} />
    </section>
  );
});

const TOP_N = 12;
const HEATMAP_N = 20;

/**
 * The detail is read again at most every 10 s while figures arrive; a chart redraws only when what
 * it shows changed (the correlation of holdings rarely does), compared by content.
 */
const DetailCards = memo(function DetailCards({ detail, error, currency }: { detail: RiskDetail | null; error: string | null; currency: string }) {
  const positions = useMemo(() => (detail ? topPositions(detail, TOP_N) : []), [detail]);
  const cvar = useMemo(() => (detail ? topComponentVar(detail, TOP_N) : []), [detail]);
  const heat = useMemo(() => {
    const symbols = detail ? topPositions(detail, HEATMAP_N).map((p) => p.symbol) : [];
    return { symbols, matrix: detail ? subMatrix(detail, symbols) : [] };
  }, [detail]);
  const posRows = positions.map((p) => ({ label: p.symbol, value: p.weight! }));
  const cvarRows = cvar.map((c) => ({ label: c.symbol, value: c.value }));
  const posKey = JSON.stringify(posRows);
  const cvarKey = JSON.stringify(cvarRows);
  const heatKey = JSON.stringify(heat);
  const posOption = useMemo(() => barOption(posRows, (v) => formatPercent(v, 1)), [posKey]); // posRows enters through its content
  const cvarOption = useMemo(() => barOption(cvarRows, (v) => formatPercent(v, 2), '#f0883e'), [cvarKey]);
  const heatOption = useMemo(() => heatmapOption(heat.symbols, heat.matrix), [heatKey]);
  const heatSymbols = heat.symbols;
  if (!detail) return <section className="card wide">{error ? <div className="empty error-text">Could not load positions and correlation: {error}</div> : <div className="empty">Loading positions…</div>}</section>;
  const m = detail.metrics.concentration_risk;
  const why = detail.detail_null_reasons;
  const bt = detail.backtest;
  return (
    <>
      <section className="card" aria-label="Top positions">
        <h3>
          Top positions (weight of NAV)
          <span className="num">
            HHI {formatNumber(m.hhi, 3)} · effective {formatNumber(m.effective_positions, 1)} · top 5 {formatPercent(m.top5, 1)} · {detail.positions.length} holdings
          </span>
        </h3>
        {positions.length ? <EChart option={posOption} label="Top positions chart" /> : <div className="empty">No holdings.</div>}
      </section>
      <section className="card" aria-label="Component VaR">
        <h3>
          Component VaR (historical 95%)
          <span className="num">portfolio {formatMetric('var_95', detail.metrics.var_95, currency)}</span>
        </h3>
        {cvar.length ? <EChart option={cvarOption} label="Component VaR chart" /> : <div className="empty">{why['component_var.historical'] ?? 'No component VaR.'}</div>}
      </section>
      <section className="card" aria-label="Correlation of holdings">
        <h3>
          Correlation of holdings
          <span>{heatSymbols.length < detail.correlation.symbols.length ? `largest ${heatSymbols.length} of ${detail.correlation.symbols.length}` : ''}</span>
        </h3>
        {heatSymbols.length > 1 ? <EChart option={heatOption} className="chart tall" label="Correlation heatmap" /> : <div className="empty">{why.correlation ?? 'Fewer than two holdings.'}</div>}
      </section>
      <section className="card" aria-label="VaR backtest">
        <h3>VaR backtest (Kupiec)</h3>
        {bt.var_95 || bt.var_99 ? (
          <table className="data">
            <thead>
              <tr>
                <th>VaR</th>
                <th className="num">days</th>
                <th className="num">exceptions</th>
                <th className="num">expected</th>
                <th className="num">p-value</th>
                <th>result</th>
              </tr>
            </thead>
            <tbody>
              {[bt.var_95, bt.var_99].map(
                (b) =>
                  b && (
                    <tr key={b.confidence}>
                      <td>{formatPercent(b.confidence, 0)}</td>
                      <td className="num">{b.days}</td>
                      <td className="num">{b.exceptions}</td>
                      <td className="num">{formatNumber(b.expected, 1)}</td>
                      <td className="num">{formatNumber(b.p_value, 3)}</td>
                      <td className={b.passed ? 't-green' : 't-red'}>{b.passed ? '● passed' : '■ rejected'}</td>
                    </tr>
                  ),
              )}
            </tbody>
          </table>
        ) : (
          <div className="empty">{why.backtest ?? 'No backtest.'}</div>
        )}
      </section>
    </>
  );
});

/** Every figure as a tile with its light and utilisation: redrawn when this portfolio's snapshot or limits change. */
const Figures = memo(function Figures({ snapshot, thresholds, stale, currency }: { snapshot: RiskSnapshot | undefined; thresholds: readonly Threshold[]; stale: boolean; currency: string }) {
  return (
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
  );
});

export function PortfolioView() {
  const { ui, model } = useDeskContext();
  const route = useUi((s) => s.route);
  const selected = useUi((s) => s.selectedPortfolio);
  // Narrow selectors: 200 portfolios update every second, and only this one's changes matter here.
  const chosen = route.arg ?? selected;
  // The desk's first portfolio only when none is chosen: the order reshuffles as figures move.
  const firstId = useDesk((s) => (chosen ? null : (s.board.order[0] ?? null)));
  const bookEmpty = useDesk((s) => s.board.order.length === 0);
  const id = chosen ?? firstId;
  const row = useDesk((s) => (id ? s.board.rows[id] : undefined));
  const snapshot = useDesk((s) => (id ? s.snapshots[id] : undefined));
  const portfolios = useDesk((s) => s.portfolios);
  const allThresholds = useDesk((s) => s.thresholds);
  const [range, setRange] = useState<RangeKey>('1d');
  const history = useHistory(model.client, id, CHART_METRICS, range, snapshot);
  const detail = useRiskDetail(model.client, id, snapshot?.timestamp);
  const thresholds = useMemo(() => (id ? applicable(id, allThresholds) : []), [allThresholds, id]);
  const names = useMemo(() => Object.values(portfolios).sort((a, b) => a.name.localeCompare(b.name)), [portfolios]);

  if (!id || !row) {
    return <div className="empty">{!bookEmpty ? `No portfolio "${id}".` : 'No portfolios in the book.'}</div>;
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
        <Figures snapshot={snapshot} thresholds={thresholds} stale={stale} currency={currency} />
        {PORTFOLIO_CHARTS.map((spec) => (
          <Chart key={spec.title} spec={spec} data={history.data} version={history.version} thresholds={thresholds} currency={currency} />
        ))}
        <DetailCards detail={detail.detail?.portfolio_id === id ? detail.detail : null} error={detail.error} currency={currency} />
      </div>
    </div>
  );
}
