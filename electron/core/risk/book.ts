// The risk book: every portfolio's figures over one price table, kept current as prices tick and
// positions change. Layout, chosen for the hot path:
//  - the latest two closes per symbol, carried forward (a missing close repeats the last one);
//  - returns: a symbol-major ring `ret[s * C + slot]` of C = 2 x window days, so one symbol's
//    history is contiguous; the newest `window` of them are the lookback, the older ones feed the
//    VaR backtest (each day tested against the window before it);
//  - per portfolio, its P&L on the same ring slots: pnl[slot] = sum_i MV[i] * r[i, slot].
//    Both live in a SeriesMemory (series-memory.ts), where the WebAssembly kernels read them;
//  - who holds each symbol: a HolderTable (holders.ts), typed arrays by holder id.
// A tick on symbol s changes MV[s] (weights use the latest price) and r[s, today]; every holder's
// P&L moves by dMV * r[s, t] on each day plus today's correction: O(T) per holder, not O(T x positions).
// That update waits until the holder's figures are read: a tick only notes, per holding, the market
// value and return its P&L already includes, so ticks between two reads cost O(1) each and one O(T)
// pass per symbol that moved (a busy feed ticks a portfolio several times between two recomputes).
import type { Portfolio, Position } from '../../../shared/domain';
import type { PositionRisk, RiskDetail, RiskMetrics, VarBacktest } from '../../../shared/metrics';
import { isIsoDate } from '../book/csv';
import { InputError, type PriceTable } from '../book/types';
import { backtestHistoricalVar } from './backtest';
import { correlationMatrix, historicalComponentVar, orderOfDays, parametricComponentVar } from './component';
import { FIGURE_COUNT, type NullReasons, type RiskOptions, TAIL_CANDIDATES, type TailHint, computeFigures, metricsOf, navOf, navProblem, resolveRiskOptions } from './metrics';
import { HolderTable } from './holders';
import { SeriesMemory } from './series-memory';
import { TAIL_95, TAIL_99, Z_95, Z_99 } from './stats';

export type { RiskOptions } from './metrics';

/** A portfolio's P&L is rebuilt from scratch after this many incremental updates, so rounding cannot drift. */
const REBUILD_AFTER = 256;

export interface RiskBookInput {
  table: PriceTable;
  portfolios: Portfolio[];
  /** Positions; rows read from a file may carry their `line` for error messages. */
  positions: (Position & { line?: number })[];
  /** Contract multipliers by symbol (1 where absent). */
  multipliers?: Map<string, number>;
  /** Names where the positions came from in error messages (default "positions"). */
  positionsSource?: string;
}

export interface MetricsView {
  metrics: RiskMetrics;
  null_reasons: NullReasons;
  as_of: string;
  observations: number;
}

/** A portfolio of one book (see RiskBook.handle). */
export interface PortfolioHandle {
  readonly info: { readonly id: string };
}

/**
 * A portfolio's current figures as the book keeps them: a vector in METRIC_PATHS order, NaN where
 * a figure is null (see metrics.ts FIGURE). The book's own objects, updated in place: valid until
 * the portfolio next changes, so a caller copies what it keeps.
 */
export interface FiguresView {
  readonly values: Float64Array;
  readonly null_reasons: NullReasons;
  readonly as_of: string;
  readonly observations: number;
}

class PortfolioState implements FiguresView, TailHint {
  /** Positions as parallel arrays (symbol index, quantity): packed number arrays, contiguous, so reading them all stays in cache. */
  readonly sym: number[] = [];
  readonly qty: number[] = [];
  /** holderOf[j]: position j's holder id in the book's HolderTable, once that exists (its position is fixed up when positions move). */
  readonly holderOf: number[] = [];
  /**
   * Its figures, current while `fresh` (a position or NAV change clears it) and none of its
   * holdings waits in the holder table (a tick leaves them waiting, see applyTick). This object is
   * also their FiguresView and its TailHint, rather than holding objects of their own: every
   * recompute reads them, and each separate object was one more cache miss per recompute (a book
   * of 1,000 portfolios does not stay in cache between one portfolio's ticks).
   */
  readonly values = new Float64Array(FIGURE_COUNT);
  null_reasons: NullReasons = {};
  as_of = '';
  observations = 0;
  fresh = false;
  updates = 0;
  /**
   * Each position's market value (sized to the positions). Kept current where prices move (a
   * holding's pending ticks are applied); rewritten in full only after positions change (mvStale).
   */
  mv = new Float64Array(0);
  mvStale = true;
  /** The lookback's slots of pnl when they do not wrap, made once per window position (see RiskBook.lookback). */
  pnlView: Float64Array | null = null;
  pnlViewAt = -1;
  /** Where this portfolio's lower tail was last found (makes the next selection cheap; see computeFigures). */
  tailBound = NaN;

