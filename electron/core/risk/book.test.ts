// The risk book: hand-computed figures for a small book, the null rules, live updates, and the
// properties (incremental == full recompute, scale invariance, components summing to VaR).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Portfolio, Position } from '../../../shared/domain';
import { METRIC_PATHS, type MetricPath, type RiskMetrics, readMetric } from '../../../shared/metrics';
import { InputError, type PriceTable } from '../book/types';
import { DEMO_PORTFOLIOS, demoPositions, generateDemoPrices } from '../demo/generator';
import { FIGURE } from './metrics';
import { RiskBook, type RiskOptions } from './book';

const pf = (id: string, nav: number | null): Portfolio => ({ id, name: id, nav, currency: 'USD' });

// A: 100, 110, 99, (missing: carried forward), 108.9 -> returns 0.1, -0.1, 0, 0.1
// B:  50,  50, 55, 44, 44                            -> returns 0, 0.1, -0.2, 0
const SMALL: PriceTable = {
  dates: ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'],
  symbols: ['A', 'B', 'C'],
  closes: Float64Array.from([100, 50, NaN, 110, 50, NaN, 99, 55, NaN, NaN, 44, NaN, 108.9, 44, NaN]),
};
// Long 10 A (MV 1,089), short 20 B (MV -880): net 209, gross 1,969.
// P&L per day: 1089 rA - 880 rB = 108.9, -196.9, 176, 108.9.
const LONG_SHORT: Position[] = [
  { portfolio_id: 'given', symbol: 'A', quantity: 10 },
  { portfolio_id: 'given', symbol: 'B', quantity: -20 },
  { portfolio_id: 'derived', symbol: 'A', quantity: 10 },
  { portfolio_id: 'derived', symbol: 'B', quantity: -20 },
];

function smallBook(opts?: Partial<RiskOptions>) {
  return RiskBook.create({ table: SMALL, portfolios: [pf('given', 2000), pf('derived', null), pf('empty', 1000)], positions: LONG_SHORT }, opts);
}

function expectMetrics(m: RiskMetrics, expected: Partial<Record<MetricPath, number>>, digits = 12) {
  for (const [path, value] of Object.entries(expected) as [MetricPath, number][]) {
    const got = readMetric(m, path);
    expect(got, path).not.toBeNull();
    expect(got! / value, path).toBeCloseTo(1, digits);
  }
}

