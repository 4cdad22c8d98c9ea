// Loading the risk book from the store: the same RiskBook the CLI builds from files, built from
// the database's prices, portfolios, positions and instrument multipliers.
import type { PriceTable } from '../book/types';
import { RiskBook, type RiskOptions } from '../risk/book';
import type { PriceRow } from '../store/repositories/book';
import type { Store } from '../store/store';

/** Rows ordered by date then symbol (BookRepository.listPrices) into the column-oriented table. */
export function priceTableFromRows(rows: readonly PriceRow[]): PriceTable {
  const symbols = [...new Set(rows.map((r) => r.symbol))].sort();
  const dates: string[] = [];
  for (const r of rows) if (dates[dates.length - 1] !== r.date) dates.push(r.date);
  const col = new Map(symbols.map((s, i) => [s, i]));
  const closes = new Float64Array(dates.length * symbols.length).fill(NaN);
  let d = -1;
  let current = '';
  for (const r of rows) {
    if (r.date !== current) {
      current = r.date;
      d++;
    }
    closes[d * symbols.length + col.get(r.symbol)!] = r.close;
  }
  return { dates, symbols, closes };
}

/** The book as stored, or null when the database holds no prices yet (nothing to monitor). */
export function loadRiskBook(store: Store, opts?: Partial<RiskOptions>): RiskBook | null {
  const table = store.book.priceTable();
  if (table.dates.length === 0) return null;
  const multipliers = new Map(store.book.listInstruments().map((i) => [i.symbol, i.multiplier]));
  return RiskBook.create(
    { table, portfolios: store.book.listPortfolios(), positions: store.book.listPositions(), multipliers, positionsSource: 'positions (database)' },
    opts,
  );
}