  /** Set when the portfolio leaves its book (its handle is then refused). */
  removed = false;
  private given: Portfolio;
  /** info.nav, here too: every recompute reads it, and reaching into info was one more cache miss. */
  nav: number | null;

  constructor(
    readonly owner: RiskBook,
    /** Its number in the book (a row of the holder table's waiting lists); a removed portfolio's goes to the next one added. */
    readonly index: number,
    info: Portfolio,
    /** Its P&L series: a view of the book's SeriesMemory at byte `pnlAt` (made again when the memory grows). */
    public pnl: Float64Array,
    readonly pnlAt: number,
  ) {
    this.given = { ...info };
    this.nav = info.nav;
  }

  /** Name, NAV and currency (a copy of what was given). */
  get info(): Portfolio {
    return this.given;
  }

  set info(info: Portfolio) {
    this.given = { ...info };
    this.nav = info.nav;
  }
}

function isPrice(v: number): boolean {
  return v > 0 && v < Infinity;
}

/** r = cur / prev - 1; 0 when there is no earlier price (a symbol's first close). */
function simpleReturn(cur: number, prev: number): number {
  return prev > 0 && cur > 0 ? cur / prev - 1 : 0;
}

/** applyPending's notes (each pending holding's symbol and change of market value), reused: the loop is single-threaded. */
let pendingDelta = new Float64Array(64);
let pendingSymbol = new Int32Array(64);

export class RiskBook {
  private readonly n: number;
  private readonly w: number;
  /** Ring capacity: two windows of returns. */
  private readonly cap: number;
  private readonly symIndex: Map<string, number>;
  private readonly mult: Float64Array;
  private readonly dates: string[];
  /** Carried-forward close on the latest date and on the date before it (NaN: no price yet). */
  private readonly lastRow: Float64Array;
  private readonly prevRow: Float64Array;
  /** Where the returns and the P&L series live, so the kernels read them in place (see series-memory.ts). */
  private readonly memory: SeriesMemory;
  /** The memory's generation the views below were made in (see rebind). */
  private generation: number;
  private ret: Float64Array;
  private readonly retAt: number;
  /** Returns held in the ring, and the slot of the oldest (0 until the ring is full). */
  private stored: number;
  private start = 0;
  /** The lookback's slots in date order: [a0, a1) then [0, b1) when it wraps. */
  private a0 = 0;
  private a1 = 0;
  private b1 = 0;
  private readonly books = new Map<string, PortfolioState>();
  /** Who holds each symbol: built on first need (a tick, portfoliosHolding), so a one-off computation never pays for it. */
  private holderIndex: HolderTable | null = null;
  /** The portfolios by number (see PortfolioState.index), and the numbers free for reuse. */
  private readonly byIndex: (PortfolioState | undefined)[] = [];
  private readonly freeIndexes: number[] = [];
  private readonly holderIds: (readonly string[] | null)[];
  /** Scratch in the memory: the lookback of a ring that wraps, and a portfolio's returns. */
  private series: Float64Array;
  private readonly seriesAt: number;
  private returns: Float64Array;
  private readonly returnsAt: number;

  private constructor(
    table: PriceTable,
    private readonly syms: readonly string[],
    multipliers: Map<string, number> | undefined,
    private readonly opts: RiskOptions,
    portfolioCount: number,
  ) {
    const n = (this.n = syms.length);
    const w = (this.w = opts.window);
    const cap = (this.cap = 2 * w);
    this.symIndex = new Map(syms.map((s, i) => [s, i]));
    this.mult = new Float64Array(n).fill(1);
    for (const [s, m] of multipliers ?? []) {
      const i = this.symIndex.get(s);
      if (i === undefined) continue;
      if (!(Number.isFinite(m) && m > 0)) throw new InputError('instruments', null, 'multiplier', `multiplier of ${s} must be a number above 0 (got ${m})`);
      this.mult[i] = m;
    }
    const dates = (this.dates = [...table.dates]);
    const rows = dates.length;
    const H = (this.stored = Math.min(cap, rows - 1));
    const first = rows - H; // the first date whose return the ring keeps
    this.lastRow = new Float64Array(n).fill(NaN);
    this.prevRow = new Float64Array(n).fill(NaN);
    // Room for the returns, the scratch and every portfolio's P&L (and a quarter more portfolios) before it grows.
    const memory = (this.memory = new SeriesMemory((n + 2 + Math.ceil(1.25 * portfolioCount)) * cap, w, TAIL_CANDIDATES));
    this.retAt = memory.alloc(n * cap);
    this.seriesAt = memory.alloc(w);
    this.returnsAt = memory.alloc(w);
    this.generation = memory.generation;
    this.ret = memory.view(this.retAt, n * cap);
    this.series = memory.view(this.seriesAt, w);
    this.returns = memory.view(this.returnsAt, w);
    loadReturns(table, first, cap, this.ret, this.lastRow, this.prevRow);
    this.updateWindow();
    this.holderIds = new Array<null>(n).fill(null);
  }

