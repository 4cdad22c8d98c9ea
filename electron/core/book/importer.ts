// `risk-desk import`: CSV files into the store, in one transaction.
import type { Store } from '../store/store';
import { readPortfolios, readPositions, readPrices } from './csv';
import { InputError } from './types';

export interface ImportFiles {
  prices?: string;
  positions?: string;
  portfolios?: string;
}

export interface ImportSummary {
  prices: number;
  symbols: number;
  positions: number;
  portfolios: number;
}

/**
 * Reads and validates every file first, then writes everything in one transaction:
 * either every row lands or none does. Re-importing updates rows in place (keys:
 * portfolio id; symbol and date; portfolio and symbol). A position of quantity 0 removes it.
 */
export function importBook(store: Store, files: ImportFiles, actor = 'import'): ImportSummary {
  const table = files.prices ? readPrices(files.prices) : undefined;
  const positions = files.positions ? readPositions(files.positions) : [];
  const portfolios = files.portfolios ? readPortfolios(files.portfolios) : [];

  return store.transaction(() => {
    const summary: ImportSummary = { prices: 0, symbols: 0, positions: 0, portfolios: 0 };
    for (const p of portfolios) {
      store.book.upsertPortfolio(p);
      summary.portfolios++;
    }
    if (table) {
      const n = table.symbols.length;
      for (const symbol of table.symbols) store.book.upsertInstrument({ symbol });
      for (let d = 0; d < table.dates.length; d++) {
        for (let s = 0; s < n; s++) {
          const close = table.closes[d * n + s];
          if (Number.isNaN(close)) continue;
          store.book.upsertPrice({ symbol: table.symbols[s], date: table.dates[d], close });
          summary.prices++;
        }
      }
      summary.symbols = n;
    }
    for (const p of positions) {
      // Checked inside the transaction so a prices file in the same import counts.
      if (!store.book.hasInstrument(p.symbol)) {
        throw new InputError(files.positions!, p.line, 'symbol', `unknown symbol "${p.symbol}": it has no prices (import its prices first or in the same command)`);
      }
      if (!store.book.getPortfolio(p.portfolio_id)) {
        throw new InputError(files.positions!, p.line, 'portfolio_id', `unknown portfolio "${p.portfolio_id}" (add it with --portfolios)`);
      }
      store.book.setPosition(p);
      summary.positions++;
    }
    store.audit.record({ actor, entity: 'book', entityId: 'import', action: 'import', after: { files, summary } });
    return summary;
  });
}
