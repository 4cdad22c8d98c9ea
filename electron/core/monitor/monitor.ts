// The live loop: keeps every portfolio's risk current as prices move.
//  - A tick updates the book and marks the portfolios holding the symbol; each is recomputed at
//    most once per `coalesceMs` window, so a burst costs one recompute per portfolio per window.
//    A quiet portfolio is recomputed at once (a tick shows within a millisecond or two); a busy
//    one (changes less than three windows apart on average) waits one window from the tick that
//    finds it clean, so the ticks that follow share the recompute. No tick waits more than a window.
//    Recomputing may take at most `recomputeShare` of the time; a heavier feed widens the windows
//    rather than letting the event loop fall behind the feed.
//  - A refresh cycle (every `cycleSeconds`) recomputes everything, persists one snapshot per
//    portfolio to risk_snapshots, writes the cache and emits `cycle`.
//  - A housekeeping pass (every second) marks portfolios stale when a held symbol or the feed has
//    been silent past `staleSeconds`, and picks up changes another process made to the database.
import { type Portfolio, Portfolio as PortfolioSchema, type Position, Position as PositionSchema } from '../../../shared/domain';
import type { DropReason } from '../../../shared/feed';
import type { FeedStatus } from '../../../shared/events';
import { isMetricPath, type RiskDetail, type RiskSnapshot } from '../../../shared/metrics';
import { InputError } from '../book/types';
import type { EventBus } from '../events';
import { type Clock, type Logger, type Timers, type TimerHandle, systemTimers } from '../ports';
import type { PortfolioHandle, RiskBook, RiskOptions } from '../risk/book';
import { tuneGarbageCollection } from '../runtime';
import type { HistoryPoint } from '../store/repositories/snapshots';
import type { Store } from '../store/store';
import { type CachedFigures, SnapshotCache } from './cache';
import type { Feed, FeedSink, Tick } from './feed';
import { loadRiskBook } from './load';
import { applyRetention, DEFAULT_RETENTION, type RetentionPolicy, type RetentionResult, validateRetention } from './retention';
import { SimulatedFeed } from './simulated-feed';

export interface MonitorSettings {
  /** A portfolio is recomputed at most once per this many ms (default 50). */
  coalesceMs?: number;
  /** At most this share of a core goes to tick-driven recomputes (0 to 1, default 0.5): past it, coalescing windows widen. */
  recomputeShare?: number;
  /** A flush of due recomputes yields to incoming ticks after this many ms (default 10). */
  maxFlushMs?: number;
  /** Seconds between full refresh cycles that persist snapshots (10 to 300, default 30). */
  cycleSeconds?: number;
  /** A held symbol, or the feed, silent longer than this marks portfolios stale (default 120). */
  staleSeconds?: number;
  /** How often staleness and outside database changes are checked (default 1000 ms). */
  housekeepingMs?: number;
  retention?: Partial<RetentionPolicy>;
  /** How often retention runs (default hourly). */
  retentionIntervalMs?: number;
  /** Write live closes into the prices table (default: true for WebSocket and Redis feeds, false for simulated and replay). */
  persistPrices?: boolean;
  risk?: Partial<RiskOptions>;
  /** REDIS_URL: also cache the latest snapshots in Redis. */
  redisUrl?: string;
  /** RISK_CACHE_DURATION: Redis key expiry in seconds (default 60). */
  cacheSeconds?: number;
}

export interface MonitorDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  feed: Feed;
  timers?: Timers;
  /** A high-resolution millisecond timer that times each recompute for the budget (default performance.now). */
  stopwatch?: () => number;
}

export interface ShockRequest {
  portfolio_id?: string;
  symbols?: string[];
  /** Relative move: -0.08 is an 8% drop. Above -1 and at most 10. */
  move: number;
}

export const CYCLE_SECONDS_RANGE = [10, 300] as const;

/** A portfolio whose changes come on average less than this many windows apart is busy (see markDirty). */
const BUSY_WINDOWS = 3;