  /** Builds the book and computes every portfolio's P&L series. Bad input is an InputError naming what and where. */
  static create(input: RiskBookInput, opts?: Partial<RiskOptions>): RiskBook {
    const o = resolveRiskOptions(opts);
    const { table } = input;
    checkTableShape(table);
    const book = new RiskBook(table, [...table.symbols], input.multipliers, o, input.portfolios.length);
    // The P&L series are allocated one after another: neighbours in memory.
    for (const p of input.portfolios) {
      if (book.books.has(p.id)) throw new InputError('portfolios', null, 'portfolio_id', `duplicate portfolio "${p.id}"`);
      book.addPortfolio(p);
    }
    book.addPositions(input.positions, input.positionsSource ?? 'positions');
    book.refresh();
    return book;
  }

  portfolioIds(): string[] {
    return [...this.books.keys()];
  }

  symbols(): string[] {
    return [...this.syms];
  }

  hasSymbol(symbol: string): boolean {
    return this.symIndex.has(symbol);
  }

  portfoliosHolding(symbol: string): readonly string[] {
    const s = this.symIndex.get(symbol);
    if (s === undefined) return [];
    const cached = this.holderIds[s];
    if (cached) return cached;
    const table = this.holders();
    return (this.holderIds[s] = table.bySymbol[s].map((id) => this.byIndex[table.owner[id]]!.info.id));
  }

  latestDate(): string {
    return this.dates[this.dates.length - 1];
  }

  lastPrice(symbol: string): number | undefined {
    const s = this.symIndex.get(symbol);
    if (s === undefined) return undefined;
    const v = this.lastRow[s];
    return Number.isNaN(v) ? undefined : v;
  }

  /**
   * Live price. date === latestDate(): updates the last row; date > latestDate(): rolls a new day
   * (appends a row carrying every other symbol's last price forward) then applies; date <
   * latestDate(): throws InputError. Returns the ids of portfolios whose figures changed.
   */
  applyTick(symbol: string, price: number, date: string): readonly string[] {
    const s = this.symIndex.get(symbol);
    if (s === undefined) throw new InputError('tick', null, 'symbol', `unknown symbol "${symbol}"`);
    if (!isPrice(price)) throw new InputError('tick', null, 'price', `${price} is not a price (a finite number above 0)`);
    if (!isIsoDate(date)) throw new InputError('tick', null, 'date', `"${date}" is not an ISO date (YYYY-MM-DD)`);
    const latest = this.latestDate();
    if (date < latest) throw new InputError('tick', null, 'date', `${date} is before the latest day ${latest}: ticks cannot rewrite history`);
    const rolled = date > latest;
    if (rolled) this.rollDay(date);

    const old = this.lastRow[s];
    if (!rolled && old === price) return [];
    this.lastRow[s] = price;
    const row = s * this.cap;
    const hasReturn = this.stored > 0;
    const lastSlot = (this.start + this.stored - 1) % this.cap;
    const rOld = hasReturn ? this.ret[row + lastSlot] : 0;
    const rNew = hasReturn ? simpleReturn(price, this.prevRow[s]) : 0;
    const table = this.holders();
    const list = table.bySymbol[s];
    const { pending, base, qm, owner, waiting, waitingIds, stride } = table;
    for (let k = 0; k < list.length; k++) {
      const id = list[k];
      // The first tick since the holder's P&L was last brought up to date notes what it includes;
      // a portfolio with holdings waiting is not fresh (see figuresOf).
      if (pending[id] === 0) {
        pending[id] = 1;
        base[2 * id] = qm[id] * old;
        base[2 * id + 1] = rOld;
        const p = owner[id];
        waitingIds[p * stride + waiting[p]++] = id;
      }
    }
    if (hasReturn) this.ret[row + lastSlot] = rNew;
    return rolled ? this.portfolioIds() : this.portfoliosHolding(symbol);
  }

  /** Sets a holding (quantity 0 removes it). Unknown portfolio or symbol: InputError. Returns the ids whose figures changed. */
  setPosition(pos: Position): readonly string[] {
    const p = this.books.get(pos.portfolio_id);
    if (!p) throw new InputError('position', null, 'portfolio_id', `unknown portfolio "${pos.portfolio_id}"`);
    const s = this.priced(pos.symbol, 'position', null);
    if (!Number.isFinite(pos.quantity)) throw new InputError('position', null, 'quantity', `${pos.quantity} is not a finite number`);
    const j = p.sym.indexOf(s);
    const oldQ = j < 0 ? 0 : p.qty[j];
    if (oldQ === pos.quantity) return [];
    // Pending ticks were noted at the old quantities (and release() moves positions).
    this.applyPending(p);
    this.addReturns(p.pnl, s, (pos.quantity - oldQ) * this.mult[s] * this.lastRow[s]);
    if (j < 0) this.hold(p, s, pos.quantity);
    else if (pos.quantity === 0) this.release(p, j);
    else {
      p.qty[j] = pos.quantity;
      if (this.holderIndex) this.holderIndex.qm[p.holderOf[j]] = pos.quantity * this.mult[s];
      p.mvStale = true;
    }
    this.touched(p);
    return [p.info.id];
  }