describe('RiskBook figures, by hand', () => {
  it('computes every metric for a long/short book with a given NAV (returns 0.05445, -0.09845, 0.088, 0.05445)', () => {
    const { metrics, null_reasons, as_of, observations } = smallBook().metrics('given');
    expect(as_of).toBe('2026-01-09');
    expect(observations).toBe(4); // fewer returns than the window: all of them
    expect(null_reasons).toEqual({});
    // Sorted: -0.09845, 0.05445, 0.05445, 0.088. (T - 1) * 0.05 = 0.15, * 0.01 = 0.03.
    const sd = 0.08355219301929384; // sqrt(sum((r - 0.0246125)^2) / 3)
    expectMetrics(metrics, {
      var_95: -0.09845 + 0.1529 * 0.15,
      var_99: -0.09845 + 0.1529 * 0.03,
      cvar_95: -0.09845,
      cvar_99: -0.09845,
      var_95_amount: (-0.09845 + 0.1529 * 0.15) * 2000,
      cvar_99_amount: -196.9,
      parametric_var_95: 0.0246125 - 1.6448536269514729 * sd,
      parametric_var_99: 0.0246125 - 2.3263478740408408 * sd,
      parametric_var_99_amount: (0.0246125 - 2.3263478740408408 * sd) * 2000,
      volatility: sd * Math.sqrt(252),
      ewma_volatility: 1.2111498045277846,
      max_drawdown: -0.09845, // the fall on day 2 from the day-1 peak
      sharpe_ratio: (0.0246125 / sd) * Math.sqrt(252),
      sortino_ratio: (0.0246125 * 252) / (Math.sqrt(0.09845 ** 2 / 4) * Math.sqrt(252)),
      calmar_ratio: (1.090613063410936 ** 63 - 1) / 0.09845, // wealth^(252/4) - 1 over |mdd|
      cornish_fisher_var_95: -0.13680825853118678,
      cornish_fisher_var_99: -0.1851062463190822,
      gross_exposure: 1969,
      net_exposure: 209,
      leverage_ratio: 1969 / 2000,
      nav: 2000,
      'concentration_risk.max_position': 1089 / 2000,
      'concentration_risk.hhi': (1089 / 1969) ** 2 + (880 / 1969) ** 2,
      'concentration_risk.effective_positions': 1 / ((1089 / 1969) ** 2 + (880 / 1969) ** 2),
      'concentration_risk.top5': 1,
    });
  });

  it('derives NAV as the net market value when none is given', () => {
    const { metrics } = smallBook().metrics('derived');
    const r = [108.9 / 209, -196.9 / 209, 176 / 209, 108.9 / 209];
    expectMetrics(metrics, {
      nav: 209,
      var_95: r[1] + (r[0] - r[1]) * 0.15,
      var_95_amount: (r[1] + (r[0] - r[1]) * 0.15) * 209,
      max_drawdown: r[1],
      leverage_ratio: 1969 / 209,
      'concentration_risk.max_position': 1089 / 209,
    });
    // Sharpe is a ratio of two figures that both scale with 1 / NAV.
    expect(metrics.sharpe_ratio).toBeCloseTo(smallBook().metrics('given').metrics.sharpe_ratio!, 12);
  });

  it('uses the instrument multiplier in market values', () => {
    const book = RiskBook.create({ table: SMALL, portfolios: [pf('given', 2000)], positions: LONG_SHORT.slice(0, 2), multipliers: new Map([['A', 2]]) });
    expect(book.metrics('given').metrics.gross_exposure).toBe(2178 + 880);
  });

  it('gives null with a reason, never NaN or 0, for an empty portfolio', () => {
    const { metrics, null_reasons } = smallBook().metrics('empty');
    expect(metrics.var_95).toBeNull();
    expect(metrics.volatility).toBeNull();
    expect(metrics.concentration_risk.hhi).toBeNull();
    expect(null_reasons.var_95).toMatch(/no positions/);
    expect(null_reasons['concentration_risk.max_position']).toMatch(/no positions/);
    expect(metrics.gross_exposure).toBe(0);
    expect(metrics.leverage_ratio).toBe(0);
    expect(metrics.nav).toBe(1000);
  });

  it('gives null figures for a net-short book whose NAV is derived (NAV <= 0)', () => {
    const book = RiskBook.create({ table: SMALL, portfolios: [pf('short', null)], positions: [{ portfolio_id: 'short', symbol: 'B', quantity: -5 }] });
    const { metrics, null_reasons } = book.metrics('short');
    expect(metrics.nav).toBe(-220);
    expect(metrics.var_95).toBeNull();
    expect(metrics.leverage_ratio).toBeNull();
    expect(null_reasons.var_95).toMatch(/NAV is not positive: derived as the net market value \(-220\)/);
    expect(metrics.gross_exposure).toBe(220);
  });

  it('flat prices: VaR and volatility 0; ratios that divide by a deviation are null', () => {
    const table: PriceTable = { dates: ['2026-01-05', '2026-01-06', '2026-01-07'], symbols: ['F'], closes: Float64Array.from([10, 10, 10]) };
    const book = RiskBook.create({ table, portfolios: [pf('p', null)], positions: [{ portfolio_id: 'p', symbol: 'F', quantity: 3 }] });
    const { metrics, null_reasons } = book.metrics('p');
    expect(metrics.var_95).toBe(0);
    expect(metrics.volatility).toBe(0);
    expect(metrics.max_drawdown).toBe(0);
    expect(metrics.sharpe_ratio).toBeNull();
    expect(null_reasons.sharpe_ratio).toMatch(/zero deviation/);
    expect(metrics.cornish_fisher_var_95).toBeNull();
    expect(null_reasons.sortino_ratio).toMatch(/no return below/);
    expect(null_reasons.calmar_ratio).toMatch(/max_drawdown is 0/);
  });

  it('all-positive returns: no drawdown, so Calmar and Sortino are null', () => {
    const table: PriceTable = { dates: ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08'], symbols: ['U'], closes: Float64Array.from([10, 11, 12, 14]) };
    const book = RiskBook.create({ table, portfolios: [pf('p', null)], positions: [{ portfolio_id: 'p', symbol: 'U', quantity: 1 }] });
    const { metrics, null_reasons } = book.metrics('p');
    expect(metrics.max_drawdown).toBe(0);
    expect(metrics.calmar_ratio).toBeNull();
    expect(metrics.sortino_ratio).toBeNull();
    expect(null_reasons.calmar_ratio).toBeDefined();
    // Returns 0.1, 1/11, 1/6; sorted [1/11, 0.1, 1/6]; (3 - 1) * 0.05 = 0.1 of the way from 1/11 to 0.1.
    expect(metrics.var_95).toBeCloseTo(1 / 11 + (0.1 - 1 / 11) * 0.1, 15);
  });

  it('needs returns: one date gives null return figures; one return gives VaR but no deviation', () => {
    const one: PriceTable = { dates: ['2026-01-05'], symbols: ['A'], closes: Float64Array.from([100]) };
    const book1 = RiskBook.create({ table: one, portfolios: [pf('p', 1000)], positions: [{ portfolio_id: 'p', symbol: 'A', quantity: 1 }] });
    expect(book1.metrics('p').null_reasons.var_95).toMatch(/no returns/);
    expect(book1.metrics('p').metrics.gross_exposure).toBe(100);
    const two: PriceTable = { dates: ['2026-01-05', '2026-01-06'], symbols: ['A'], closes: Float64Array.from([100, 90]) };
    const book2 = RiskBook.create({ table: two, portfolios: [pf('p', null)], positions: [{ portfolio_id: 'p', symbol: 'A', quantity: 1 }] });
    const m = book2.metrics('p');
    expect(m.metrics.var_95).toBeCloseTo(-0.1, 15);
    expect(m.metrics.volatility).toBeNull();
    expect(m.null_reasons.volatility).toBe('needs at least 2 returns (have 1)');
  });

  it('uses only the last `window` returns', () => {
    const { metrics, observations } = smallBook({ window: 2 }).metrics('given');
    expect(observations).toBe(2);
    // Window: 0.088, 0.05445 -> 5% quantile 0.05445 + 0.03355 * 0.05.
    expect(metrics.var_95).toBeCloseTo(0.05445 + (0.088 - 0.05445) * 0.05, 15);
  });

  it('never returns NaN or Infinity in any figure', () => {
    const book = smallBook();
    for (const id of book.portfolioIds()) {
      const { metrics, null_reasons } = book.metrics(id);
      for (const path of METRIC_PATHS) {
        const v = readMetric(metrics, path);
        if (v === null) expect(null_reasons[path], `${id} ${path}`).toBeTruthy();
        else expect(Number.isFinite(v), `${id} ${path}`).toBe(true);
      }
    }
  });
});

describe('RiskBook input errors', () => {
  it('names a held symbol with no price at all', () => {
    const make = () => RiskBook.create({ table: SMALL, portfolios: [pf('p', 1)], positions: [{ portfolio_id: 'p', symbol: 'C', quantity: 1, line: 7 } as Position], positionsSource: 'pos.csv' });
    expect(make).toThrow(InputError);
    expect(make).toThrow('pos.csv: line 7, field "symbol": unknown symbol "C": it has no prices');
    expect(() => RiskBook.create({ table: SMALL, portfolios: [pf('p', 1)], positions: [{ portfolio_id: 'p', symbol: 'ZZZ', quantity: 1 }] })).toThrow(/unknown symbol "ZZZ"/);
  });

  it('rejects unknown portfolios, duplicate positions, bad closes and bad options', () => {
    expect(() => RiskBook.create({ table: SMALL, portfolios: [], positions: LONG_SHORT })).toThrow(/unknown portfolio "given"/);
    const dup = [...LONG_SHORT.slice(0, 2), { portfolio_id: 'derived', symbol: 'A', quantity: 1 }, { portfolio_id: 'given', symbol: 'A', quantity: 3 }];
    expect(() => RiskBook.create({ table: SMALL, portfolios: [pf('given', 1), pf('derived', null)], positions: dup })).toThrow(/duplicate position given\/A/);
    const bad: PriceTable = { ...SMALL, closes: Float64Array.from(SMALL.closes, (v, i) => (i === 4 ? -1 : v)) };
    expect(() => RiskBook.create({ table: bad, portfolios: [], positions: [] })).toThrow(/field "B": close -1 on 2026-01-06 is not a price/);
    expect(() => smallBook({ window: 0 })).toThrow(/window/);
  });
});

describe('RiskBook live updates', () => {
  it('a tick on the live day moves the holders and reports them; other portfolios keep their figures', () => {
    const book = smallBook();
    const before = book.metrics('given').metrics.var_95;
    expect(book.portfoliosHolding('A')).toEqual(['given', 'derived']);
    expect(book.applyTick('A', 120, '2026-01-09')).toEqual(['given', 'derived']);
    expect(book.lastPrice('A')).toBe(120);
    expect(book.metrics('given').metrics.var_95).not.toBe(before);
    expect(book.applyTick('A', 120, '2026-01-09')).toEqual([]); // same price: nothing changed
    expect(book.latestDate()).toBe('2026-01-09');
  });

  it('market values follow ticks through reads, the detail view and position changes', () => {
    const book = smallBook();
    expect(book.metrics('derived').metrics.gross_exposure).toBe(1969);
    book.applyTick('A', 110, '2026-01-09'); // A: 108.9 -> 110, MV 1,100
    expect(book.metrics('derived').metrics.gross_exposure).toBeCloseTo(1980, 9);
    book.applyTick('B', 45, '2026-01-09'); // B: 44 -> 45, MV -900
    book.detail('derived'); // rebuilds the P&L from prices, dropping the pending tick
    expect(book.metrics('derived').metrics.gross_exposure).toBeCloseTo(2000, 9);
    book.setPosition({ portfolio_id: 'derived', symbol: 'A', quantity: 20 });
    book.applyTick('A', 100, '2026-01-09');
    expect(book.metrics('derived').metrics.net_exposure).toBeCloseTo(2000 - 900, 9);
  });

  it('a handle reads the same figures as the id, and is refused once its portfolio leaves the book or by another book', () => {
    const book = smallBook();
    const handle = book.handle('derived');
    expect(book.figuresOf(handle).values).toEqual(book.figures('derived').values);
    book.applyTick('A', 110, '2026-01-09');
    expect(book.figuresOf(handle).values[FIGURE.gross_exposure]).toBeCloseTo(1980, 9);
    expect(() => smallBook().figuresOf(handle)).toThrow(/unknown portfolio "derived"/);
    book.removePortfolio('derived');
    expect(() => book.figuresOf(handle)).toThrow(/unknown portfolio "derived"/);
    expect(() => book.handle('derived')).toThrow(/unknown portfolio "derived"/);
  });

  it('a tick on a new date rolls the day, carrying every other price forward', () => {
    const book = smallBook({ window: 4 });
    expect(book.applyTick('B', 44 * 1.1, '2026-01-12')).toEqual(['given', 'derived', 'empty']);
    expect(book.latestDate()).toBe('2026-01-12');
    expect(book.lastPrice('A')).toBe(108.9);
    // Window now: days 2..5; the new day: A 0 (carried), B +10%. Every day is re-weighted at the new
    // price of B (MV -968): P&L 1089 rA - 968 rB = -205.7, 193.6, 108.9, -96.8.
    const { metrics, observations } = book.metrics('given');
    expect(observations).toBe(4);
    const r = [-205.7 / 2000, 193.6 / 2000, 108.9 / 2000, -96.8 / 2000].sort((a, b) => a - b);
    expect(metrics.var_95).toBeCloseTo(r[0] + (r[1] - r[0]) * 0.15, 15);
    expect(metrics.net_exposure).toBeCloseTo(1089 - 968, 12);
  });

  it('rejects ticks that rewrite history, unknown symbols and bad prices', () => {
    const book = smallBook();
    expect(() => book.applyTick('A', 100, '2026-01-08')).toThrow(/before the latest day 2026-01-09/);
    expect(() => book.applyTick('ZZZ', 100, '2026-01-09')).toThrow(/unknown symbol "ZZZ"/);
    expect(() => book.applyTick('A', 0, '2026-01-09')).toThrow(/not a price/);
    expect(() => book.applyTick('A', NaN, '2026-01-09')).toThrow(/not a price/);
    expect(() => book.applyTick('A', 1, '2026-1-9')).toThrow(/not an ISO date/);
    expect(() => book.setPosition({ portfolio_id: 'given', symbol: 'ZZZ', quantity: 1 })).toThrow(InputError);
    expect(() => book.setPosition({ portfolio_id: 'nope', symbol: 'A', quantity: 1 })).toThrow(/unknown portfolio "nope"/);
  });

  it('a position taken after ticks reuses the place of a released one, never one still held', () => {
    // Ticks noted by holdings are kept per holding until a read; a released holding's place goes to
    // the next one taken. Here C moves into A's position when A is released, D takes A's place,
    // then C and D are both waiting for the same read: sharing a place would mix their notes.
    const table: PriceTable = { dates: ['2026-01-05', '2026-01-06', '2026-01-07'], symbols: ['A', 'B', 'C', 'D'], closes: Float64Array.from([100, 50, 20, 10, 104, 49, 21, 11, 101, 52, 19, 12]) };
    const positions: Position[] = [
      { portfolio_id: 'p', symbol: 'A', quantity: 10 },
      { portfolio_id: 'p', symbol: 'B', quantity: -20 },
      { portfolio_id: 'p', symbol: 'C', quantity: 30 },
    ];
    const book = RiskBook.create({ table, portfolios: [pf('p', 5000)], positions });
    book.applyTick('A', 102, '2026-01-07');
    book.metrics('p');
    book.setPosition({ portfolio_id: 'p', symbol: 'A', quantity: 0 });
    book.setPosition({ portfolio_id: 'p', symbol: 'D', quantity: 40 });
    book.applyTick('C', 22, '2026-01-07');
    book.applyTick('D', 13, '2026-01-07');
    const closes = Float64Array.from([100, 50, 20, 10, 104, 49, 21, 11, 102, 52, 22, 13]);
    const fresh = RiskBook.create({ table: { ...table, closes }, portfolios: [pf('p', 5000)], positions: [positions[1], { portfolio_id: 'p', symbol: 'C', quantity: 30 }, { portfolio_id: 'p', symbol: 'D', quantity: 40 }] });
    expectSameFigures(book.metrics('p').metrics, fresh.metrics('p').metrics, 'p');
  });

  it('sets, changes and removes positions; upserts and removes portfolios', () => {
    const book = smallBook();
    expect(book.setPosition({ portfolio_id: 'empty', symbol: 'B', quantity: 10 })).toEqual(['empty']);
    expect(book.metrics('empty').metrics.gross_exposure).toBe(440);
    expect(book.portfoliosHolding('B')).toContain('empty');
    book.setPosition({ portfolio_id: 'empty', symbol: 'B', quantity: 0 });
    expect(book.portfoliosHolding('B')).not.toContain('empty');
    expect(book.metrics('empty').metrics.var_95).toBeNull();
    book.upsertPortfolio(pf('given', 4000));
    expect(book.metrics('given').metrics.leverage_ratio).toBeCloseTo(1969 / 4000, 15);
    book.removePortfolio('given');
    expect(book.portfolioIds()).toEqual(['derived', 'empty']);
    expect(book.portfoliosHolding('A')).toEqual(['derived']);
    expect(() => book.metrics('given')).toThrow(/unknown portfolio/);
  });

  it('ticks waiting in one portfolio survive another taking more positions than any had (the waiting lists are laid out again)', () => {
    const table = generateDemoPrices({ lastDate: '2026-11-25' });
    const symbols = table.symbols;
    const held = symbols.slice(0, 3);
    const portfolios = [pf('waits', 1e6), pf('grows', 1e6)];
    const positions: Position[] = held.map((symbol, k) => ({ portfolio_id: 'waits', symbol, quantity: 100 * (k + 1) }));
    const book = RiskBook.create({ table, portfolios, positions: [...positions, { portfolio_id: 'grows', symbol: symbols[5], quantity: 10 }] });
    const last = book.latestDate();
    const moved = held.map((s) => book.lastPrice(s)! * 1.03);
    held.forEach((s, k) => book.applyTick(s, moved[k], last)); // 'waits' now has three holdings waiting
    const grown = symbols.slice(6, 6 + 40).map((symbol, k) => ({ portfolio_id: 'grows', symbol, quantity: 5 + k }));
    for (const pos of grown) book.setPosition(pos);

    const ticked = { ...table, closes: Float64Array.from(table.closes) };
    held.forEach((s, k) => (ticked.closes[(table.dates.length - 1) * symbols.length + symbols.indexOf(s)] = moved[k]));
    const full = RiskBook.create({ table: ticked, portfolios, positions: [...positions, { portfolio_id: 'grows', symbol: symbols[5], quantity: 10 }, ...grown] });
    for (const id of ['waits', 'grows']) expectSameFigures(book.metrics(id).metrics, full.metrics(id).metrics, id);
  });

  it('portfolios added after it was built (past the room it was made with) or removed and added again read as in a book built with them', () => {
    const table = generateDemoPrices({ lastDate: '2026-11-25' });
    const demo = DEMO_PORTFOLIOS.map(({ id, name, nav, currency }) => ({ id, name, nav, currency }));
    const positions = demoPositions(table);
    // Forty copies of each demo portfolio: the book starts with one, so its memory grows several times.
    const copies = Array.from({ length: 40 }, (_, k) => demo.map((p) => ({ ...p, id: `${p.id}-${k}` }))).flat();
    const copyPositions = Array.from({ length: 40 }, (_, k) => positions.map((p) => ({ ...p, portfolio_id: `${p.portfolio_id}-${k}` }))).flat();
    const grown = RiskBook.create({ table, portfolios: demo.slice(0, 1), positions: positions.filter((p) => p.portfolio_id === demo[0].id) });
    const symbols = grown.symbols();
    grown.applyTick(symbols[0], grown.lastPrice(symbols[0])! * 1.01, '2026-11-25');
    for (const p of copies) grown.upsertPortfolio(p);
    for (const pos of copyPositions) grown.setPosition(pos);
    // A removed portfolio's series goes to the next one added: it must start from zero.
    grown.removePortfolio(copies[5].id);
    grown.upsertPortfolio(copies[5]);
    for (const pos of copyPositions.filter((p) => p.portfolio_id === copies[5].id)) grown.setPosition(pos);
    grown.applyTick(symbols[1], grown.lastPrice(symbols[1])! * 0.98, '2026-11-25');

    const tickedTable = { ...table, closes: Float64Array.from(table.closes) };
    const last = (table.dates.length - 1) * symbols.length;
    tickedTable.closes[last] = grown.lastPrice(symbols[0])!;
    tickedTable.closes[last + 1] = grown.lastPrice(symbols[1])!;
    const built = RiskBook.create({ table: tickedTable, portfolios: [...demo.slice(0, 1), ...copies], positions: [...positions.filter((p) => p.portfolio_id === demo[0].id), ...copyPositions] });
    expect(grown.portfolioIds().sort()).toEqual(built.portfolioIds().sort());
    for (const id of built.portfolioIds()) expectSameFigures(grown.metrics(id).metrics, built.metrics(id).metrics, id);
  });
});

// ---- properties over random books ----

interface Model {
  dates: string[];
  symbols: string[];
  closes: number[][]; // [date][symbol], carried forward, always priced
  portfolios: Portfolio[];
  positions: Map<string, number>; // `${portfolio}|${symbol}` -> quantity
}

function nextDate(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

function modelTable(m: Model): PriceTable {
  return { dates: [...m.dates], symbols: [...m.symbols], closes: Float64Array.from(m.closes.flat()) };
}

function modelPositions(m: Model): Position[] {
  return [...m.positions].map(([k, quantity]) => {
    const [portfolio_id, symbol] = k.split('|');
    return { portfolio_id, symbol, quantity };
  });
}

const bookArb = fc
  .record({
    symbols: fc.integer({ min: 1, max: 6 }),
    days: fc.integer({ min: 1, max: 30 }),
    portfolios: fc.integer({ min: 1, max: 4 }),
    seed: fc.array(fc.double({ min: -0.08, max: 0.08, noNaN: true }), { minLength: 200, maxLength: 200 }),
    holdings: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -50, max: 100 })), { maxLength: 16 }),
    navs: fc.array(fc.option(fc.integer({ min: 1_000, max: 100_000 }), { nil: null }), { minLength: 4, maxLength: 4 }),
  })
  .map(({ symbols, days, portfolios, seed, holdings, navs }): Model => {
    const syms = Array.from({ length: symbols }, (_, i) => `S${i}`);
    const dates = [ '2026-01-01' ];
    for (let d = 1; d < days; d++) dates.push(nextDate(dates[d - 1]));
    let k = 0;
    const closes = dates.map(() => syms.map(() => 0));
    syms.forEach((_, i) => {
      let p = 50 + i * 10;
      for (let d = 0; d < days; d++) closes[d][i] = p = Math.round(p * (1 + seed[k++ % seed.length]) * 100) / 100;
    });
    const pfs = Array.from({ length: portfolios }, (_, i) => pf(`p${i}`, navs[i]));
    const positions = new Map<string, number>();
    for (const [p, s, q] of holdings) if (q !== 0) positions.set(`p${p % portfolios}|S${s % symbols}`, q);
    return { dates, symbols: syms, closes, portfolios: pfs, positions };
  });

