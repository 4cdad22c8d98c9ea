// CSV replay: `risk-desk serve --replay prices.csv --speed 86400` plays a price file (the same
// formats `import` reads) as ticks, compressing calendar time by `speed`: at 86400 each replayed
// day takes one second. Each date's closes arrive together as that day's ticks, so every date
// after the book's latest rolls a new day into history.
import { readPrices } from '../book/csv';
import { InputError, type PriceTable } from '../book/types';
import { type Timers, type TimerHandle, systemTimers } from '../ports';
import { FeedBase, type FeedDeps, type FeedSink } from './feed';

export interface ReplayFeedOptions extends FeedDeps {
  timers?: Timers;
  /** How many times faster than real time (default 86400: a day per second). */
  speed?: number;
}

export class ReplayFeed extends FeedBase {
  private readonly table: PriceTable;
  private readonly timers: Timers;
  private readonly speed: number;
  private timer: TimerHandle | undefined;
  private next = 0;
  private startedAt = 0;
  private firstDay = 0;
  private finished: (() => void) | undefined;
  /** Resolves when every date has been replayed (or the feed was stopped). */
  readonly done: Promise<void>;

  /** Reads the file now, so a bad file fails before anything starts (InputError naming file, line and field). */
  constructor(
    readonly file: string,
    private readonly opts: ReplayFeedOptions,
  ) {
    super('replay', file, opts);
    const speed = opts.speed ?? 86_400;
    if (!Number.isFinite(speed) || speed <= 0) throw new InputError('--speed', null, null, `"${speed}" must be a number above 0`);
    this.speed = speed;
    this.timers = opts.timers ?? systemTimers;
    this.table = readPrices(file);
    if (this.table.dates.length === 0) throw new InputError(file, null, null, 'holds no prices to replay');
    this.done = new Promise((resolve) => (this.finished = resolve));
  }

  /** The dates the file holds. */
  get dates(): readonly string[] {
    return this.table.dates;
  }

  start(sink: FeedSink): void {
    this.sink = sink;
    // Dates before the book's latest are history already: replay from the latest day on.
    const latest = sink.latestDate();
    const first = this.table.dates.findIndex((d) => d >= latest);
    this.next = first < 0 ? this.table.dates.length : first;
    if (this.next > 0) this.logger.info({ skipped: this.next, book_latest: latest }, 'replay skips dates already in the book');
    this.startedAt = this.deps.clock.now();
    this.firstDay = this.next < this.table.dates.length ? Date.parse(`${this.table.dates[this.next]}T00:00:00Z`) : 0;
    this.setState('live');
    this.pump();
  }

  private dueAt(i: number): number {
    return this.startedAt + (Date.parse(`${this.table.dates[i]}T00:00:00Z`) - this.firstDay) / this.speed;
  }

  private pump(): void {
    this.timer = undefined;
    const now = this.deps.clock.now();
    const n = this.table.symbols.length;
    while (this.next < this.table.dates.length && this.dueAt(this.next) <= now) {
      const d = this.next++;
      const date = this.table.dates[d];
      const ts = Date.parse(`${date}T00:00:00Z`);
      for (let s = 0; s < n; s++) {
        const close = this.table.closes[d * n + s];
        if (!Number.isNaN(close)) this.deliverTick({ symbol: this.table.symbols[s], price: close, ts, date });
      }
    }
    if (this.next >= this.table.dates.length) {
      this.logger.info({ file: this.file, dates: this.table.dates.length }, 'replay finished');
      this.setState('stopped');
      this.finished?.();
      return;
    }
    this.timer = this.timers.setTimeout(() => this.pump(), Math.max(0, Math.ceil(this.dueAt(this.next) - now)));
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.setState('stopped');
    this.finished?.();
  }
}
