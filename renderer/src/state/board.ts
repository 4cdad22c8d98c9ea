// The desk board: every portfolio against its limits, the figures the traffic-light grid shows.
//
// Risk score (docs/dashboard.md): a portfolio's score is its highest limit utilisation, in
// percent, over every threshold that applies to it (all metrics, not only the grid's columns);
// 100 = at a limit, above 100 = beyond it. The desk's score is the highest portfolio score.
// A max, not an average: one breached limit is a breach however healthy the rest looks.
import type { PortfolioSummary } from '../types';
import { type Alert, SEVERITY_RANK, type Severity, type Threshold } from '../../../shared/domain';
import { type MetricPath, type RiskSnapshot, readMetric } from '../../../shared/metrics';
import { applicable, LIGHT_RANK, type Light, type MetricLight, metricLight } from './limits';

/** The grid's columns: the figures a risk manager scans first. */
export const KEY_METRICS = [
  'var_95',
  'var_99',
  'cvar_95',
  'max_drawdown',
  'volatility',
  'leverage_ratio',
  'concentration_risk.max_position',
  'sharpe_ratio',
] as const satisfies readonly MetricPath[];
export type KeyMetric = (typeof KEY_METRICS)[number];

export interface BoardRow {
  id: string;
  name: string;
  currency: string;
  nav: number | null;
  snapshot: RiskSnapshot | null;
  /** Figures are not live: the engine flagged them stale, or the dashboard is disconnected. */
  stale: boolean;
  cells: Record<KeyMetric, MetricLight>;
  /** Highest utilisation (percent) over every applicable threshold; null when no limit applies or no figures yet. */
  score: number | null;
  /** The worst light over every applicable threshold. */
  light: Light;
  breaches: number;
  openAlerts: number;
  worstSeverity: Severity | null;
}

export interface BoardSummary {
  score: number | null;
  counts: Record<Light, number>;
  openAlerts: number;
  unacknowledged: number;
}

export interface BoardInput {
  portfolios: Record<string, PortfolioSummary>;
  snapshots: Record<string, RiskSnapshot>;
  thresholds: readonly Threshold[];
  alerts: Record<number, Alert>;
  /** False while disconnected: every light goes grey. */
  live: boolean;
}

export function isOpen(a: Alert): boolean {
  return a.status !== 'RESOLVED';
}

export function buildRow(p: PortfolioSummary, snapshot: RiskSnapshot | null, thresholds: readonly Threshold[], openAlerts: readonly Alert[], live: boolean): BoardRow {
  const mine = applicable(p.id, thresholds);
  const stale = !live || !snapshot || snapshot.stale || p.stale;
  const cells = {} as Record<KeyMetric, MetricLight>;
  for (const m of KEY_METRICS) {
    const value = snapshot ? readMetric(snapshot, m) : null;
    cells[m] = metricLight(value, mine.filter((t) => t.metric_type === m), stale);
  }
  let score: number | null = null;
  let light: Light = mine.length ? (stale ? 'grey' : 'green') : stale ? 'grey' : 'none';
  let breaches = 0;
  if (snapshot) {
    const byMetric = new Map<MetricPath, Threshold[]>();
    for (const t of mine) {
      const list = byMetric.get(t.metric_type);
      if (list) list.push(t);
      else byMetric.set(t.metric_type, [t]);
    }
    for (const [metric, ts] of byMetric) {
      const ml = metricLight(readMetric(snapshot, metric), ts, false);
      const u = ml.utilisation;
      if (u !== null && (score === null || u > score)) score = u;
      if (ml.breached) breaches++;
      if (!stale && LIGHT_RANK[ml.light] > LIGHT_RANK[light]) light = ml.light;
    }
  }
  let worstSeverity: Severity | null = null;
  for (const a of openAlerts) if (!worstSeverity || SEVERITY_RANK[a.severity] > SEVERITY_RANK[worstSeverity]) worstSeverity = a.severity;
  return { id: p.id, name: p.name, currency: p.currency, nav: snapshot?.nav ?? p.nav, snapshot, stale, cells, score, light, breaches, openAlerts: openAlerts.length, worstSeverity };
}