type Op = { kind: 'tick'; symbol: number; move: number; roll: boolean } | { kind: 'position'; portfolio: number; symbol: number; quantity: number } | { kind: 'nav'; portfolio: number; nav: number | null } | { kind: 'read'; portfolio: number } | { kind: 'detail'; portfolio: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('tick' as const), symbol: fc.nat(), move: fc.double({ min: -0.1, max: 0.1, noNaN: true }), roll: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('position' as const), portfolio: fc.nat(), symbol: fc.nat(), quantity: fc.integer({ min: -50, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nav' as const), portfolio: fc.nat(), nav: fc.option(fc.integer({ min: 1_000, max: 100_000 }), { nil: null }) }) },
  // A read between ticks: applies the ticks a portfolio has pending, at any point of the sequence.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), portfolio: fc.nat() }) },
  // The detail view rebuilds a portfolio's P&L from the prices, dropping the ticks it has pending.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('detail' as const), portfolio: fc.nat() }) },
);

/** Equal to 1e-9 relative; values within 1e-12 of zero on both sides count as equal (sums that cancel). */
function expectSameFigures(a: RiskMetrics, b: RiskMetrics, label: string) {
  for (const path of METRIC_PATHS) {
    const x = readMetric(a, path);
    const y = readMetric(b, path);
    if (x === null || y === null) {
      expect(x, `${label} ${path}`).toBe(y);
      continue;
    }
    expect(Math.abs(x - y), `${label} ${path}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(x), Math.abs(y)) + 1e-12);
  }
}

describe('RiskBook properties', () => {
  it('incremental updates equal a full recompute after random ticks, day rolls and position changes', () => {
    fc.assert(
      fc.property(bookArb, fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (generated, ops, window) => {
        const model = structuredClone(generated); // the ops change it; fast-check may run a value again while shrinking
        const opts = { window };
        const book = RiskBook.create({ table: modelTable(model), portfolios: model.portfolios, positions: modelPositions(model) }, opts);
        for (const id of book.portfolioIds()) book.metrics(id); // fill the caches, so stale ones would show
        for (const op of ops) {
          if (op.kind === 'tick') {
            const s = op.symbol % model.symbols.length;
            if (op.roll) {
              model.dates.push(nextDate(model.dates.at(-1)!));
              model.closes.push([...model.closes.at(-1)!]);
            }
            const last = model.closes.at(-1)!;
            last[s] = Math.max(0.01, Math.round(last[s] * (1 + op.move) * 100) / 100);
            const changed = book.applyTick(model.symbols[s], last[s], model.dates.at(-1)!);
            if (op.roll) expect([...changed].sort()).toEqual(book.portfolioIds().sort());
          } else if (op.kind === 'position') {
            const p = model.portfolios[op.portfolio % model.portfolios.length].id;
            const s = model.symbols[op.symbol % model.symbols.length];
            if (op.quantity === 0) model.positions.delete(`${p}|${s}`);
            else model.positions.set(`${p}|${s}`, op.quantity);
            book.setPosition({ portfolio_id: p, symbol: s, quantity: op.quantity });
          } else if (op.kind === 'read') {
            book.metrics(model.portfolios[op.portfolio % model.portfolios.length].id);
          } else if (op.kind === 'detail') {
            book.detail(model.portfolios[op.portfolio % model.portfolios.length].id);
          } else {
            const i = op.portfolio % model.portfolios.length;
            model.portfolios[i] = { ...model.portfolios[i], nav: op.nav };
            book.upsertPortfolio(model.portfolios[i]);
          }
        }
        const full = RiskBook.create({ table: modelTable(model), portfolios: model.portfolios, positions: modelPositions(model) }, opts);
        expect(book.latestDate()).toBe(full.latestDate());
        for (const id of full.portfolioIds()) {
          const a = book.metrics(id);
          const b = full.metrics(id);
          expect(a.observations).toBe(b.observations);
          expect(a.as_of).toBe(b.as_of);
          expectSameFigures(a.metrics, b.metrics, id);
          expect(Object.keys(a.null_reasons).sort()).toEqual(Object.keys(b.null_reasons).sort());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('scaling every position by k leaves return figures unchanged and scales amounts by k (NAV derived)', () => {
    const returnFigures: MetricPath[] = ['var_95', 'var_99', 'cvar_95', 'cvar_99', 'parametric_var_95', 'volatility', 'ewma_volatility', 'max_drawdown', 'sharpe_ratio', 'leverage_ratio', 'concentration_risk.hhi', 'concentration_risk.max_position'];
    const amounts: MetricPath[] = ['var_95_amount', 'cvar_99_amount', 'parametric_var_99_amount', 'gross_exposure', 'net_exposure', 'nav'];
    fc.assert(
      fc.property(bookArb, fc.integer({ min: 2, max: 1000 }), (model, k) => {
        const portfolios = model.portfolios.map((p) => ({ ...p, nav: null }));
        const positions = modelPositions(model).map((p) => ({ ...p, quantity: Math.abs(p.quantity) }));
        const a = RiskBook.create({ table: modelTable(model), portfolios, positions });
        const b = RiskBook.create({ table: modelTable(model), portfolios, positions: positions.map((p) => ({ ...p, quantity: p.quantity * k })) });
        for (const id of a.portfolioIds()) {
          const ma = a.metrics(id).metrics;
          const mb = b.metrics(id).metrics;
          for (const path of returnFigures) {
            const x = readMetric(ma, path);
            const y = readMetric(mb, path);
            if (x === null) expect(y).toBeNull();
            else expect(Math.abs(y! - x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)));
          }
          for (const path of amounts) {
            const x = readMetric(ma, path);
            const y = readMetric(mb, path);
            if (x === null) expect(y).toBeNull();
            else expect(Math.abs(y! - k * x)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(k * x)));
          }
        }
      }),
    );
  });

  it('component VaRs sum to the portfolio VaR, historical and parametric', () => {
    fc.assert(
      fc.property(bookArb, (model) => {
        const book = RiskBook.create({ table: modelTable(model), portfolios: model.portfolios, positions: modelPositions(model) });
        for (const id of book.portfolioIds()) {
          const d = book.detail(id);
          const sum = (k: 'historical_95' | 'historical_99' | 'parametric_95' | 'parametric_99') => d.positions.reduce((a, p) => a + p.component_var[k]!, 0);
          const close = (x: number, y: number) => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y)));
          if (d.metrics.var_95 === null) {
            expect(d.positions.every((p) => p.component_var.historical_95 === null)).toBe(true);
            continue;
          }
          close(sum('historical_95'), d.metrics.var_95);
          close(sum('historical_99'), d.metrics.var_99!);
          if (d.metrics.sharpe_ratio !== null) {
            close(sum('parametric_95'), d.metrics.parametric_var_95!);
            close(sum('parametric_99'), d.metrics.parametric_var_99!);
          }
          for (const row of d.correlation.matrix) for (const c of row) if (c !== null) expect(Math.abs(c)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe('detail', () => {
  it('lists positions with weights, component VaR, correlation and the backtest when history allows', () => {
    const table = generateDemoPrices({ lastDate: '2026-11-25' });
    const book = RiskBook.create({ table, portfolios: DEMO_PORTFOLIOS.map(({ id, name, nav, currency }) => ({ id, name, nav, currency })), positions: demoPositions(table) });
    const d = book.detail('long_short');
    expect(d.positions.map((p) => p.symbol)).toEqual([...d.positions.map((p) => p.symbol)].sort());
    const tsla = d.positions.find((p) => p.symbol === 'TSLA')!;
    expect(tsla.quantity).toBeLessThan(0);
    expect(tsla.weight).toBeCloseTo(-0.1, 3);
    expect(tsla.market_value).toBeCloseTo(tsla.quantity * tsla.price, 6);
    expect(d.correlation.symbols).toEqual(d.positions.map((p) => p.symbol));
    expect(d.correlation.matrix[0][0]).toBe(1);
    const i = d.correlation.symbols.indexOf('MSFT');
    const j = d.correlation.symbols.indexOf('GOOGL');
    expect(d.correlation.matrix[i][j]).toBeGreaterThan(0.3); // same sector in the demo's factor model
    expect(d.correlation.matrix[i][j]).toBe(d.correlation.matrix[j][i]);
    // 549 returns: each of the last 252 days has a full window before it.
    expect(d.backtest.var_95!.days).toBe(252);
    expect(d.backtest.var_95!.expected).toBeCloseTo(12.6, 12);
    expect(d.backtest.var_99!.confidence).toBe(0.99);
    expect(d.detail_null_reasons).toEqual({});

    const short = RiskBook.create({ table: SMALL, portfolios: [pf('given', 2000)], positions: LONG_SHORT.slice(0, 2) }).detail('given');
    expect(short.backtest.var_95).toBeNull();
    expect(short.detail_null_reasons.backtest).toMatch(/needs more than 252 returns/);
  });
});

describe('the demo book', () => {
  it('computes finite main figures for all 8 demo portfolios', () => {
    const table = generateDemoPrices({ lastDate: '2026-11-25' });
    const book = RiskBook.create({ table, portfolios: DEMO_PORTFOLIOS.map(({ id, name, nav, currency }) => ({ id, name, nav, currency })), positions: demoPositions(table) });
    expect(book.portfolioIds()).toHaveLength(8);
    for (const id of book.portfolioIds()) {
      const { metrics, null_reasons } = book.metrics(id);
      expect(null_reasons, id).toEqual({});
      for (const v of [metrics.var_95, metrics.var_99, metrics.volatility, metrics.leverage_ratio, metrics.max_drawdown, metrics.concentration_risk.max_position]) {
        expect(Number.isFinite(v), id).toBe(true);
      }
    }
    expect(book.metrics('levered_book').metrics.leverage_ratio).toBeCloseTo(3.5, 2);
  });
});