  /** Adds a portfolio (no positions yet) or updates its name, NAV and currency. */
  upsertPortfolio(info: Portfolio): void {
    checkPortfolio(info);
    const p = this.books.get(info.id);
    if (p) {
      p.info = info;
      p.fresh = false;
    } else {
      this.addPortfolio(info);
    }
  }

  /** Removes a portfolio and its positions (nothing happens for an unknown id). */
  removePortfolio(id: string): void {
    const p = this.books.get(id);
    if (!p) return;
    this.dropPending(p);
    while (p.sym.length > 0) this.release(p, p.sym.length - 1);
    p.removed = true;
    this.books.delete(id);
    this.byIndex[p.index] = undefined;
    this.freeIndexes.push(p.index);
    this.memory.free(p.pnlAt, this.cap);
  }

  /** Recomputes every portfolio's P&L series from scratch; figures follow on demand. */
  refresh(): void {
    for (const p of this.books.values()) this.rebuild(p);
  }

  /** Current figures as a RiskMetrics object (made on each call; see figures()). */
  metrics(portfolioId: string): MetricsView {
    const f = this.figures(portfolioId);
    return { metrics: metricsOf(f.values), null_reasons: f.null_reasons, as_of: f.as_of, observations: f.observations };
  }

  /**
   * Current figures, kept until a tick, position or NAV change touches the portfolio: the live
   * loop's read, which allocates nothing (see FiguresView).
   */
  figures(portfolioId: string): FiguresView {
    return this.figuresOf(this.handle(portfolioId));
  }

  /** A portfolio found once by id, for figuresOf: the live loop keeps it and skips a map lookup per recompute. */
  handle(portfolioId: string): PortfolioHandle {
    return this.get(portfolioId);
  }

  /** figures() of a handle; a removed portfolio's handle is an InputError. */
  figuresOf(handle: PortfolioHandle): FiguresView {
    const p = handle as PortfolioState;
    if (p.owner !== this || p.removed) throw new InputError('portfolio', null, 'portfolio_id', `unknown portfolio "${p.info.id}"`);
    if (!p.fresh || (this.holderIndex !== null && this.holderIndex.waiting[p.index] > 0)) {
      this.applyPending(p);
      p.null_reasons = computeFigures({ pnl: this.pnlLookback(p), marketValues: this.marketValues(p), nav: p.nav }, this.opts, p.values, this.returns, p);
      p.as_of = this.latestDate();
      p.observations = this.observations();
      p.fresh = true;
    }
    return p;
  }

  /** Positions with component VaR, the holdings' correlation and the VaR backtest (computed on demand). */
  detail(portfolioId: string): RiskDetail {
    const p = this.get(portfolioId);
    this.rebuild(p);
    const view = this.metrics(portfolioId);
    const T = view.observations;
    const order = p.sym.map((s, j) => ({ s, q: p.qty[j] })).sort((a, b) => (this.syms[a.s] < this.syms[b.s] ? -1 : 1));
    const mv = order.map(({ s, q }) => q * this.mult[s] * this.lastRow[s]);
    const nav = navOf(Float64Array.from(mv), p.info.nav);
    const navBad = navProblem(mv.length, p.info.nav, nav);
    const reasons: Record<string, string> = {};
    const positions: PositionRisk[] = order.map(({ s, q }, k) => ({
      symbol: this.syms[s],
      quantity: q,
      multiplier: this.mult[s],
      price: this.lastRow[s],
      market_value: mv[k],
      weight: navBad ? null : mv[k] / nav,
      component_var: { historical_95: null, historical_99: null, parametric_95: null, parametric_99: null },
    }));
    const symbolReturns = order.map(({ s }) => Float64Array.from(this.lookback(this.ret.subarray(s * this.cap, (s + 1) * this.cap))));

    const noPositions = 'portfolio holds no positions';
    const why = positions.length === 0 ? noPositions : (navBad ?? (T === 0 ? 'no returns: the price history has a single date' : null));
    if (why) {
      reasons['component_var.historical'] = why;
      reasons['component_var.parametric'] = why;
    } else {
      const contrib = symbolReturns.map((rs, k) => Float64Array.from(rs, (x) => (mv[k] * x) / nav));
      const r = Float64Array.from(this.lookback(p.pnl), (x) => x / nav);
      const days = orderOfDays(r);
      const h95 = historicalComponentVar(contrib, r, TAIL_95, days);
      const h99 = historicalComponentVar(contrib, r, TAIL_99, days);
      const p95 = T >= 2 ? parametricComponentVar(contrib, r, Z_95) : null;
      const p99 = T >= 2 ? parametricComponentVar(contrib, r, Z_99) : null;
      positions.forEach((pos, k) => {
        pos.component_var.historical_95 = h95[k];
        pos.component_var.historical_99 = h99[k];
        pos.component_var.parametric_95 = p95 && p95[k];
        pos.component_var.parametric_99 = p99 && p99[k];
      });
      if (!p95) reasons['component_var.parametric'] = T < 2 ? `needs at least 2 returns (have ${T})` : 'zero deviation: every return in the window is the same';
    }

    if (positions.length === 0) reasons.correlation = noPositions;
    else if (T < 2) reasons.correlation = `needs at least 2 returns (have ${T})`;
    const matrix = T >= 2 ? correlationMatrix(symbolReturns) : positions.map(() => positions.map(() => null));

    let backtest: RiskDetail['backtest'] = { var_95: null, var_99: null };
    if (positions.length === 0) reasons.backtest = noPositions;
    else if (navBad) reasons.backtest = navBad;
    else if (this.stored <= this.w) reasons.backtest = `needs more than ${this.w} returns of history, so that each tested day has a full window before it (have ${this.stored})`;
    else {
      const history = this.history(order, mv, nav);
      backtest = { var_95: asBacktest(0.95, backtestHistoricalVar(history, this.w, TAIL_95)), var_99: asBacktest(0.99, backtestHistoricalVar(history, this.w, TAIL_99)) };
    }

    return {
      portfolio_id: portfolioId,
      as_of: view.as_of,
      observations: T,
      metrics: view.metrics,
      null_reasons: view.null_reasons,
      positions,
      correlation: { symbols: positions.map((x) => x.symbol), matrix },
      backtest,
      detail_null_reasons: reasons,
    };
  }