/** The score as the grid prints it (whole percent): rows are ordered by what the eye reads. */
function shownScore(r: BoardRow): number {
  return r.score === null ? -Infinity : Math.round(r.score);
}

/**
 * Worst first: light (red, amber, grey, green, none), then the score as shown, then name. Ordering
 * by the printed whole-percent score keeps rows from swapping over invisible decimals every second.
 */
export function compareRows(a: BoardRow, b: BoardRow): number {
  const sa = shownScore(a);
  const sb = shownScore(b);
  return LIGHT_RANK[b.light] - LIGHT_RANK[a.light] || (sa === sb ? 0 : sb > sa ? 1 : -1) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export interface Board {
  rows: Record<string, BoardRow>;
  /** Portfolio ids, worst first. */
  order: string[];
  summary: BoardSummary;
}

/**
 * Rebuilds the board, reusing the row objects of portfolios whose inputs did not change so
 * that React skips re-rendering them.
 */
export function buildBoard(input: BoardInput, prev: Board | null, prevInput: BoardInput | null): Board {
  const alertsByPortfolio = new Map<string, Alert[]>();
  let openAlerts = 0;
  let unacknowledged = 0;
  for (const a of Object.values(input.alerts)) {
    if (!isOpen(a)) continue;
    openAlerts++;
    if (a.status === 'TRIGGERED') unacknowledged++;
    const list = alertsByPortfolio.get(a.portfolio_id);
    if (list) list.push(a);
    else alertsByPortfolio.set(a.portfolio_id, [a]);
  }
  const sameGlobals = prevInput !== null && prevInput.thresholds === input.thresholds && prevInput.live === input.live && prevInput.alerts === input.alerts;
  const rows: Record<string, BoardRow> = {};
  for (const id of Object.keys(input.portfolios)) {
    const p = input.portfolios[id];
    const snap = input.snapshots[id] ?? null;
    const old = prev?.rows[id];
    if (old && sameGlobals && prevInput!.portfolios[id] === p && (prevInput!.snapshots[id] ?? null) === snap) rows[id] = old;
    else rows[id] = buildRow(p, snap, input.thresholds, alertsByPortfolio.get(id) ?? [], input.live);
  }
  const order = Object.keys(rows).sort((a, b) => compareRows(rows[a], rows[b]));
  const counts: Record<Light, number> = { red: 0, amber: 0, grey: 0, green: 0, none: 0 };
  let score: number | null = null;
  for (const id of order) {
    const r = rows[id];
    counts[r.light]++;
    if (r.score !== null && (score === null || r.score > score)) score = r.score;
  }
  return { rows, order, summary: { score, counts, openAlerts, unacknowledged } };
}

/** Score-only reordering waits this long; a change of colour reorders at once. */
export const RESORT_EVERY_MS = 5000;

/**
 * The order the grid shows. Rows move at once when the set of portfolios changes or a row turns
 * red below one that is not (a new breach jumps to the top); every other change (amber, green,
 * scores) reorders at most every RESORT_EVERY_MS, so rows do not shuffle under the eye every
 * second. Lights and figures themselves always update in place at once.
 */
export function displayOrder(shown: { order: string[]; at: number } | null, board: Board, now: number): { order: string[]; at: number } {
  if (!shown || shown.order.length !== board.order.length || now - shown.at >= RESORT_EVERY_MS) return { order: board.order, at: now };
  for (let i = 0; i < shown.order.length; i++) {
    const row = board.rows[shown.order[i]];
    if (!row) return { order: board.order, at: now };
    if (i > 0 && row.light === 'red' && board.rows[shown.order[i - 1]].light !== 'red') return { order: board.order, at: now };
  }
  return shown;
}
