// The desk: the engine's composition root. Electron's main process and the headless server
// both host exactly this object; everything they expose goes through it.
import { seedDemoBook } from './demo/seed';
import { EventBus } from './events';
import type { Feed } from './monitor/feed';
import { createFeed, type FeedSpec } from './monitor/feeds';
import { Monitor, type MonitorSettings } from './monitor/monitor';
import { type Clock, type Logger, silentLogger, systemClock, systemTimers, type Timers } from './ports';
import { Store } from './store/store';

export interface DeskOptions {
  dbFile: string;
  /** Seed the demo book into a database that holds no portfolios (default true). */
  demo?: boolean;
  clock?: Clock;
  timers?: Timers;
  logger?: Logger;
  /** The market-data feed: a URL, a replay file, or (default) the simulated feed. */
  feed?: FeedSpec;
  /** Live monitoring settings (cycle, stale limit, coalescing, cache, retention). */
  monitor?: MonitorSettings;
  /** Start the monitor (feed, cycles) on open (default true). When false, `desk.monitor.start()` starts it. */
  live?: boolean;
}

export class Desk {
  readonly startedAt: number;
  readonly events: EventBus;
  /** The live loop: latest snapshots, history, feed status, shocks, position changes. */
  readonly monitor: Monitor;

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly logger: Logger,
    opts: DeskOptions,
    feed: Feed,
  ) {
    this.startedAt = clock.now();
    this.events = new EventBus(logger);
    this.monitor = new Monitor({ store, events: this.events, clock, logger, feed, timers: opts.timers ?? systemTimers }, opts.monitor);
  }

  static open(opts: DeskOptions): Desk {
    const clock = opts.clock ?? systemClock;
    const logger = opts.logger ?? silentLogger;
    // The feed first: a bad feed URL or replay file fails before the database is touched.
    const feed = createFeed(opts.feed ?? {}, { clock, logger, timers: opts.timers ?? systemTimers });
    const store = Store.open(opts.dbFile, clock);
    try {
      if ((opts.demo ?? true) && store.book.countPortfolios() === 0) {
        seedDemoBook(store);
        logger.info({ db: opts.dbFile }, 'seeded the demo book');
      }
      const desk = new Desk(store, clock, logger, opts, feed);
      if (opts.live ?? true) desk.monitor.start();
      return desk;
    } catch (err) {
      store.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.monitor.stop();
    this.store.close();
  }
}