/** One portfolio's recompute bookkeeping. */
interface Slot {
  readonly id: string;
  /** When its figures were last computed (the window counts from here). */
  computedAt: number;
  /** When a change (a tick on a held symbol, a position) last reached it, and the smoothed time between changes. */
  changedAt: number;
  meanGap: number;
  /** When its pending recompute runs; Infinity when none is pending. */
  due: number;
  /** In the queue (where it may linger after its recompute was called off; see unpend). */
  queued: boolean;
  /** The portfolio in the book it was last computed from (a reload makes a new book). */
  book: RiskBook | null;
  handle: PortfolioHandle | null;
  /** Its entry in the snapshot cache, once it has one. */
  cached: CachedFigures | null;
}

class RetentionStopped extends Error {}

export class Monitor {
  private readonly store: Store;
  private readonly events: EventBus;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timers: Timers;
  private readonly cache: SnapshotCache;
  private readonly coalesceMs: number;
  private readonly cycleMs: number;
  private readonly staleMs: number;
  private readonly housekeepingMs: number;
  private readonly retention: RetentionPolicy;
  private readonly retentionIntervalMs: number;
  private readonly persistPrices: boolean;
  private readonly riskOptions: Partial<RiskOptions> | undefined;

  private book: RiskBook | null = null;
  private running = false;
  private startedAt = 0;
  /** Held symbols per portfolio (for stale marking and shocks). */
  private readonly holdings = new Map<string, Set<string>>();
  private readonly lastTickAt = new Map<string, number>();
  private readonly staleSymbols = new Set<string>();
  /** Every symbol of the book, for the stale check (a symbol nobody holds being stale is harmless). */
  private symbolList: readonly string[] = [];
  /** The stale symbols or the feed's silence changed since portfolios' stale flags were last re-derived. */
  private staleSetChanged = false;
  private feedSilent = false;
  private lastFeedState: FeedStatus['state'] | undefined;

  /** Each portfolio's recompute bookkeeping, and the holders' slots of each symbol (made on its first tick; dropped when its holders change). */
  private readonly slots = new Map<string, Slot>();
  private readonly slotsBySymbol = new Map<string, Slot[]>();
  /**
   * Slots waiting for a recompute, oldest first: the first queueLength entries (the array is reused,
   * never shrunk). An array rather than a Set: a tick adds ~100 holders, and the Set's hashing of
   * each was a tenth of what noting a tick cost.
   */
  private readonly queue: Slot[] = [];
  private queueLength = 0;
  private flushTimer: TimerHandle | undefined;
  private flushAt = Infinity;
  /** The recompute budget: no flush starts before this time. */
  private nextFlushAllowedAt = 0;
  private readonly recomputeShare: number;
  private readonly maxFlushMs: number;
  private readonly stopwatch: () => number;
  /** What one recompute costs (ms, moving average over flushes), listeners of the metrics event included. */
  private recomputeCostMs = 0;

  private cycleTimer: TimerHandle | undefined;
  private cycleSliceTimer: TimerHandle | undefined;
  private cycleInProgress = false;
  private housekeepingTimer: TimerHandle | undefined;
  private retentionTimer: TimerHandle | undefined;
  private retentionRun: Promise<RetentionResult | undefined> | undefined;
  private lastCycle: number | null = null;
  private dataVersion = 0;
  /** Live closes not yet written to the prices table, by symbol and date. */
  private readonly unsavedCloses = new Map<string, { symbol: string; date: string; close: number }>();
  /** Live prices since start (re-applied when the book is reloaded after an outside change). */
  private readonly livePrices = new Map<string, { price: number; date: string }>();
  private recomputes = 0;

