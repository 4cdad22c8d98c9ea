// A synthetic desk for the metrics benchmark: many symbols, long/short portfolios, a few missing
// closes (so carry-forward is exercised), all reproducible from a seed.
import fs from 'node:fs';
import path from 'node:path';
import type { Portfolio, Position } from '../shared/domain';
import type { PriceTable } from '../electron/core/book/types';
import { businessDays, mulberry32, normalSource } from '../electron/core/demo/generator';

export interface DeskSize {
  symbols: number;
  days: number;
  portfolios: number;
  positionsPerPortfolio: number;
}

export interface SyntheticDesk {
  table: PriceTable;
  portfolios: Portfolio[];
  positions: Position[];
}

export function syntheticDesk(size: DeskSize, seed = 42): SyntheticDesk {
  const uniform = mulberry32(seed);
  const normal = normalSource(uniform);
  const { symbols: n, days } = size;
  const symbols = Array.from({ length: n }, (_, i) => `S${String(i).padStart(4, '0')}`);
  const dates = businessDays('2026-11-25', days);
  const closes = new Float64Array(n * days);
  const last = Float64Array.from(symbols, () => 20 + uniform() * 480);
  const vol = Float64Array.from(symbols, () => 0.01 + uniform() * 0.02);
  for (let d = 0; d < days; d++) {
    const market = normal();
    for (let i = 0; i < n; i++) {
      if (d > 0) last[i] *= 1 + 0.0002 + vol[i] * (0.6 * market + 0.8 * normal());
      // About 1 close in 500 is missing (never the first or the last day, so every symbol has a latest price).
      const missing = d > 0 && d < days - 1 && uniform() < 0.002;
      closes[d * n + i] = missing ? NaN : Math.round(last[i] * 1e4) / 1e4;
    }
  }
  const portfolios: Portfolio[] = [];
  const positions: Position[] = [];
  const pick = Int32Array.from(symbols, (_, i) => i);
  const lastRow = (days - 1) * n;
  for (let p = 0; p < size.portfolios; p++) {
    const id = `P${String(p).padStart(4, '0')}`;
    const nav = Math.round(1e6 + uniform() * 99e6);
    portfolios.push({ id, name: `Portfolio ${p}`, nav, currency: 'USD' });
    // Partial Fisher-Yates: distinct symbols per portfolio.
    for (let k = 0; k < size.positionsPerPortfolio; k++) {
      const j = k + Math.floor(uniform() * (n - k));
      [pick[k], pick[j]] = [pick[j], pick[k]];
      const s = pick[k];
      const weight = (uniform() < 0.6 ? 1 : -1) * (0.005 + uniform() * 0.02);
      const quantity = Math.round((weight * nav) / closes[lastRow + s]) || 1;
      positions.push({ portfolio_id: id, symbol: symbols[s], quantity });
    }
  }
  return { table: { dates, symbols, closes }, portfolios, positions };
}

/** Writes the desk as the CSV files `risk-desk metrics` reads: wide prices, positions, portfolios. */
export function writeDeskCsv(desk: SyntheticDesk, dir: string): { prices: string; positions: string; portfolios: string } {
  fs.mkdirSync(dir, { recursive: true });
  const { dates, symbols, closes } = desk.table;
  const n = symbols.length;
  const lines = [`date,${symbols.join(',')}`];
  for (let d = 0; d < dates.length; d++) {
    const row = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const v = closes[d * n + i];
      row[i] = Number.isNaN(v) ? '' : String(v);
    }
    lines.push(`${dates[d]},${row.join(',')}`);
  }
  const files = { prices: path.join(dir, 'prices.csv'), positions: path.join(dir, 'positions.csv'), portfolios: path.join(dir, 'portfolios.csv') };
  fs.writeFileSync(files.prices, `${lines.join('\n')}\n`);
  fs.writeFileSync(files.positions, `portfolio_id,symbol,quantity\n${desk.positions.map((p) => `${p.portfolio_id},${p.symbol},${p.quantity}`).join('\n')}\n`);
  fs.writeFileSync(files.portfolios, `portfolio_id,name,nav,currency\n${desk.portfolios.map((p) => `${p.id},${p.name},${p.nav ?? ''},${p.currency}`).join('\n')}\n`);
  return files;
}
