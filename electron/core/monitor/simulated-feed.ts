// The simulated feed (the default): a seeded, correlated random walk starting from the book's
// latest prices. Every symbol loads on one market factor, so a sell-off moves the book together,
// and shock() applies an instant move for demos and tests.
import { mulberry32, normalSource } from '../demo/generator';
import { type Timers, type TimerHandle, systemTimers } from '../ports';
import { FeedBase, type FeedDeps, type FeedSink } from './feed';

export interface SimulatedFeedOptions extends FeedDeps {
  timers?: Timers;
  /** Ticks per second across the whole book (default 20). */
  ticksPerSecond?: number;
  seed?: number;
  /** Annualised volatility of each symbol (default 0.25). */
  annualVolatility?: number;
  /** Loading on the common market factor: pairwise correlation is its square (default 0.6). */
  marketBeta?: number;
  /** How often the generator wakes to emit the ticks due (default 50 ms). */
  stepMs?: number;
}

/** Seconds of trading in a year (252 days of 6.5 hours): the time base of the volatility. */
const TRADING_SECONDS_PER_YEAR = 252 * 6.5 * 3600;

export class SimulatedFeed extends FeedBase {
  private readonly timers: Timers;
  private readonly normal: () => number;
  private readonly uniform: () => number;
  private readonly sigmaPerSqrtSecond: number;
  private readonly beta: number;
  private timer: TimerHandle | undefined;
  private running = false;
  private order: string[] = [];
  private cursor = 0;
  private owed = 0;
  private lastStepAt = 0;
  /** The market factor: a Brownian motion in seconds. Each symbol remembers its value at its last tick. */
  private market = 0;
  private readonly walk = new Map<string, { price: number; at: number; market: number }>();

  constructor(private readonly opts: SimulatedFeedOptions) {
    super('simulated', 'simulated', opts);
    this.timers = opts.timers ?? systemTimers;
    this.uniform = mulberry32(opts.seed ?? 1);
    this.normal = normalSource(this.uniform);
    this.sigmaPerSqrtSecond = (opts.annualVolatility ?? 0.25) / Math.sqrt(TRADING_SECONDS_PER_YEAR);
    this.beta = opts.marketBeta ?? 0.6;
  }

  get ticksPerSecond(): number {
    return this.opts.ticksPerSecond ?? 20;
  }

  start(sink: FeedSink): void {
    this.sink = sink;
    const now = this.deps.clock.now();
    for (const s of sink.symbols()) {
      const price = sink.lastPrice(s);
      if (price !== undefined && price > 0) this.walk.set(s, { price, at: now, market: this.market });
    }
    this.order = [...this.walk.keys()];
    this.shuffle();
    this.running = true;
    this.lastStepAt = now;
    this.setState('live');
    this.schedule();
  }

  private shuffle(): void {
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
    }
  }

  private schedule(): void {
    if (!this.running || this.ticksPerSecond <= 0 || this.order.length === 0) return;
    this.timer = this.timers.setTimeout(() => this.step(), this.opts.stepMs ?? 50);
  }

  /** Emits the ticks due since the last step, visiting symbols in a reshuffled round robin so none goes quiet. */
  private step(): void {
    const now = this.deps.clock.now();
    const elapsed = Math.max(0, now - this.lastStepAt) / 1000;
    this.lastStepAt = now;
    this.owed += elapsed * this.ticksPerSecond;
    const dMarket = Math.sqrt(elapsed) * this.normal();
    this.market += dMarket;
    const date = this.tickDate(now);
    while (this.owed >= 1 && this.running) {
      this.owed -= 1;
      const symbol = this.order[this.cursor++];
      if (this.cursor >= this.order.length) {
        this.cursor = 0;
        this.shuffle();
      }
      const st = this.walk.get(symbol)!;
      const dt = Math.max(1e-3, (now - st.at) / 1000);
      const sigma = this.sigmaPerSqrtSecond;
      const logReturn = sigma * (this.beta * (this.market - st.market) + Math.sqrt(1 - this.beta * this.beta) * Math.sqrt(dt) * this.normal()) - 0.5 * sigma * sigma * dt;
      st.price = roundPrice(st.price * Math.exp(logReturn));
      st.at = now;
      st.market = this.market;
      this.deliverTick({ symbol, price: st.price, ts: now, date });
    }
    this.schedule();
  }

  /** Today's UTC date, or the book's latest date if that is later (the book may hold a future-dated close). */
  private tickDate(now: number): string {
    const today = new Date(now).toISOString().slice(0, 10);
    const latest = this.sink?.latestDate() ?? today;
    return latest > today ? latest : today;
  }

  /**
   * Moves the given symbols by `move` (a fraction: -0.08 is an 8% drop) at once, one tick each.
   * Returns the symbols moved (those the feed knows).
   */
  shock(symbols: readonly string[], move: number): string[] {
    if (!this.running) throw new Error('the simulated feed is not running');
    const now = this.deps.clock.now();
    const date = this.tickDate(now);
    const moved: string[] = [];
    for (const symbol of symbols) {
      const st = this.walk.get(symbol);
      if (!st) continue;
      st.price = roundPrice(st.price * (1 + move));
      st.at = now;
      this.deliverTick({ symbol, price: st.price, ts: now, date });
      moved.push(symbol);
    }
    this.logger.info({ symbols: moved.length, move }, 'simulated shock applied');
    return moved;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.setState('stopped');
  }
}

/** Prices to 1e-6: what a real tick carries, and never 0 for a listed price. */
function roundPrice(p: number): number {
  return Math.max(1e-6, Math.round(p * 1e6) / 1e6);
}