  constructor(
    private readonly deps: MonitorDeps,
    settings: MonitorSettings = {},
  ) {
    this.store = deps.store;
    this.events = deps.events;
    this.clock = deps.clock;
    this.logger = deps.logger.child({ part: 'monitor' });
    this.timers = deps.timers ?? systemTimers;
    this.coalesceMs = settings.coalesceMs ?? 50;
    const cycleSeconds = settings.cycleSeconds ?? 30;
    if (!(cycleSeconds >= CYCLE_SECONDS_RANGE[0] && cycleSeconds <= CYCLE_SECONDS_RANGE[1])) {
      throw new InputError('--cycle-seconds', null, null, `"${cycleSeconds}" must be from ${CYCLE_SECONDS_RANGE[0]} to ${CYCLE_SECONDS_RANGE[1]} seconds`);
    }
    this.cycleMs = cycleSeconds * 1000;
    const staleSeconds = settings.staleSeconds ?? 120;
    if (!(Number.isFinite(staleSeconds) && staleSeconds > 0)) throw new InputError('--stale-seconds', null, null, `"${staleSeconds}" must be a number of seconds above 0`);
    this.staleMs = staleSeconds * 1000;
    if (!(Number.isFinite(this.coalesceMs) && this.coalesceMs >= 0)) throw new RangeError(`coalesceMs must be at least 0 (got ${this.coalesceMs})`);
    this.recomputeShare = settings.recomputeShare ?? 0.5;
    if (!(this.recomputeShare > 0 && this.recomputeShare <= 1)) throw new RangeError(`recomputeShare must be above 0 and at most 1 (got ${this.recomputeShare})`);
    this.maxFlushMs = settings.maxFlushMs ?? 10;
    this.stopwatch = deps.stopwatch ?? (() => performance.now());
    this.housekeepingMs = settings.housekeepingMs ?? 1000;
    this.retention = validateRetention({ ...DEFAULT_RETENTION, ...settings.retention });
    this.retentionIntervalMs = settings.retentionIntervalMs ?? 3_600_000;
    this.persistPrices = settings.persistPrices ?? (deps.feed.kind === 'websocket' || deps.feed.kind === 'redis');
    this.riskOptions = settings.risk;
    this.cache = new SnapshotCache({ logger: this.logger, timers: this.timers, redisUrl: settings.redisUrl, ttlSeconds: settings.cacheSeconds });
  }

  // ---- lifecycle ----

  /** Loads the book from the store, computes every portfolio, persists a first cycle and starts the feed and timers. */
  start(): void {
    if (this.running) return;
    tuneGarbageCollection();
    this.startedAt = this.clock.now();
    this.dataVersion = this.readDataVersion();
    this.load();
    this.running = true;
    this.cache.connect();
    this.runCycle(false);
    this.deps.feed.start(this.sink);
    this.scheduleCycle();
    this.scheduleHousekeeping();
    this.retentionRun = this.runRetention();
    this.logger.info({ feed: this.deps.feed.status().source, kind: this.deps.feed.kind, portfolios: this.holdings.size, cycle_ms: this.cycleMs, coalesce_ms: this.coalesceMs, recompute_budget: this.recomputeShare }, 'monitor started');
  }

  /** Stops the feed and every timer, saves unsaved live closes and closes the cache. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of [this.flushTimer, this.cycleTimer, this.cycleSliceTimer, this.housekeepingTimer, this.retentionTimer]) if (t !== undefined) this.timers.clearTimeout(t);
    this.flushTimer = this.cycleTimer = this.cycleSliceTimer = this.housekeepingTimer = this.retentionTimer = undefined;
    this.cycleInProgress = false;
    await this.deps.feed.stop();
    await this.retentionRun?.catch(() => undefined);
    this.saveCloses();
    await this.cache.close();
    this.logger.info({}, 'monitor stopped');
  }

  // ---- what other parts read ----

  /** The latest snapshot of a portfolio (undefined for an unknown portfolio). */
  latest(portfolioId: string): RiskSnapshot | undefined {
    return this.cache.get(portfolioId);
  }

  /** Every portfolio's latest snapshot. */
  latestAll(): RiskSnapshot[] {
    return this.cache.all();
  }

  portfolioIds(): string[] {
    return [...this.holdings.keys()];
  }

  /** Positions with component VaR, correlation and backtest, from the live book. */
  detail(portfolioId: string): RiskDetail {
    if (!this.book) throw new InputError('portfolio', null, 'portfolio_id', `unknown portfolio "${portfolioId}"`);
    return this.book.detail(portfolioId);
  }

  /** One metric of a portfolio over [sinceMs, untilMs), oldest first, from the persisted snapshots. */
  history(portfolioId: string, metricPath: string, sinceMs: number, untilMs: number = this.clock.now() + 1): HistoryPoint[] {
    if (!isMetricPath(metricPath)) throw new InputError('history', null, 'metric', `unknown metric "${metricPath}"`);
    if (!Number.isFinite(sinceMs) || !Number.isFinite(untilMs)) throw new InputError('history', null, 'since', 'since and until must be times');
    return this.store.snapshots.history(portfolioId, metricPath, sinceMs, untilMs);
  }

