// The book: portfolios, instruments, positions and daily closes.
import { asc, eq, sql } from 'drizzle-orm';
import type { Portfolio, Position } from '../../../../shared/domain';
import type { PriceTable } from '../../book/types';
import type { Db } from '../db';
import { instruments, portfolios, positions, prices } from '../schema';

export interface InstrumentRow {
  symbol: string;
  name?: string | null;
  assetClass?: string | null;
  sector?: string | null;
  currency?: string;
  multiplier?: number;
}

export interface PriceRow {
  symbol: string;
  date: string;
  close: number;
}

export class BookRepository {
  /** One prepared statement reused for every close: bulk imports run at SQLite speed, not query-builder speed. */
  private readonly upsertPriceStatement;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {
    this.upsertPriceStatement = db
      .insert(prices)
      .values({ symbol: sql.placeholder('symbol'), date: sql.placeholder('date'), close: sql.placeholder('close') })
      .onConflictDoUpdate({ target: [prices.symbol, prices.date], set: { close: sql`excluded.close` } })
      .prepare();
  }

  listPortfolios(): Portfolio[] {
    return this.db
      .select({ id: portfolios.id, name: portfolios.name, nav: portfolios.nav, currency: portfolios.currency })
      .from(portfolios)
      .orderBy(asc(portfolios.id))
      .all();
  }

  getPortfolio(id: string): Portfolio | undefined {
    return this.db
      .select({ id: portfolios.id, name: portfolios.name, nav: portfolios.nav, currency: portfolios.currency })
      .from(portfolios)
      .where(eq(portfolios.id, id))
      .get();
  }

  countPortfolios(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(portfolios).get()!.n;
  }

  upsertPortfolio(p: Portfolio): void {
    const at = this.now();
    this.db
      .insert(portfolios)
      .values({ id: p.id, name: p.name, nav: p.nav, currency: p.currency, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({ target: portfolios.id, set: { name: p.name, nav: p.nav, currency: p.currency, updatedAt: at } })
      .run();
  }

  /** Adds instruments that are missing; existing rows keep their reference data unless given. */
  upsertInstrument(i: InstrumentRow): void {
    const values = {
      symbol: i.symbol,
      name: i.name ?? null,
      assetClass: i.assetClass ?? null,
      sector: i.sector ?? null,
      currency: i.currency ?? 'USD',
      multiplier: i.multiplier ?? 1,
    };
    const set: Partial<typeof values> = {};
    if (i.name !== undefined) set.name = values.name;
    if (i.assetClass !== undefined) set.assetClass = values.assetClass;
    if (i.sector !== undefined) set.sector = values.sector;
    if (i.currency !== undefined) set.currency = values.currency;
    if (i.multiplier !== undefined) set.multiplier = values.multiplier;
    const q = this.db.insert(instruments).values(values);
    if (Object.keys(set).length) q.onConflictDoUpdate({ target: instruments.symbol, set }).run();
    else q.onConflictDoNothing().run();
  }

  listInstruments(): Required<InstrumentRow>[] {
    return this.db.select().from(instruments).orderBy(asc(instruments.symbol)).all();
  }

  hasInstrument(symbol: string): boolean {
    return this.db.select({ s: instruments.symbol }).from(instruments).where(eq(instruments.symbol, symbol)).get() !== undefined;
  }

  /** Sets a position; quantity 0 removes it. */
  setPosition(p: Position): void {
    if (p.quantity === 0) {
      this.db.delete(positions).where(sql`${positions.portfolioId} = ${p.portfolio_id} and ${positions.symbol} = ${p.symbol}`).run();
      return;
    }
    const at = this.now();
    this.db
      .insert(positions)
      .values({ portfolioId: p.portfolio_id, symbol: p.symbol, quantity: p.quantity, updatedAt: at })
      .onConflictDoUpdate({ target: [positions.portfolioId, positions.symbol], set: { quantity: p.quantity, updatedAt: at } })
      .run();
  }

  listPositions(portfolioId?: string): Position[] {
    const q = this.db
      .select({ portfolio_id: positions.portfolioId, symbol: positions.symbol, quantity: positions.quantity })
      .from(positions);
    return (portfolioId ? q.where(eq(positions.portfolioId, portfolioId)) : q).orderBy(asc(positions.portfolioId), asc(positions.symbol)).all();
  }

  upsertPrice(p: PriceRow): void {
    this.upsertPriceStatement.run({ symbol: p.symbol, date: p.date, close: p.close });
  }

  /** All closes ordered by date then symbol (the shape the risk engine loads). */
  listPrices(): PriceRow[] {
    return this.db.select().from(prices).orderBy(asc(prices.date), asc(prices.symbol)).all();
  }

  countPrices(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(prices).get()!.n;
  }

  /**
   * Every close as the column-oriented table the risk engine loads (NaN where a symbol has no close
   * that day). Streams the rows instead of building an object per close: a large book loads
   * without a spike of garbage.
   */
  priceTable(): PriceTable {
    const client = this.db.$client;
    const dates = (client.prepare('select distinct date from prices order by date').pluck().all() as string[]);
    const symbols = (client.prepare('select distinct symbol from prices order by symbol').pluck().all() as string[]);
    const dateIndex = new Map(dates.map((d, i) => [d, i]));
    const symbolIndex = new Map(symbols.map((s, i) => [s, i]));
    const closes = new Float64Array(dates.length * symbols.length).fill(NaN);
    for (const [symbol, date, close] of client.prepare('select symbol, date, close from prices').raw().iterate() as IterableIterator<[string, string, number]>) {
      closes[dateIndex.get(date)! * symbols.length + symbolIndex.get(symbol)!] = close;
    }
    return { dates, symbols, closes };
  }
}