  // ---- internals ----

  private addPortfolio(info: Portfolio): void {
    checkPortfolio(info);
    const at = this.memory.alloc(this.cap);
    this.rebind();
    const index = this.freeIndexes.pop() ?? this.byIndex.length;
    const p = new PortfolioState(this, index, info, this.memory.view(at, this.cap), at);
    this.byIndex[index] = p;
    this.holderIndex?.reserve(this.byIndex.length, 0);
    this.books.set(info.id, p);
  }

  /** Makes every view of the memory again after it grew (growing detaches them): the returns, the scratch, each P&L. */
  private rebind(): void {
    const memory = this.memory;
    if (this.generation === memory.generation) return;
    this.ret = memory.view(this.retAt, this.n * this.cap);
    this.series = memory.view(this.seriesAt, this.w);
    this.returns = memory.view(this.returnsAt, this.w);
    for (const p of this.books.values()) {
      p.pnl = memory.view(p.pnlAt, this.cap);
      p.pnlView = null;
    }
    this.generation = memory.generation;
  }

  private observations(): number {
    return Math.min(this.w, this.stored);
  }

  private get(id: string): PortfolioState {
    const p = this.books.get(id);
    if (!p) throw new InputError('portfolio', null, 'portfolio_id', `unknown portfolio "${id}"`);
    return p;
  }

  /** Adds the initial positions (P&L series are built afterwards, once), checking each. */
  private addPositions(positions: RiskBookInput['positions'], source: string): void {
    // Which portfolio last took a position in each symbol: finds a duplicate without a per-portfolio set.
    const takenBy: (PortfolioState | undefined)[] = new Array(this.n);
    let p: PortfolioState | undefined;
    for (const pos of positions) {
      const line = pos.line ?? null;
      if (p?.info.id !== pos.portfolio_id) {
        p = this.books.get(pos.portfolio_id);
        if (!p) throw new InputError(source, line, 'portfolio_id', `unknown portfolio "${pos.portfolio_id}"`);
        for (const s of p.sym) takenBy[s] = p; // one portfolio's positions need not be contiguous
      }
      const s = this.priced(pos.symbol, source, line);
      if (!Number.isFinite(pos.quantity)) throw new InputError(source, line, 'quantity', `${pos.quantity} is not a finite number`);
      if (takenBy[s] === p) throw new InputError(source, line, 'symbol', `duplicate position ${pos.portfolio_id}/${pos.symbol}`);
      takenBy[s] = p;
      if (pos.quantity !== 0) this.hold(p, s, pos.quantity);
    }
  }

  /** The index of a symbol that has a price, or an InputError naming it. */
  private priced(symbol: string, source: string, line: number | null): number {
    const s = this.symIndex.get(symbol);
    if (s === undefined || Number.isNaN(this.lastRow[s])) throw new InputError(source, line, 'symbol', `unknown symbol "${symbol}": it has no prices`);
    return s;
  }