  /** The feed's status; `stale` when it is connected but has been silent past the stale limit. */
  feedStatus(): FeedStatus {
    const s = this.deps.feed.status();
    return this.feedSilent && s.state === 'live' ? { ...s, state: 'stale' } : s;
  }

  /** ISO time of the last completed refresh cycle. */
  lastCycleAt(): string | null {
    return this.lastCycle === null ? null : new Date(this.lastCycle).toISOString();
  }

  /** Recomputes since start (for benchmarks and diagnostics). */
  recomputeCount(): number {
    return this.recomputes;
  }

  // ---- what other parts change ----

  /**
   * Moves prices at once through the simulated feed (demos and drills): the given symbols, else
   * the portfolio's holdings, else every symbol. Any other feed: an error saying so.
   */
  shock(req: ShockRequest): { symbols: string[]; move: number } {
    const feed = this.deps.feed;
    if (!(feed instanceof SimulatedFeed)) throw new InputError('shock', null, null, `shocks need the simulated feed; this desk runs the ${feed.kind} feed (${feed.status().source})`);
    if (!(typeof req.move === 'number' && Number.isFinite(req.move) && req.move > -1 && req.move <= 10)) {
      throw new InputError('shock', null, 'move', `"${req.move}" must be a fraction above -1 and at most 10 (-0.08 is an 8% drop)`);
    }
    let symbols: string[];
    if (req.symbols && req.symbols.length > 0) {
      const unknown = req.symbols.filter((s) => !this.book?.hasSymbol(s));
      if (unknown.length) throw new InputError('shock', null, 'symbols', `unknown symbol${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${s}"`).join(', ')}`);
      symbols = req.symbols;
    } else if (req.portfolio_id !== undefined) {
      const held = this.holdings.get(req.portfolio_id);
      if (!held) throw new InputError('shock', null, 'portfolio_id', `unknown portfolio "${req.portfolio_id}"`);
      symbols = [...held].sort();
    } else symbols = this.book?.symbols() ?? [];
    return { symbols: feed.shock(symbols, req.move), move: req.move };
  }

  /**
   * Sets a position (quantity 0 removes it), in the database and the live book together, and
   * recomputes the portfolio. Unknown portfolio or symbol: InputError, nothing changed.
   */
  setPosition(p: Position): void {
    const parsed = PositionSchema.safeParse(p);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError('position', null, issue.path.join('.') || null, issue.message);
    }
    const pos = parsed.data;
    const book = this.requireBook();
    if (!this.holdings.has(pos.portfolio_id)) throw new InputError('position', null, 'portfolio_id', `unknown portfolio "${pos.portfolio_id}"`);
    if (!book.hasSymbol(pos.symbol) || book.lastPrice(pos.symbol) === undefined) throw new InputError('position', null, 'symbol', `unknown symbol "${pos.symbol}": it has no prices`);
    let affected: readonly string[] = [];
    // One transaction: if the book refuses the change, the database keeps the old position too.
    this.store.transaction(() => {
      this.store.book.setPosition(pos);
      affected = book.setPosition(pos);
    });
    const held = this.holdings.get(pos.portfolio_id)!;
    if (pos.quantity === 0) held.delete(pos.symbol);
    else held.add(pos.symbol);
    // Only this symbol's holders changed (clearing every list made each position message cost a
    // rebuild per symbol on its next tick).
    this.slotsBySymbol.delete(pos.symbol);
    this.markDirty(affected);
  }

  /** Adds or updates a portfolio (name, NAV, currency) in the database and the live book. */
  upsertPortfolio(input: Portfolio): void {
    const parsed = PortfolioSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError('portfolio', null, issue.path.join('.') || null, issue.message);
    }
    const p = parsed.data;
    const book = this.requireBook();
    this.store.transaction(() => {
      this.store.book.upsertPortfolio(p);
      book.upsertPortfolio(p);
    });
    if (!this.holdings.has(p.id)) this.holdings.set(p.id, new Set());
    this.slotOf(p.id);
    this.markDirty([p.id]);
  }

  /** Runs a full refresh cycle now (also runs on its timer). */
  refresh(): void {
    this.runCycle();
  }

  /** Applies the retention policy now (also runs hourly). */
  async runRetention(): Promise<RetentionResult | undefined> {
    try {
      const result = await applyRetention(this.store.snapshots, this.retention, this.clock.now(), async () => {
        await new Promise((r) => setImmediate(r));
        if (!this.running) throw new RetentionStopped();
      });
      if (result.downsampled5m + result.downsampled1d + result.dropped > 0) this.logger.info({ ...result }, 'snapshot retention applied');
      return result;
    } catch (err) {
      if (err instanceof RetentionStopped) this.logger.info({}, 'snapshot retention interrupted by stop; it resumes on the next run');
      else this.logger.error({ err }, 'snapshot retention failed');
      return undefined;
    } finally {
      this.scheduleRetention();
    }
  }

  // ---- the feed's side ----

  private readonly sink: FeedSink = {
    tick: (t) => this.onTick(t),
    position: (p) => this.onFeedPosition(p),
    status: () => this.onFeedStatus(),
    symbols: () => this.book?.symbols() ?? [],
    lastPrice: (s) => this.book?.lastPrice(s),
    latestDate: () => this.book?.latestDate() ?? new Date(this.clock.now()).toISOString().slice(0, 10),
  };

  private onTick(t: Tick): DropReason | undefined {
    const book = this.book;
    if (!book || !book.hasSymbol(t.symbol)) return 'unknown_symbol';
    if (t.date < book.latestDate()) return 'out_of_order';
    const now = this.clock.now();
    this.lastTickAt.set(t.symbol, now);
    if (this.staleSymbols.delete(t.symbol)) this.staleSetChanged = true;
    if (this.feedSilent) this.feedBack();
    const rolled = t.date > book.latestDate();
    const affected = book.applyTick(t.symbol, t.price, t.date);
    this.livePrices.set(t.symbol, { price: t.price, date: t.date });
    if (this.persistPrices) this.unsavedCloses.set(`${t.symbol}\u0000${t.date}`, { symbol: t.symbol, date: t.date, close: t.price });
    // A new day changes everyone; otherwise the holders changed, if the price did.
    if (rolled) this.markDirty(affected);
    else if (affected.length > 0) this.markSlotsDirty(this.slotsHolding(t.symbol));
    return undefined;
  }

  private onFeedPosition(p: Position): DropReason | undefined {
    if (!this.holdings.has(p.portfolio_id)) return 'unknown_portfolio';
    if (!this.book?.hasSymbol(p.symbol) || this.book.lastPrice(p.symbol) === undefined) return 'unknown_symbol';
    this.setPosition(p);
    return undefined;
  }

  private onFeedStatus(): void {
    const status = this.feedStatus();
    if (status.state === this.lastFeedState) return;
    this.lastFeedState = status.state;
    this.events.emit('feed', status);
    this.cache.setFeed(status);
  }

  // ---- coalesced recomputes ----

  /** The portfolio's slot, made on first need (slots outlive a reload; a removed portfolio's goes). */
  private slotOf(id: string): Slot {
    let slot = this.slots.get(id);
    if (!slot) this.slots.set(id, (slot = { id, computedAt: -Infinity, changedAt: -Infinity, meanGap: Infinity, due: Infinity, queued: false, book: null, handle: null, cached: null }));
    return slot;
  }

  /** Calls off a slot's pending recompute; the next flush drops it from the queue. */
  private unpend(slot: Slot): void {
    slot.due = Infinity;
  }

  /** The slots of the portfolios holding a symbol, kept until positions change. */
  private slotsHolding(symbol: string): Slot[] {
    let list = this.slotsBySymbol.get(symbol);
    if (!list) {
      list = [];
      for (const [id, held] of this.holdings) if (held.has(symbol)) list.push(this.slotOf(id));
      this.slotsBySymbol.set(symbol, list);
    }
    return list;
  }

  private markDirty(ids: readonly string[]): void {
    const slots: Slot[] = [];
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot) slots.push(slot); // else removed meanwhile
    }
    this.markSlotsDirty(slots);
  }

  private markSlotsDirty(slots: readonly Slot[]): void {
    if (!this.running || slots.length === 0) return;
    const now = this.clock.now();
    let earliest = Infinity;
    const window = this.coalesceMs;
    for (const slot of slots) {
      // How far apart its changes come, smoothed over the last few.
      const gap = now - slot.changedAt;
      slot.changedAt = now;
      slot.meanGap = slot.meanGap < Infinity ? 0.75 * slot.meanGap + 0.25 * gap : gap;
      // Already waiting: its due time has not moved.
      if (slot.due !== Infinity) continue;
      // A busy portfolio waits a full window after the change that finds it clean, so the changes
      // that follow share its recompute: the fewest recomputes for a worst wait of one window.
      // Otherwise it is recomputed at once, its window allowing.
      slot.due = slot.meanGap < BUSY_WINDOWS * window ? now + window : Math.max(now, slot.computedAt + window);
      if (!slot.queued) {
        slot.queued = true;
        this.queue[this.queueLength++] = slot;
      }
      if (slot.due < earliest) earliest = slot.due;
    }
    earliest = Math.max(earliest, this.nextFlushAllowedAt);
    if (earliest < this.flushAt) this.scheduleFlush(earliest, now);
  }

  private scheduleFlush(at: number, now: number): void {
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    this.flushAt = at;
    this.flushTimer = this.timers.setTimeout(() => this.flush(), Math.max(0, at - now));
  }

  /**
   * Recomputes the pending portfolios that are due, oldest first. A flush works at most
   * `maxFlushMs` before yielding (ticks keep flowing in between), and the next one waits so that
   * recomputing takes at most `recomputeShare` of the time: under a heavy feed the windows widen
   * instead of the event loop falling behind.
   */
  private flush(): void {
    this.flushTimer = undefined;
    this.flushAt = Infinity;
    if (!this.running) return;
    const now = this.clock.now();
    let next = Infinity;
    let sliced = false;
    let published = 0;
    const timestamp = new Date(now).toISOString();
    const started = this.stopwatch();
    // One pass compacts the queue: recomputed and called-off slots leave, the rest keep their order.
    const queue = this.queue;
    const length = this.queueLength;
    let kept = 0;
    let i = 0;
    for (; i < length && !sliced; i++) {
      const slot = queue[i];
      const due = slot.due;
      if (due <= now) {
        slot.due = Infinity;
        slot.queued = false;
        this.publish(slot, now, timestamp);
        // The clock is read every eighth recompute (~50 us of work): reading it each time cost ~1%.
        if ((++published & 7) === 0 && this.clock.now() - now >= this.maxFlushMs) sliced = true;
      } else if (due === Infinity) slot.queued = false;
      else {
        queue[kept++] = slot;
        if (due < next) next = due;
      }
    }
    // What a slice left, then what listeners of the metrics event queued meanwhile (a position change).
    for (; i < this.queueLength; i++) {
      const slot = (queue[kept++] = queue[i]);
      if (slot.due < next) next = slot.due;
    }
    this.queueLength = kept;
    let took = 0;
    if (published > 0) {
      took = Math.max(0, this.stopwatch() - started);
      // A moving average per flush; one sample can move it at most 10x, so a preempted flush is not taken as the norm.
      const cost = took / published;
      this.recomputeCostMs = this.recomputeCostMs === 0 ? cost : 0.9 * this.recomputeCostMs + 0.1 * Math.min(cost, 10 * this.recomputeCostMs);
    }
    // The work done, priced at the average recompute (the wall time of a flush would also count
    // other processes' turns on a busy machine, and process CPU time other threads' (GC)), and
    // never above what this flush took: a run of preempted flushes (a VM paused) inflates the
    // average, and pricing the flushes after it at that average held each next one back for
    // seconds, which kept the average from coming down (a quiet feed's ticks waited 0.5 to 1.5 s).
    this.nextFlushAllowedAt = now + Math.min(published * this.recomputeCostMs, took) / this.recomputeShare;
    if (sliced) next = now;
    if (kept > 0 && next < Infinity) this.scheduleFlush(Math.max(next, this.nextFlushAllowedAt), this.clock.now());
  }

  /**
   * Computes, caches and emits one portfolio's snapshot. A refresh cycle's recompute does not start
   * a window (`tickDriven` false): a tick just after the cycle is shown at once rather than held
   * back up to a window by a recompute no tick asked for.
   */
  private publish(slot: Slot, now: number, timestamp = new Date(now).toISOString(), tickDriven = true): RiskSnapshot | undefined {
    const book = this.book;
    if (!book) return undefined;
    const id = slot.id;
    let snapshot: RiskSnapshot;
    try {
      if (slot.book !== book || slot.handle === null) {
        slot.handle = book.handle(id);
        slot.book = book;
      }
      const f = book.figuresOf(slot.handle);
      let entry = slot.cached;
      if (entry === null || entry.removed) entry = slot.cached = this.cache.entry(id);
      this.cache.write(entry, f.values, f.as_of, f.observations, f.null_reasons, timestamp, this.isStale(id));
      snapshot = entry.snapshot();
    } catch (err) {
      this.logger.error({ err, portfolio_id: id }, 'risk computation failed');
      return undefined;
    }
    this.recomputes++;
    if (tickDriven) slot.computedAt = now;
    this.events.emit('metrics', { snapshot });
    return snapshot;
  }

  // ---- cycles ----

  private scheduleCycle(): void {
    if (!this.running) return;
    this.cycleTimer = this.timers.setTimeout(() => {
      this.runCycle();
      this.scheduleCycle();
    }, this.cycleMs);
  }

  /**
   * Recomputes every portfolio and persists one snapshot each, in one transaction. When sliced,
   * the recomputing yields to incoming ticks every `maxFlushMs`, so a large book's cycle never
   * stalls the live loop; the first cycle at start runs in one go.
   */
  private runCycle(sliced = true): void {
    if (this.cycleInProgress) return;
    this.cycleInProgress = true;
    const started = this.clock.now();
    const t0 = performance.now();
    const ids = [...this.holdings.keys()];
    const snapshots: RiskSnapshot[] = [];
    let i = 0;
    const fail = (err: unknown) => {
      this.cycleInProgress = false;
      this.logger.error({ err }, 'refresh cycle failed');
      this.events.emit('system', { level: 'error', message: `refresh cycle failed: ${(err as Error).message}`, at: new Date(started).toISOString() });
    };
    const step = () => {
      this.cycleSliceTimer = undefined;
      if (!this.running) {
        this.cycleInProgress = false;
        return;
      }
      try {
        const sliceStart = this.clock.now();
        while (i < ids.length) {
          const slot = this.slots.get(ids[i++]);
          if (!slot) continue;
          this.unpend(slot);
          const snapshot = this.publish(slot, this.clock.now(), undefined, false);
          if (snapshot) snapshots.push(snapshot);
          if (sliced && i < ids.length && this.clock.now() - sliceStart >= this.maxFlushMs) {
            this.cycleSliceTimer = this.timers.setTimeout(step, 0);
            return;
          }
        }
        this.store.snapshots.insertMany(snapshots);
        this.saveCloses();
        void this.cache.flush();
        this.cycleInProgress = false;
        this.lastCycle = started;
        this.events.emit('cycle', { at: new Date(started).toISOString(), durationMs: performance.now() - t0, portfolios: snapshots.length });
      } catch (err) {
        fail(err);
      }
    };
    step();
  }

  private saveCloses(): void {
    if (this.unsavedCloses.size === 0) return;
    const rows = [...this.unsavedCloses.values()];
    this.unsavedCloses.clear();
    this.store.transaction(() => {
      for (const r of rows) this.store.book.upsertPrice(r);
    });
  }

  private scheduleRetention(): void {
    if (!this.running) return;
    if (this.retentionTimer !== undefined) this.timers.clearTimeout(this.retentionTimer);
    this.retentionTimer = this.timers.setTimeout(() => {
      this.retentionTimer = undefined;
      this.retentionRun = this.runRetention();
    }, this.retentionIntervalMs);
  }

  // ---- staleness and outside changes ----

  private scheduleHousekeeping(): void {
    if (!this.running) return;
    this.housekeepingTimer = this.timers.setTimeout(() => {
      this.housekeeping();
      this.scheduleHousekeeping();
    }, this.housekeepingMs);
  }

  private housekeeping(): void {
    try {
      const version = this.readDataVersion();
      if (version !== this.dataVersion) {
        this.dataVersion = version;
        this.reload();
      }
      this.markStale();
    } catch (err) {
      this.logger.error({ err }, 'monitor housekeeping failed');
    }
  }

  private isStale(id: string): boolean {
    if (this.feedSilent) return true;
    if (this.staleSymbols.size === 0) return false;
    for (const s of this.holdings.get(id) ?? []) if (this.staleSymbols.has(s)) return true;
    return false;
  }

  /**
   * Re-derives who is stale; every portfolio whose flag changed gets an updated snapshot (figures
   * unchanged). Runs every second, so it costs O(symbols) and walks the portfolios only when a
   * symbol went stale or came back, or the feed fell silent or spoke again: walking every holding
   * each second cost the live loop ~5% of a core and a millisecond stall (1,000 x 50 holdings).
   */
  private markStale(): void {
    const now = this.clock.now();
    const last = this.deps.feed.status().last_message_at;
    const heardAt = Math.max(this.startedAt, last === null ? 0 : Date.parse(last));
    const silent = now - heardAt > this.staleMs;
    if (silent !== this.feedSilent) {
      this.feedSilent = silent;
      this.staleSetChanged = true;
      if (silent) this.logger.warn({ silent_ms: now - heardAt }, 'feed silent past the stale limit');
      this.onFeedStatus();
    }
    for (const s of this.symbolList) {
      if (!this.staleSymbols.has(s) && now - (this.lastTickAt.get(s) ?? this.startedAt) > this.staleMs) {
        this.staleSymbols.add(s);
        this.staleSetChanged = true;
      }
    }
    if (!this.staleSetChanged) return;
    this.staleSetChanged = false;
    for (const id of this.holdings.keys()) {
      const slot = this.slots.get(id);
      const entry = slot?.cached;
      const stale = this.isStale(id);
      // A portfolio waiting for its recompute gets its flag with it.
      if (entry?.written && !entry.removed && entry.stale !== stale && slot!.due === Infinity) {
        // The same figures with the new flag.
        this.cache.write(entry, entry.values, entry.as_of, entry.observations, entry.null_reasons, new Date(now).toISOString(), stale);
        this.events.emit('metrics', { snapshot: entry.snapshot() });
      }
    }
  }

  private feedBack(): void {
    this.feedSilent = false;
    this.staleSetChanged = true;
    this.onFeedStatus();
  }

  /** SQLite's data_version moves when another connection (another process: `risk-desk import`) commits. */
  private readDataVersion(): number {
    return this.store.sqlite.pragma('data_version', { simple: true }) as number;
  }

  // ---- loading ----

  private requireBook(): RiskBook {
    if (!this.book) throw new InputError('book', null, null, 'the database holds no prices yet: import prices first');
    return this.book;
  }

  private load(): void {
    this.book = loadRiskBook(this.store, this.riskOptions);
    this.symbolList = this.book?.symbols() ?? [];
    this.staleSetChanged = true;
    this.holdings.clear();
    this.slotsBySymbol.clear();
    for (const p of this.store.book.listPortfolios()) {
      this.holdings.set(p.id, new Set());
      this.slotOf(p.id);
    }
    for (const pos of this.store.book.listPositions()) this.holdings.get(pos.portfolio_id)?.add(pos.symbol);
  }

  /**
   * Another process changed the database (an import): rebuild the book from it, re-apply the live
   * prices of the current day, and recompute everyone. A book that fails to load keeps the old one.
   */
  private reload(): void {
    const before = new Set(this.holdings.keys());
    const previous = { book: this.book, holdings: new Map([...this.holdings].map(([k, v]) => [k, new Set(v)])) };
    try {
      this.load();
    } catch (err) {
      this.book = previous.book;
      this.holdings.clear();
      for (const [k, v] of previous.holdings) this.holdings.set(k, v);
      this.logger.error({ err }, 'the database changed but its book does not load; keeping the previous book');
      return;
    }
    const book = this.book;
    if (book) {
      for (const [symbol, live] of this.livePrices) {
        if (book.hasSymbol(symbol) && live.date >= book.latestDate()) book.applyTick(symbol, live.price, live.date);
      }
    }
    for (const id of before) {
      if (!this.holdings.has(id)) {
        this.cache.delete(id);
        const slot = this.slots.get(id);
        if (slot) this.unpend(slot);
        this.slots.delete(id);
      }
    }
    this.logger.info({ portfolios: this.holdings.size }, 'database changed by another process: book reloaded');
    this.markDirty([...this.holdings.keys()]);
  }
}
