// `risk-desk metrics`: every metric once for every portfolio of a set of CSV files, printed as
// JSON, CSV or an aligned table (docs/cli.md).
import { CONCENTRATION_METRICS, METRIC_INFO, METRIC_PATHS, type MetricPath, type RiskMetrics, SCALAR_METRICS, readMetric } from '../../shared/metrics';
import type { Portfolio } from '../../shared/domain';
import { readPrices } from '../core/book/csv';
import { InputError, type PriceTable } from '../core/book/types';
import { type RiskOptions, RiskBook } from '../core/risk/book';
import type { NullReasons } from '../core/risk/metrics';
import { startReadingPositionFiles } from './position-files';

export interface MetricsFiles {
  prices: string;
  positions: string;
  /** Without it every portfolio named in the positions gets a derived NAV (net market value). */
  portfolios?: string;
}

/** One portfolio's line of output: the JSON object `risk-desk metrics` prints. */
export type MetricsRow = { portfolio_id: string; as_of: string; observations: number } & RiskMetrics & { null_reasons: NullReasons };

/**
 * Every metric for every portfolio of the files. The positions and portfolios files are read on a
 * second thread while this one reads the prices (see position-files.ts); errors are reported in
 * the order a single thread would meet them: prices, then positions, then portfolios.
 */
export async function computeMetricsReport(files: MetricsFiles, opts: Partial<RiskOptions>): Promise<MetricsRow[]> {
  const reading = startReadingPositionFiles({ positions: files.positions, portfolios: files.portfolios });
  let table: PriceTable;
  try {
    table = readPrices(files.prices);
  } catch (err) {
    reading.cancel();
    throw err;
  }
  const { positions, portfolios: listed } = await reading.result();
  let portfolios: Portfolio[];
  if (listed && files.portfolios) {
    portfolios = listed;
    const known = new Set(portfolios.map((p) => p.id));
    const stray = positions.find((p) => !known.has(p.portfolio_id));
    if (stray) throw new InputError(files.positions, stray.line, 'portfolio_id', `unknown portfolio "${stray.portfolio_id}" (not in ${files.portfolios})`);
  } else {
    portfolios = [...new Set(positions.map((p) => p.portfolio_id))].map((id) => ({ id, name: id, nav: null, currency: 'USD' }));
  }
  const book = RiskBook.create({ table, portfolios, positions, positionsSource: files.positions }, opts);
  return book.portfolioIds().map((id) => {
    const { metrics, null_reasons, as_of, observations } = book.metrics(id);
    return { portfolio_id: id, as_of, observations, ...metrics, null_reasons };
  });
}

export function formatJson(rows: MetricsRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function reasonsText(r: NullReasons): string {
  return Object.entries(r)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}

/** One row per portfolio; nested metrics as dotted columns (`concentration_risk.hhi`); an empty cell is null. */
export function formatCsv(rows: MetricsRow[]): string {
  const header = ['portfolio_id', 'as_of', 'observations', ...METRIC_PATHS, 'null_reasons'];
  const lines = [header.join(',')];
  for (const row of rows) {
    const cells = [csvField(row.portfolio_id), row.as_of, String(row.observations)];
    for (const path of METRIC_PATHS) {
      const v = readMetric(row, path);
      cells.push(v === null ? '' : String(v));
    }
    cells.push(csvField(reasonsText(row.null_reasons)));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function formatValue(path: MetricPath, v: number | null): string {
  if (v === null) return 'n/a';
  switch (METRIC_INFO[path].kind) {
    case 'return':
    case 'share':
      return `${(v * 100).toFixed(2)}%`;
    case 'amount':
      return Math.round(v).toLocaleString('en-US');
    case 'count':
    case 'ratio':
      return path === 'concentration_risk.hhi' ? v.toFixed(4) : v.toFixed(2);
  }
}

/** An aligned table for people: one row per portfolio, then why each n/a is n/a. */
export function formatTable(rows: MetricsRow[]): string {
  const columns = ['portfolio_id', 'as_of', 'observations', ...SCALAR_METRICS, ...CONCENTRATION_METRICS.map((m) => `concentration_risk.${m}`)];
  const body = rows.map((row) => [row.portfolio_id, row.as_of, String(row.observations), ...METRIC_PATHS.map((p) => formatValue(p, readMetric(row, p)))]);
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  const notes = rows.flatMap((row) => Object.entries(row.null_reasons).map(([k, v]) => `  ${row.portfolio_id} ${k}: ${v}`));
  if (notes.length) out.push('', 'n/a:', ...notes);
  return `${out.join('\n')}\n`;
}

export const METRICS_FORMATS = { json: formatJson, csv: formatCsv, table: formatTable } as const;
export type MetricsFormat = keyof typeof METRICS_FORMATS;