  private holders(): HolderTable {
    if (!this.holderIndex) {
      const table = new HolderTable(this.n);
      let positions = 0;
      for (const p of this.books.values()) positions = Math.max(positions, p.sym.length);
      table.reserve(this.byIndex.length, positions);
      // Numbered symbol by symbol, so a tick's holders sit side by side.
      const bySymbol: { p: PortfolioState; j: number }[][] = Array.from({ length: this.n }, () => []);
      for (const p of this.books.values()) p.sym.forEach((s, j) => bySymbol[s].push({ p, j }));
      for (let s = 0; s < this.n; s++) {
        for (const { p, j } of bySymbol[s]) p.holderOf[j] = table.add(s, j, p.qty[j] * this.mult[s], p.index);
      }
      this.holderIndex = table;
    }
    return this.holderIndex;
  }

  private hold(p: PortfolioState, s: number, q: number): void {
    const j = p.sym.push(s) - 1;
    p.qty.push(q);
    p.mvStale = true;
    if (this.holderIndex) {
      this.holderIndex.reserve(this.byIndex.length, p.sym.length);
      p.holderOf[j] = this.holderIndex.add(s, j, q * this.mult[s], p.index);
    }
    this.holderIds[s] = null;
  }

  /** Removes position j; the last position takes its place. */
  private release(p: PortfolioState, j: number): void {
    const s = p.sym[j];
    if (this.holderIndex) this.holderIndex.remove(p.holderOf[j]);
    this.holderIds[s] = null;
    p.mvStale = true;
    const last = p.sym.length - 1;
    if (j !== last) {
      p.sym[j] = p.sym[last];
      p.qty[j] = p.qty[last];
      if (this.holderIndex) this.holderIndex.position[(p.holderOf[j] = p.holderOf[last])] = j;
    }
    p.sym.pop();
    p.qty.pop();
    if (this.holderIndex) p.holderOf.pop();
  }

  /** Its figures are out of date after `changes` incremental updates of its P&L; past REBUILD_AFTER of them, the P&L is rebuilt. */
  private touched(p: PortfolioState, changes = 1): void {
    p.fresh = false;
    p.updates += changes;
    if (p.updates >= REBUILD_AFTER) this.rebuild(p);
  }

  /**
   * Brings p's P&L up to date with the ticks noted since: for each holding that moved,
   * pnl[t] += (MV - MV_base) * r[s, t] on every day (today at the current return), and today also
   * MV_base * (r_today - r_base), so today's term becomes MV * r_today. The holding's market value
   * is stored too (the only place a price change reaches it).
   */
  private applyPending(p: PortfolioState): void {
    const table = this.holderIndex;
    if (table === null) return;
    const count = table.waiting[p.index];
    if (count === 0) return;
    const lastSlot = this.stored > 0 ? (this.start + this.stored - 1) % this.cap : -1;
    const { mv, mvStale, pnl } = p;
    const { lastRow, ret, cap } = this;
    const { waitingIds, sym, qm, base, position, pending } = table;
    const row = p.index * table.stride;
    // First the holdings themselves, noting each one's change of market value; then the series,
    // two rows per pass.
    if (pendingDelta.length < count) pendingDelta = new Float64Array(2 * count);
    if (pendingSymbol.length < count) pendingSymbol = new Int32Array(2 * count);
    let today = 0;
    for (let k = 0; k < count; k++) {
      const id = waitingIds[row + k];
      const s = sym[id];
      const value = qm[id] * lastRow[s];
      const mvBase = base[2 * id];
      pendingDelta[k] = value - mvBase;
      pendingSymbol[k] = s;
      if (lastSlot >= 0) today += mvBase * (ret[s * cap + lastSlot] - base[2 * id + 1]);
      if (!mvStale) mv[position[id]] = value;
      pending[id] = 0;
    }
    let k = 0;
    for (; k + 1 < count; k += 2) this.addTwoReturns(pnl, pendingSymbol[k], pendingDelta[k], pendingSymbol[k + 1], pendingDelta[k + 1]);
    if (k < count) this.addReturns(pnl, pendingSymbol[k], pendingDelta[k]);
    if (lastSlot >= 0) pnl[lastSlot] += today;
    table.waiting[p.index] = 0;
    this.touched(p, count);
  }

  /** Forgets p's pending ticks: its P&L is about to be rebuilt from the current prices. */
  private dropPending(p: PortfolioState): void {
    const table = this.holderIndex;
    if (table === null) return;
    const row = p.index * table.stride;
    for (let k = 0; k < table.waiting[p.index]; k++) table.pending[table.waitingIds[row + k]] = 0;
    table.waiting[p.index] = 0;
  }

  /** pnl[t] += x * r[s, t] over the lookback (a kernel: series-kernels.wat). */
  private addReturns(pnl: Float64Array, s: number, x: number): void {
    const { memory, ret, a0, a1, b1 } = this;
    const row = s * this.cap;
    memory.addReturns(pnl, a0, ret, row + a0, x, a1 - a0);
    if (b1 > 0) memory.addReturns(pnl, 0, ret, row, x, b1);
  }

