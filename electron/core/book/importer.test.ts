import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../store/store';
import { tempDir, writeFile } from '../testing';
import { importBook } from './importer';
import { InputError } from './types';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const PORTFOLIOS = 'portfolio_id,name,nav,currency\np1,Book One,1000000,USD\np2,Book Two,,eur\n';
const LONG = 'date,symbol,close\n2026-01-02,AAPL,100\n2026-01-02,MSFT,200\n2026-01-05,AAPL,101\n2026-01-05,MSFT,198\n';
const WIDE = 'date,AAPL,MSFT\n2026-01-02,100,200\n2026-01-05,101,\n';
const POSITIONS = 'symbol,quantity,portfolio_id\nAAPL,100,p1\nMSFT,-50,p1\nAAPL,10,p2\n';

/** Every row of the book tables, to prove a failed import changed nothing. */
function dump(store: Store): unknown {
  return {
    portfolios: store.book.listPortfolios(),
    instruments: store.book.listInstruments(),
    positions: store.book.listPositions(),
    prices: store.book.listPrices(),
  };
}

describe('importBook', () => {
  it('imports long prices, positions and portfolios (columns in any order)', () => {
    const store = Store.open(`${tmp.dir}/long.db`);
    const s = importBook(store, {
      prices: writeFile(tmp.dir, 'long.csv', LONG),
      positions: writeFile(tmp.dir, 'pos.csv', POSITIONS),
      portfolios: writeFile(tmp.dir, 'pf.csv', PORTFOLIOS),
    });
    expect(s).toEqual({ prices: 4, symbols: 2, positions: 3, portfolios: 2 });
    expect(store.book.listPortfolios()).toEqual([
      { id: 'p1', name: 'Book One', nav: 1_000_000, currency: 'USD' },
      { id: 'p2', name: 'Book Two', nav: null, currency: 'EUR' },
    ]);
    expect(store.book.listPositions('p1')).toEqual([
      { portfolio_id: 'p1', symbol: 'AAPL', quantity: 100 },
      { portfolio_id: 'p1', symbol: 'MSFT', quantity: -50 },
    ]);
    store.close();
  });

  it('imports wide prices, where an empty cell means no close that day', () => {
    const store = Store.open(`${tmp.dir}/wide.db`);
    importBook(store, { prices: writeFile(tmp.dir, 'wide.csv', WIDE) });
    expect(store.book.listPrices()).toEqual([
      { symbol: 'AAPL', date: '2026-01-02', close: 100 },
      { symbol: 'MSFT', date: '2026-01-02', close: 200 },
      { symbol: 'AAPL', date: '2026-01-05', close: 101 },
    ]);
    store.close();
  });

  it('re-importing updates rows instead of duplicating them', () => {
    const store = Store.open(`${tmp.dir}/again.db`);
    const files = { prices: writeFile(tmp.dir, 'a.csv', LONG), positions: writeFile(tmp.dir, 'b.csv', POSITIONS), portfolios: writeFile(tmp.dir, 'c.csv', PORTFOLIOS) };
    importBook(store, files);
    importBook(store, {
      prices: writeFile(tmp.dir, 'a2.csv', 'date,symbol,close\n2026-01-05,AAPL,111\n'),
      positions: writeFile(tmp.dir, 'b2.csv', 'portfolio_id,symbol,quantity\np1,AAPL,250\n'),
      portfolios: writeFile(tmp.dir, 'c2.csv', 'portfolio_id,name,nav\np1,Book One (renamed),2000000\n'),
    });
    importBook(store, files);
    expect(store.book.countPrices()).toBe(4);
    expect(store.book.countPortfolios()).toBe(2);
    expect(store.book.listPositions().length).toBe(3);
    store.close();
    const s2 = Store.open(`${tmp.dir}/again2.db`);
    importBook(s2, files);
    importBook(s2, { prices: writeFile(tmp.dir, 'a3.csv', 'date,symbol,close\n2026-01-05,AAPL,111\n') });
    expect(s2.book.listPrices().find((p) => p.symbol === 'AAPL' && p.date === '2026-01-05')!.close).toBe(111);
    importBook(s2, { positions: writeFile(tmp.dir, 'b3.csv', 'portfolio_id,symbol,quantity\np1,AAPL,250\np1,MSFT,0\n') });
    expect(s2.book.listPositions('p1')).toEqual([{ portfolio_id: 'p1', symbol: 'AAPL', quantity: 250 }]);
    s2.close();
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['a close that is not a number', { prices: 'date,symbol,close\n2026-01-02,AAPL,100\n2026-01-05,AAPL,abc\n' }, /bad\.csv: line 3, field "close": "abc" is not a price/],
    ['a non-positive close', { prices: 'date,AAPL\n2026-01-02,0\n' }, /line 2, field "AAPL": "0" is not a price/],
    ['a bad date', { prices: 'date,symbol,close\n2026-13-02,AAPL,100\n' }, /line 2, field "date": "2026-13-02" is not an ISO date/],
    ['a duplicate close', { prices: 'date,symbol,close\n2026-01-02,AAPL,100\n2026-01-02,AAPL,101\n' }, /line 3, field "close": duplicate close for AAPL on 2026-01-02/],
    ['a missing column', { positions: 'portfolio_id,symbol\np1,AAPL\n' }, /line 1, field "quantity": missing required column/],
    ['a quantity that is not a number', { positions: 'portfolio_id,symbol,quantity\np1,AAPL,1e400\n' }, /line 2, field "quantity": "1e400" is not a finite number/],
    ['an unknown symbol', { positions: 'portfolio_id,symbol,quantity\np1,AAPL,1\np1,ZZZZ,5\n' }, /line 3, field "symbol": unknown symbol "ZZZZ"/],
    ['an unknown portfolio', { positions: 'portfolio_id,symbol,quantity\np9,AAPL,1\n' }, /line 2, field "portfolio_id": unknown portfolio "p9"/],
    ['a negative NAV', { portfolios: 'portfolio_id,name,nav\np3,Three,-5\n' }, /line 2, field "nav": "-5" must be above 0/],
  ];

  it.each(bad)('rejects %s naming file, line and field, and changes nothing', (_name, files, message) => {
    const store = Store.open(`${tmp.dir}/bad-${Math.random().toString(36).slice(2)}.db`);
    importBook(store, {
      prices: writeFile(tmp.dir, 'ok-prices.csv', LONG),
      positions: writeFile(tmp.dir, 'ok-pos.csv', POSITIONS),
      portfolios: writeFile(tmp.dir, 'ok-pf.csv', PORTFOLIOS),
    });
    const before = dump(store);
    // The good rows of a mixed import must not land either.
    const paths = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, writeFile(tmp.dir, 'bad.csv', v)]));
    const extra = files.portfolios ? {} : { portfolios: writeFile(tmp.dir, 'more-pf.csv', 'portfolio_id,name,nav\np7,Seven,5\n') };
    let error: unknown;
    try {
      importBook(store, { ...extra, ...paths });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect(dump(store)).toEqual(before);
    store.close();
  });

  it('names a missing file', () => {
    const store = Store.open(`${tmp.dir}/missing.db`);
    expect(() => importBook(store, { prices: `${tmp.dir}/nope.csv` })).toThrow(/nope\.csv: file not found/);
    store.close();
  });
});