  /** pnl[t] += x * r[s, t] + y * r[u, t] over the lookback: one pass over pnl for two holdings. */
  private addTwoReturns(pnl: Float64Array, s: number, x: number, u: number, y: number): void {
    const { memory, ret, a0, a1, b1 } = this;
    const rs = s * this.cap;
    const ru = u * this.cap;
    memory.addTwoReturns(pnl, a0, ret, rs + a0, x, ru + a0, y, a1 - a0);
    if (b1 > 0) memory.addTwoReturns(pnl, 0, ret, rs, x, ru, y, b1);
  }

  /** Recomputes a portfolio's P&L over the lookback from its positions: O(T x positions). */
  private rebuild(p: PortfolioState): void {
    this.dropPending(p);
    p.mvStale = true;
    const { pnl, sym, qty } = p;
    const count = sym.length;
    const { ret, mult, lastRow: px, cap, a0, a1, b1 } = this;
    pnl.fill(0);
    // Eight positions per pass over the series, then four: an eighth of the loads and stores of pnl.
    let j = 0;
    for (; j + 7 < count; j += 8) {
      const s0 = sym[j], s1 = sym[j + 1], s2 = sym[j + 2], s3 = sym[j + 3];
      const s4 = sym[j + 4], s5 = sym[j + 5], s6 = sym[j + 6], s7 = sym[j + 7];
      const m0 = qty[j] * mult[s0] * px[s0], m1 = qty[j + 1] * mult[s1] * px[s1];
      const m2 = qty[j + 2] * mult[s2] * px[s2], m3 = qty[j + 3] * mult[s3] * px[s3];
      const m4 = qty[j + 4] * mult[s4] * px[s4], m5 = qty[j + 5] * mult[s5] * px[s5];
      const m6 = qty[j + 6] * mult[s6] * px[s6], m7 = qty[j + 7] * mult[s7] * px[s7];
      const r0 = s0 * cap, r1 = s1 * cap, r2 = s2 * cap, r3 = s3 * cap;
      const r4 = s4 * cap, r5 = s5 * cap, r6 = s6 * cap, r7 = s7 * cap;
      for (let k = a0; k < a1; k++) pnl[k] += m0 * ret[r0 + k] + m1 * ret[r1 + k] + m2 * ret[r2 + k] + m3 * ret[r3 + k] + m4 * ret[r4 + k] + m5 * ret[r5 + k] + m6 * ret[r6 + k] + m7 * ret[r7 + k];
      for (let k = 0; k < b1; k++) pnl[k] += m0 * ret[r0 + k] + m1 * ret[r1 + k] + m2 * ret[r2 + k] + m3 * ret[r3 + k] + m4 * ret[r4 + k] + m5 * ret[r5 + k] + m6 * ret[r6 + k] + m7 * ret[r7 + k];
    }
    for (; j + 3 < count; j += 4) {
      const s0 = sym[j], s1 = sym[j + 1], s2 = sym[j + 2], s3 = sym[j + 3];
      const m0 = qty[j] * mult[s0] * px[s0], m1 = qty[j + 1] * mult[s1] * px[s1];
      const m2 = qty[j + 2] * mult[s2] * px[s2], m3 = qty[j + 3] * mult[s3] * px[s3];
      const r0 = s0 * cap, r1 = s1 * cap, r2 = s2 * cap, r3 = s3 * cap;
      for (let k = a0; k < a1; k++) pnl[k] += m0 * ret[r0 + k] + m1 * ret[r1 + k] + m2 * ret[r2 + k] + m3 * ret[r3 + k];
      for (let k = 0; k < b1; k++) pnl[k] += m0 * ret[r0 + k] + m1 * ret[r1 + k] + m2 * ret[r2 + k] + m3 * ret[r3 + k];
    }
    for (; j < count; j++) this.addReturns(pnl, sym[j], qty[j] * mult[sym[j]] * px[sym[j]]);
    p.updates = 0;
    p.fresh = false;
  }

  /**
   * Each position's market value, in the portfolio's own array (a typed array or a subarray made per
   * call would cost more than the figures). Call after applyPending; rewritten only when positions
   * changed: rewriting all 50 on every recompute was ~6% of the live loop.
   */
  private marketValues(p: PortfolioState): Float64Array {
    if (!p.mvStale) return p.mv;
    const count = p.sym.length;
    if (p.mv.length !== count) p.mv = new Float64Array(count);
    const { sym, qty, mv } = p;
    const { mult, lastRow } = this;
    for (let j = 0; j < count; j++) mv[j] = qty[j] * mult[sym[j]] * lastRow[sym[j]];
    p.mvStale = false;
    return mv;
  }

  /** A portfolio's P&L over the lookback; the view of its slots is kept until the window moves (a day rolls). */
  private pnlLookback(p: PortfolioState): Float64Array {
    if (this.b1 !== 0) return this.lookback(p.pnl);
    if (p.pnlViewAt !== this.a0 || p.pnlView === null || p.pnlView.length !== this.a1 - this.a0) {
      p.pnlView = p.pnl.subarray(this.a0, this.a1);
      p.pnlViewAt = this.a0;
    }
    return p.pnlView;
  }

  /** The lookback part of a ring (a series, or one symbol's returns), in date order. A view when it does not wrap, else scratch. */
  private lookback(ring: Float64Array): Float64Array {
    if (this.b1 === 0) return ring.subarray(this.a0, this.a1);
    const out = this.series;
    out.set(ring.subarray(this.a0, this.a1), 0);
    out.set(ring.subarray(0, this.b1), this.a1 - this.a0);
    return out;
  }

  private updateWindow(): void {
    const T = this.observations();
    const first = (this.start + this.stored - T) % this.cap;
    this.a0 = first;
    this.a1 = Math.min(first + T, this.cap);
    this.b1 = first + T - this.a1;
  }

  /** Appends a day that repeats every last close; its returns are 0 until ticks arrive. */
  private rollDay(date: string): void {
    // Pending ticks belong to the day that ends: apply them while its slot is still today.
    for (const p of this.books.values()) this.applyPending(p);
    this.dates.push(date);
    this.prevRow.set(this.lastRow);
    let slot: number;
    if (this.stored < this.cap) slot = this.stored++;
    else {
      slot = this.start;
      this.start = (this.start + 1) % this.cap;
    }
    for (let i = 0; i < this.n; i++) this.ret[i * this.cap + slot] = 0;
    for (const p of this.books.values()) {
      p.pnl[slot] = 0;
      p.fresh = false;
    }
    this.updateWindow();
  }

  /** The portfolio's return series (current holdings) over every return the ring holds, in date order: the backtest's input. */
  private history(order: { s: number }[], mv: number[], nav: number): Float64Array {
    const out = new Float64Array(this.stored);
    order.forEach(({ s }, j) => {
      const base = s * this.cap;
      for (let k = 0; k < this.stored; k++) out[k] += mv[j] * this.ret[base + ((this.start + k) % this.cap)];
    });
    for (let k = 0; k < out.length; k++) out[k] /= nav;
    return out;
  }
}

/**
 * One pass over the table (row-major closes): checks every close, carries the last one forward,
 * and writes the returns of dates `first`.. into the symbol-major ring `ret` (slot 0 = date `first`);
 * leaves the carried-forward closes of the last two dates in `last` and `prev`. It goes 8 symbols
 * (one cache line of a row) at a time, so the ring is written sequentially.
 */
function loadReturns(table: PriceTable, first: number, cap: number, ret: Float64Array, last: Float64Array, prev: Float64Array): void {
  const { closes, symbols, dates } = table;
  const n = symbols.length;
  const rows = dates.length;
  for (let i0 = 0; i0 < n; i0 += 8) {
    const i1 = Math.min(i0 + 8, n);
    for (let d = 0; d < rows; d++) {
      const row = d * n;
      for (let i = i0; i < i1; i++) {
        const v = closes[row + i];
        let cur = last[i];
        if (v === v) {
          if (!isPrice(v)) throw new InputError('prices', null, symbols[i], `close ${v} on ${dates[d]} is not a price (a finite number above 0)`);
          cur = v;
        }
        if (d >= first) ret[i * cap + d - first] = simpleReturn(cur, last[i]);
        if (d === rows - 2) prev[i] = cur;
        last[i] = cur;
      }
    }
  }
}

function checkPortfolio(info: Portfolio): void {
  if (!info.id) throw new InputError('portfolio', null, 'id', 'is empty');
  if (info.nav !== null && !Number.isFinite(info.nav)) throw new InputError('portfolio', null, 'nav', `${info.nav} is not a finite number`);
}

function asBacktest(confidence: number, r: ReturnType<typeof backtestHistoricalVar>): VarBacktest | null {
  return r && { confidence, ...r };
}

/** The table's shape: some dates, ascending; unique symbols; one close per cell (values are checked while loading). */
function checkTableShape(t: PriceTable): void {
  if (t.dates.length === 0) throw new InputError('prices', null, null, 'no prices: the price table has no dates');
  if (t.closes.length !== t.dates.length * t.symbols.length) throw new InputError('prices', null, null, `expected ${t.dates.length} x ${t.symbols.length} closes, got ${t.closes.length}`);
  if (new Set(t.symbols).size !== t.symbols.length) throw new InputError('prices', null, 'symbol', 'symbols are not unique');
  for (let d = 1; d < t.dates.length; d++) {
    if (!(t.dates[d] > t.dates[d - 1])) throw new InputError('prices', null, 'date', `dates must ascend: ${t.dates[d]} follows ${t.dates[d - 1]}`);
  }
}
